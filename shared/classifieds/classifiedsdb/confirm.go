package classifiedsdb

import (
	"context"
	"errors"
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
