package classifiedsdb

import (
	"context"
	"errors"
	"strings"

	"kontor/shared/classifieds"
	"kontor/shared/dynamo"
)

var _ classifieds.PendingRatingStore = (*Store)(nil)

// AddPending implements classifieds.PendingRatingStore: the item lives until the link
// expires (its ttl the backstop; TakePending tells an expired one by ExpiresAt).
func (s *Store) AddPending(ctx context.Context, p classifieds.PendingRating) error {
	return s.table().Put(ctx, pendingKey(p.Digest), p, p.ExpiresAt, dynamo.NotExists)
}

// TakePending implements classifieds.PendingRatingStore: a read, then a deletion
// conditioned on the item being there, so of two takes of one token only one
// gets it.
func (s *Store) TakePending(ctx context.Context, digest string) (classifieds.PendingRating, error) {
	var p classifieds.PendingRating
	err := s.table().Get(ctx, pendingKey(digest), &p, dynamo.IgnoreTTL)
	if errors.Is(err, dynamo.ErrNotFound) {
		return classifieds.PendingRating{}, classifieds.ErrNoPending
	}
	if err != nil {
		return classifieds.PendingRating{}, err
	}
	if err := s.table().DeleteExisting(ctx, pendingKey(digest)); errors.Is(err, dynamo.ErrNotFound) {
		return classifieds.PendingRating{}, classifieds.ErrNoPending
	} else if err != nil {
		return classifieds.PendingRating{}, err
	}
	return p, nil
}

// PendingOf returns the pending ratings sent from an address.
func (s *Store) PendingOf(ctx context.Context, email string) ([]classifieds.PendingRating, error) {
	out := []classifieds.PendingRating{}
	err := s.table().Keys(ctx, ByPendingEmail, email, func(k dynamo.Item) error {
		if !pendingRatingKey(k) {
			return nil // a listing's confirmation (confirm.go)
		}
		var p classifieds.PendingRating
		err := s.table().Get(ctx, k, &p, dynamo.IgnoreTTL)
		if errors.Is(err, dynamo.ErrNotFound) {
			return nil
		}
		if err == nil {
			out = append(out, p)
		}
		return err
	})
	return out, err
}

// ErasePending deletes the pending ratings sent from an address.
func (s *Store) ErasePending(ctx context.Context, email string) error {
	return s.table().Keys(ctx, ByPendingEmail, email, func(k dynamo.Item) error {
		if !pendingRatingKey(k) {
			return nil // a listing's confirmation: ErasePendingListings
		}
		return s.table().Delete(ctx, k)
	})
}

// pendingRatingKey tells a pending rating's key among the byPendingEmail index's
// entries, which also holds the confirmations of pending listings.
func pendingRatingKey(k dynamo.Item) bool {
	return strings.HasPrefix(dynamo.String(k, dynamo.PK), pendingPrefix)
}
