// Package networkdb stores the network's profiles in the network table: one item
// per account under PROFILE#<account id> / PROFILE, with a version that every
// write is conditioned on. Profiles have no TTL: they last while the membership
// does and are deleted at erasure (deactivation).
package networkdb

import (
	"context"
	"errors"
	"time"

	"kontor/shared/dynamo"
	"kontor/shared/network"
)

// Store implements network.Store on the network table.
type Store struct {
	DB    dynamo.DB
	Table string
	// Files, where set, holds the objects of posts' attachments, deleted with
	// their posts (attachments.go); a store that deletes posts needs it.
	Files Files
}

var _ network.Store = (*Store)(nil)

func (s *Store) table() dynamo.Table { return dynamo.Table{DB: s.DB, Name: s.Table} }

// profileKey is the key of an account's profile.
func profileKey(accountID string) dynamo.Item { return dynamo.Key("PROFILE#"+accountID, "PROFILE") }

// Get implements network.Store.
func (s *Store) Get(ctx context.Context, accountID string) (network.Profile, error) {
	var p network.Profile
	err := s.table().Get(ctx, profileKey(accountID), &p, dynamo.IgnoreTTL)
	if errors.Is(err, dynamo.ErrNotFound) {
		return network.Profile{}, network.ErrNotFound
	}
	return p, err
}

// Put implements network.Store: the write holds only while the stored version is
// prev (absent for 0).
func (s *Store) Put(ctx context.Context, p network.Profile, prev int) error {
	cond := dynamo.NotExists
	if prev > 0 {
		cond = dynamo.Cond{Expr: "#v = :v", Names: map[string]string{"#v": "version"}, Values: dynamo.Item{":v": dynamo.N(int64(prev))}}
	}
	err := s.table().Put(ctx, profileKey(p.AccountID), p, time.Time{}, cond)
	if errors.Is(err, dynamo.ErrConflict) {
		return network.ErrConflict
	}
	return err
}

// Delete implements network.Store.
func (s *Store) Delete(ctx context.Context, accountID string) error {
	return s.table().Delete(ctx, profileKey(accountID))
}

var _ network.PictureStore = (*Store)(nil)

// pictureKey is the key of an account's pictures, next to its profile, so that
// a picture's upload does not change the profile's version.
func pictureKey(accountID string) dynamo.Item { return dynamo.Key("PROFILE#"+accountID, "PICTURE") }

// GetPictures implements network.PictureStore.
func (s *Store) GetPictures(ctx context.Context, accountID string) (network.Pictures, error) {
	var p network.Pictures
	err := s.table().Get(ctx, pictureKey(accountID), &p, dynamo.IgnoreTTL)
	if errors.Is(err, dynamo.ErrNotFound) {
		return network.Pictures{}, nil
	}
	return p, err
}

// PutPictures implements network.PictureStore.
func (s *Store) PutPictures(ctx context.Context, accountID string, p network.Pictures) error {
	return s.table().Put(ctx, pictureKey(accountID), p, time.Time{}, dynamo.Cond{})
}

// DeletePictures implements network.PictureStore.
func (s *Store) DeletePictures(ctx context.Context, accountID string) error {
	return s.table().Delete(ctx, pictureKey(accountID))
}
