package classifieds

import "context"

// ViewExtras adds to a public listing's view what other features keep beside it:
// the ids of its checked photos (photos.go; each fetched through
// GET /v1/listings/{id}/photos/{photoId}). The identity mark (HGK-5) comes with the
// advertiser item that Listings.PublicView reads anyway.
type ViewExtras struct {
	Photos PhotoStore
}

// Add fills v's photos; a nil ViewExtras fills an empty list.
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
	return nil
}
