package classifiedsprivacy

import (
	"context"

	"kontor/shared/classifieds"
	"kontor/shared/privacy"
)

// PendingStore is what export and erasure of pending listings need: a listing
// sent without an account waits for its address's confirmation for 48 hours,
// and the address is the person's (HGK-16), as for pending ratings.
type PendingStore interface {
	PendingListingsOf(ctx context.Context, email string) ([]classifieds.PendingListing, error)
	ErasePendingListings(ctx context.Context, email string) error
}

// exportPending adds the pending listings sent for the person's address.
func (m Module) exportPending(ctx context.Context, s privacy.Subject, out map[string]any) error {
	out[classifieds.KindPending] = []classifieds.PendingListing{}
	if s.Email == "" {
		return nil
	}
	ps, err := m.Store.PendingListingsOf(ctx, s.Email)
	if err == nil {
		out[classifieds.KindPending] = ps
	}
	return err
}

// erasePending deletes the pending listings sent for the person's address.
func (m Module) erasePending(ctx context.Context, s privacy.Subject) error {
	if s.Email == "" {
		return nil
	}
	return m.Store.ErasePendingListings(ctx, s.Email)
}
