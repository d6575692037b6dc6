package classifiedsprivacy

import (
	"context"

	"kontor/shared/classifieds"
	"kontor/shared/classifieds/classifiedsdb"
	"kontor/shared/dynamo"
	"kontor/shared/privacy"
)

// RatingsStore is what export and erasure of advertiser data and ratings need.
type RatingsStore interface {
	AdvertiserRecord(ctx context.Context, accountID string) (classifieds.AdvertiserRecord, bool, error)
	EachRating(ctx context.Context, ix dynamo.Index, accountID string, fn func(classifieds.Rating) error) error
	EraseRatings(ctx context.Context, accountID string) error
	EraseAdvertiserData(ctx context.Context, accountID string) error
	PendingOf(ctx context.Context, email string) ([]classifieds.PendingRating, error)
	ErasePending(ctx context.Context, email string) error
}

// advertiserExport is the advertiser data with the public id.
type advertiserExport struct {
	classifieds.AdvertiserData
	PublicID string `json:"publicId,omitempty"`
}

// exportRatings adds the advertiser data (null when none), the ratings received
// and those given to an export.
func (m Module) exportRatings(ctx context.Context, s privacy.Subject, out map[string]any) error {
	out[classifieds.KindAdvertiserData], out[classifieds.KindRatingsReceived], out[classifieds.KindRatingsGiven] = nil, []classifieds.Rating{}, []classifieds.Rating{}
	out[classifieds.KindPendingRatings] = []classifieds.PendingRating{}
	if s.Email != "" {
		ps, err := m.Store.PendingOf(ctx, s.Email)
		if err != nil {
			return err
		}
		out[classifieds.KindPendingRatings] = ps
	}
	if s.AccountID == "" {
		return nil
	}
	r, ok, err := m.Store.AdvertiserRecord(ctx, s.AccountID)
	if err != nil {
		return err
	}
	if ok && (r.AdvertiserData != classifieds.AdvertiserData{} || r.PublicID != "") {
		out[classifieds.KindAdvertiserData] = advertiserExport{AdvertiserData: r.AdvertiserData, PublicID: r.PublicID}
	}
	for kind, ix := range map[string]dynamo.Index{classifieds.KindRatingsReceived: classifiedsdb.ByRated, classifieds.KindRatingsGiven: classifiedsdb.ByRater} {
		rs := []classifieds.Rating{}
		if err := m.Store.EachRating(ctx, ix, s.AccountID, func(r classifieds.Rating) error { rs = append(rs, r); return nil }); err != nil {
			return err
		}
		out[kind] = rs
	}
	return nil
}

// eraseRatings deletes the ratings the account received and gave and frees its
// username; it runs before the advertiser item goes (which holds the username).
func (m Module) eraseRatings(ctx context.Context, s privacy.Subject) error {
	if s.Email != "" {
		if err := m.Store.ErasePending(ctx, s.Email); err != nil {
			return err
		}
	}
	if s.AccountID == "" {
		return nil
	}
	if err := m.Store.EraseRatings(ctx, s.AccountID); err != nil {
		return err
	}
	return m.Store.EraseAdvertiserData(ctx, s.AccountID)
}
