package classifieds

import "context"

// ViewExtras adds to a public listing's view what other features keep beside it:
// the ids of its checked photos (photos.go; each fetched through
// GET /v1/listings/{id}/photos/{photoId}) and whether its advertiser confirmed
// their identity (identity.go, HGK-5) — the fact only.
type ViewExtras struct {
	Photos      PhotoStore
	Advertisers interface {
		Advertiser(ctx context.Context, accountID string) (Advertiser, bool, error)
	}
}

// Add fills v's photos and identity mark; a nil ViewExtras fills an empty list.
func (x *ViewExtras) Add(ctx context.Context, l Listing, v *View) error {
	v.Photos = []string{}
	if x == nil {
		return nil
	}
	ps, err := x.Photos.Photos(ctx, l.ID)
	if err != nil {
		return err
	}
	v.Photos = PublicPhotoIDs(ps)
	a, _, err := x.Advertisers.Advertiser(ctx, l.AdvertiserID)
	v.IdentityConfirmed = a.IdentityConfirmedAt != nil
	return err
}
