// Package networkdb stores the network's profiles in the network table: one item
// per account under PROFILE#<account id> / PROFILE, and its picture record under
// PROFILE#<account id> / PICTURE, each with a version that every write is
// conditioned on. Profiles have no TTL: they last while the membership
// does and are deleted at erasure (deactivation).
package networkdb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

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
		cond = versionIs(prev)
	}
	err := s.table().Put(ctx, profileKey(p.AccountID), p, time.Time{}, cond)
	if errors.Is(err, dynamo.ErrConflict) {
		return network.ErrConflict
	}
	return err
}

// GetWithPictures implements network.Store: the profile and the picture record
// (the two items of the account's partition) in one consistent BatchGetItem;
// keys the service leaves unprocessed are asked for again.
func (s *Store) GetWithPictures(ctx context.Context, accountID string) (network.Profile, network.Pictures, error) {
	var (
		p          network.Profile
		ps         network.Pictures
		hasProfile bool
	)
	req := map[string]types.KeysAndAttributes{s.Table: {
		Keys: []dynamo.Item{profileKey(accountID), pictureKey(accountID)}, ConsistentRead: aws.Bool(true)}}
	for len(req) > 0 {
		res, err := s.DB.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
		if err != nil {
			return network.Profile{}, network.Pictures{}, fmt.Errorf("get profile and picture: %w", err)
		}
		for _, item := range res.Responses[s.Table] {
			out := any(&ps)
			if dynamo.String(item, dynamo.SK) == "PROFILE" {
				out, hasProfile = &p, true
			}
			if err := attributevalue.UnmarshalMap(item, out); err != nil {
				return network.Profile{}, network.Pictures{}, fmt.Errorf("unmarshal profile or picture: %w", err)
			}
		}
		req = res.UnprocessedKeys
	}
	if !hasProfile {
		return network.Profile{}, ps, network.ErrNotFound
	}
	return p, ps, nil
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

// PutPictures implements network.PictureStore: the write holds only while the
// stored record is at version prev (0: none, or a record from before records had
// a version).
func (s *Store) PutPictures(ctx context.Context, accountID string, p network.Pictures, prev int) error {
	err := s.table().Put(ctx, pictureKey(accountID), p, time.Time{}, versionIs(prev))
	if errors.Is(err, dynamo.ErrConflict) {
		return network.ErrConflict
	}
	return err
}

// versionIs is the condition that the stored item is at version prev; for 0, that
// it has no version (it does not exist, or predates versions).
func versionIs(prev int) dynamo.Cond {
	names := map[string]string{"#v": "version"}
	if prev == 0 {
		return dynamo.Cond{Expr: "attribute_not_exists(#v)", Names: names}
	}
	return dynamo.Cond{Expr: "#v = :v", Names: names, Values: dynamo.Item{":v": dynamo.N(int64(prev))}}
}

// DeletePictures implements network.PictureStore.
func (s *Store) DeletePictures(ctx context.Context, accountID string) error {
	return s.table().Delete(ctx, pictureKey(accountID))
}
