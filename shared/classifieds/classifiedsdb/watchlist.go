package classifiedsdb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/classifieds"
	"kontor/shared/dynamo"
)

var _ classifieds.WatchStore = (*Store)(nil)

// watchItem is a watch list as stored: its entries (listing id → when added, in
// RFC 3339) and when it was last used; ttl is 60 days after that.
type watchItem struct {
	Entries map[string]time.Time `dynamodbav:"entries"`
	UsedAt  time.Time            `dynamodbav:"usedAt"`
}

// Entries implements classifieds.WatchStore.
func (s *Store) Entries(ctx context.Context, digest string, now time.Time) (map[string]time.Time, error) {
	var w watchItem
	err := s.table().Get(ctx, watchKey(digest), &w, now)
	if errors.Is(err, dynamo.ErrNotFound) {
		return nil, classifieds.ErrNoWatchlist
	}
	if w.Entries == nil {
		w.Entries = map[string]time.Time{}
	}
	return w.Entries, err
}

// Watch implements classifieds.WatchStore: a new list is put only where none is;
// an entry is added to an existing, unexpired list only while it has room (or
// already holds the listing, whose first addition is kept).
func (s *Store) Watch(ctx context.Context, digest, listingID string, create bool, now time.Time) error {
	t := s.table()
	expires := now.Add(classifieds.WatchlistTTL)
	if create {
		w := watchItem{Entries: map[string]time.Time{listingID: now}, UsedAt: now}
		return t.Put(ctx, watchKey(digest), w, expires, dynamo.NotExists)
	}
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.Table), Key: watchKey(digest),
		UpdateExpression:         aws.String("SET #e.#id = if_not_exists(#e.#id, :now), #used = :now, #ttl = :ttl"),
		ConditionExpression:      aws.String("attribute_exists(pk) AND #ttl > :epoch AND (size(#e) < :max OR attribute_exists(#e.#id))"),
		ExpressionAttributeNames: map[string]string{"#e": attrEntries, "#id": listingID, "#used": attrLastUsed, "#ttl": dynamo.TTL},
		ExpressionAttributeValues: dynamo.Item{":now": dynamo.S(now.UTC().Format(time.RFC3339Nano)), ":ttl": dynamo.N(expires.Unix()),
			":epoch": dynamo.N(now.Unix()), ":max": dynamo.N(classifieds.MaxWatchEntries)},
	})
	if !dynamo.ConditionFailed(err) {
		return err
	}
	// Gone (or past its lifetime) or full: which one decides the answer.
	if _, err := s.Entries(ctx, digest, now); err != nil {
		return err
	}
	return classifieds.ErrWatchlistFull
}

// Unwatch implements classifieds.WatchStore. It does not move the list's expiry:
// only an addition, which also renews the cookie, does.
func (s *Store) Unwatch(ctx context.Context, digest, listingID string) error {
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(s.Table), Key: watchKey(digest),
		UpdateExpression:         aws.String("REMOVE #e.#id"),
		ConditionExpression:      aws.String("attribute_exists(pk)"),
		ExpressionAttributeNames: map[string]string{"#e": attrEntries, "#id": listingID},
	})
	if dynamo.ConditionFailed(err) {
		return nil
	}
	return err
}

// Listings implements classifieds.WatchStore: one consistent batch read per 100
// listings.
func (s *Store) Listings(ctx context.Context, listingIDs []string) (map[string]classifieds.Listing, error) {
	keys := make([]dynamo.Item, 0, len(listingIDs))
	for _, id := range listingIDs {
		keys = append(keys, listingKey(id))
	}
	items, err := batchGet(ctx, s.DB, s.Table, keys)
	if err != nil {
		return nil, err
	}
	out := make(map[string]classifieds.Listing, len(items))
	for _, it := range items {
		var l classifieds.Listing
		if err := dynamo.Unmarshal(it, &l); err != nil {
			return nil, err
		}
		out[l.ID] = l
	}
	return out, nil
}

// batchGet reads items by key, consistently, 100 at a time (DynamoDB's bound),
// retrying what DynamoDB leaves unprocessed; missing items are left out.
func batchGet(ctx context.Context, db dynamo.DB, table string, keys []dynamo.Item) ([]dynamo.Item, error) {
	var out []dynamo.Item
	for len(keys) > 0 {
		n := min(len(keys), 100)
		pending := map[string]types.KeysAndAttributes{table: {Keys: keys[:n], ConsistentRead: aws.Bool(true)}}
		keys = keys[n:]
		for tries := 0; len(pending) > 0; tries++ {
			if tries == 8 {
				return nil, fmt.Errorf("batch get in %s: keys left unprocessed", table)
			}
			if tries > 0 {
				time.Sleep(time.Duration(tries*tries) * 20 * time.Millisecond)
			}
			res, err := db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: pending})
			if err != nil {
				return nil, fmt.Errorf("batch get in %s: %w", table, err)
			}
			out = append(out, res.Responses[table]...)
			pending = res.UnprocessedKeys
		}
	}
	return out, nil
}

// SweepWatchlists deletes watch lists past their lifetime, for the next part of
// the table (bounded, resumed): DynamoDB's TTL is only the backstop. It returns
// how many it deleted.
func (s *Store) SweepWatchlists(ctx context.Context, now time.Time) (int, error) {
	n := 0
	t := s.table()
	_, err := t.Sweep(ctx, dynamo.Sweep{Name: "watchlists"}, dynamo.Cond{
		Expr:   "begins_with(pk, :w) AND #ttl <= :now",
		Names:  map[string]string{"#ttl": dynamo.TTL},
		Values: dynamo.Item{":w": dynamo.S(watchPrefix), ":now": dynamo.N(now.Unix())},
	}, func(it dynamo.Item) error {
		// Only while still past its lifetime: a list used since the scan stays.
		_, err := s.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(s.Table),
			Key:                       dynamo.Item{dynamo.PK: it[dynamo.PK], dynamo.SK: it[dynamo.SK]},
			ConditionExpression:       aws.String("#ttl <= :now"),
			ExpressionAttributeNames:  map[string]string{"#ttl": dynamo.TTL},
			ExpressionAttributeValues: dynamo.Item{":now": dynamo.N(now.Unix())}})
		if dynamo.ConditionFailed(err) {
			return nil
		}
		if err == nil {
			n++
		}
		return err
	})
	return n, err
}
