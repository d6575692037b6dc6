package classifiedsprivacy

import (
	"context"

	"kontor/shared/classifieds"
)

// addEmpty sets the photos and identity kinds of an export to what an account
// without them has.
func addEmpty(out map[string]any) {
	out[classifieds.KindPhotos] = []classifieds.ListingPhotos{}
	out[classifieds.KindIdentity] = nil
}

// IdentityExport is the identity kind of an export: the fact and the date only.
type IdentityExport struct {
	ConfirmedAt string `json:"identityConfirmedAt"`
}

// exportPhotosAndIdentity adds the photos of the listings ls (with links valid
// classifieds.ExportPhotoTTL) and the date of an identity confirmation of the
// advertiser a (null without one).
func (m Module) exportPhotosAndIdentity(ctx context.Context, out map[string]any, ls []classifieds.Listing, a classifieds.Advertiser) error {
	if a.IdentityConfirmedAt != nil {
		out[classifieds.KindIdentity] = IdentityExport{ConfirmedAt: a.IdentityConfirmedAt.UTC().Format("2006-01-02T15:04:05Z07:00")}
	}
	if m.Photos == nil {
		return nil
	}
	ps, err := m.Photos.ExportPhotos(ctx, listingIDs(ls))
	if err != nil {
		return err
	}
	out[classifieds.KindPhotos] = ps
	return nil
}

// erasePhotos deletes the photos of every listing of the account, files and
// items, before the listings go (they find them). The fact of an identity
// confirmation goes with the advertiser item.
func (m Module) erasePhotos(ctx context.Context, accountID string) error {
	if m.Photos == nil {
		return nil
	}
	var ids []string
	if err := m.Store.EachOf(ctx, accountID, func(l classifieds.Listing) error { ids = append(ids, l.ID); return nil }); err != nil {
		return err
	}
	return m.Photos.ErasePhotos(ctx, ids)
}

func listingIDs(ls []classifieds.Listing) []string {
	ids := make([]string, 0, len(ls))
	for _, l := range ls {
		ids = append(ids, l.ID)
	}
	return ids
}
