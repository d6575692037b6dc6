package classifieds

import (
	"context"
)

// AdvertiserReader reads the advertiser item (classifiedsdb).
type AdvertiserReader interface {
	AdvertiserRecord(ctx context.Context, accountID string) (AdvertiserRecord, bool, error)
}

// PublicView is the public view of a public listing with its advertiser as the
// public sees them: public id, username and rating summary. It is shown only
// with a public listing, so the advertiser has a published listing and the
// summary may be public (HGK-8). Without a reader (or an advertiser item) the
// listing shows no advertiser.
func (s *Listings) PublicView(ctx context.Context, l Listing) (View, error) {
	v := ViewOf(l)
	if s.Advertisers == nil || l.AdvertiserID == "" {
		return v, nil
	}
	r, ok, err := s.Advertisers.AdvertiserRecord(ctx, l.AdvertiserID)
	if err != nil || !ok {
		return v, err
	}
	adv := PublicOf(r)
	v.Advertiser = &adv
	v.IdentityConfirmed = r.IdentityConfirmedAt != nil
	return v, nil
}

// Summaries gives the public advertiser of each advertiser account among the
// listings (read once per advertiser), for a browse page's listings.
func (s *Listings) Summaries(ctx context.Context, accounts []string) (map[string]PublicAdvertiser, error) {
	out := map[string]PublicAdvertiser{}
	if s.Advertisers == nil {
		return out, nil
	}
	for _, acc := range accounts {
		if _, done := out[acc]; done || acc == "" {
			continue
		}
		r, ok, err := s.Advertisers.AdvertiserRecord(ctx, acc)
		if err != nil {
			return nil, err
		}
		if ok {
			out[acc] = PublicOf(r)
		}
	}
	return out, nil
}
