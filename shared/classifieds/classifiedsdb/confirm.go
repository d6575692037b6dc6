package classifiedsdb

import (
	"context"
	"errors"
	"strings"
	"time"

	"kontor/shared/classifieds"
	"kontor/shared/dynamo"
)

var _ classifieds.PendingStore = (*Store)(nil)

// CreatePending implements classifieds.PendingStore: the pending listing (in no
// index) and its confirmation, both with a ttl.
func (s *Store) CreatePending(ctx context.Context, l classifieds.Listing, p classifieds.Pending) error {
	return s.table().Create(ctx,
		dynamo.Write{Key: listingKey(l.ID), V: item(l), Expires: p.ExpiresAt},
		dynamo.Write{Key: confirmKey(p.Digest), V: p, Expires: p.ExpiresAt, Cond: dynamo.NotExists})
}

// Pending implements classifieds.PendingStore.
func (s *Store) Pending(ctx context.Context, digest string, now time.Time) (classifieds.Pending, error) {
	var p classifieds.Pending
	err := s.table().Get(ctx, confirmKey(digest), &p, now)
	if errors.Is(err, dynamo.ErrNotFound) {
		return classifieds.Pending{}, classifieds.ErrNotFound
	}
	return p, err
}

// pendingCond holds while the listing is still pending.
var pendingCond = dynamo.Cond{Expr: "#st = :pending", Names: map[string]string{"#st": attrStatus},
	Values: dynamo.Item{":pending": dynamo.S(classifieds.StatusPending)}}

// Confirm implements classifieds.PendingStore: the confirmation deleted (it must
// exist), the listing published without its ttl (it must still be pending), the
// advertiser item created or kept, in one transaction.
func (s *Store) Confirm(ctx context.Context, p classifieds.Pending, l classifieds.Listing) error {
	err := s.table().Transact(ctx,
		dynamo.Write{Key: confirmKey(p.Digest), Delete: true, Cond: dynamo.Exists},
		dynamo.Write{Key: listingKey(l.ID), V: item(l), Cond: pendingCond},
		firstListing(l.AdvertiserID, *l.PublishedAt))
	if errors.Is(err, dynamo.ErrConflict) {
		return classifieds.ErrUsed
	}
	return err
}

// PendingListingsOf returns the pending listings sent for an address, each with
// its confirmation (export, HGK-16); expired ones too until they are deleted.
func (s *Store) PendingListingsOf(ctx context.Context, email string) ([]classifieds.PendingListing, error) {
	out := []classifieds.PendingListing{}
	err := s.eachConfirmation(ctx, email, func(p classifieds.Pending) error {
		var l classifieds.Listing
		if err := s.table().Get(ctx, listingKey(p.ListingID), &l, dynamo.IgnoreTTL); err != nil && !errors.Is(err, dynamo.ErrNotFound) {
			return err
		}
		if l.Status == classifieds.StatusPending {
			out = append(out, classifieds.PendingListing{Pending: p, Listing: l})
		}
		return nil
	})
	return out, err
}

// ErasePendingListings deletes the pending listings sent for an address and
// their confirmations (erasure); a listing published meanwhile is the account's
// and goes with it.
func (s *Store) ErasePendingListings(ctx context.Context, email string) error {
	return s.eachConfirmation(ctx, email, func(p classifieds.Pending) error {
		err := s.table().Transact(ctx, dynamo.Write{Key: listingKey(p.ListingID), Delete: true, Cond: pendingCond})
		if err != nil && !errors.Is(err, dynamo.ErrConflict) {
			return err
		}
		return s.table().Delete(ctx, confirmKey(p.Digest))
	})
}

// eachConfirmation calls fn with every listing confirmation of an address (the
// byPendingEmail index also holds pending ratings, which it skips).
func (s *Store) eachConfirmation(ctx context.Context, email string, fn func(classifieds.Pending) error) error {
	return s.table().Keys(ctx, ByPendingEmail, email, func(k dynamo.Item) error {
		pk := dynamo.String(k, dynamo.PK)
		if !strings.HasPrefix(pk, confirmPrefix) {
			return nil
		}
		var p classifieds.Pending
		err := s.table().Get(ctx, k, &p, dynamo.IgnoreTTL)
		if errors.Is(err, dynamo.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		p.Digest = strings.TrimPrefix(pk, confirmPrefix)
		return fn(p)
	})
}
