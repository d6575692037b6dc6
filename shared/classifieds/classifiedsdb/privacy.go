package classifiedsdb

import (
	"context"
	"errors"
	"time"

	"kontor/shared/classifieds"
	"kontor/shared/dynamo"
)

// Advertiser returns the advertiser item of an account; ok is false when the
// account has never published.
func (s *Store) Advertiser(ctx context.Context, accountID string) (classifieds.Advertiser, bool, error) {
	var a classifieds.Advertiser
	err := s.table().Get(ctx, advertiserKey(accountID), &a, dynamo.IgnoreTTL)
	if errors.Is(err, dynamo.ErrNotFound) {
		return classifieds.Advertiser{}, false, nil
	}
	return a, err == nil, err
}

// EachOf calls fn with every listing of the account, each read afresh by its key
// (the index is eventually consistent), whatever else the table holds.
func (s *Store) EachOf(ctx context.Context, accountID string, fn func(classifieds.Listing) error) error {
	return s.table().Keys(ctx, ByAdvertiser, accountID, func(key dynamo.Item) error {
		l, err := s.Get(ctx, idOf(key))
		if errors.Is(err, classifieds.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return fn(l)
	})
}

// EraseAdvertiser deletes every listing of the account and its advertiser item.
func (s *Store) EraseAdvertiser(ctx context.Context, accountID string) error {
	if err := s.table().Keys(ctx, ByAdvertiser, accountID, func(key dynamo.Item) error {
		return s.table().Delete(ctx, key)
	}); err != nil {
		return err
	}
	return s.table().Delete(ctx, advertiserKey(accountID))
}

// TidyExpired takes listings past their expiry at now out of the browse indexes
// (they were not public from their expiry on: every read filters on exp), for
// the next part of the table (a bounded, resumable sweep); it returns how many.
func (s *Store) TidyExpired(ctx context.Context, now time.Time) (int, error) {
	n := 0
	t := s.table()
	_, err := t.Sweep(ctx, dynamo.Sweep{Name: "expired-listings"}, dynamo.Cond{
		Expr:   "sk = :sk AND attribute_exists(#pub) AND #exp <= :now",
		Names:  map[string]string{"#pub": attrPub, "#exp": attrExp},
		Values: dynamo.Item{":sk": dynamo.S(listingSK), ":now": dynamo.N(now.Unix())},
	}, func(it dynamo.Item) error {
		n++
		return s.unlist(ctx, dynamo.Item{dynamo.PK: it[dynamo.PK], dynamo.SK: it[dynamo.SK]})
	})
	return n, err
}

// unlist removes a listing's browse attributes (it leaves the sparse indexes).
func (s *Store) unlist(ctx context.Context, key dynamo.Item) error {
	err := s.table().Transact(ctx, dynamo.Write{Key: key, Update: "REMOVE #pub, #new, #start, #words",
		Cond: dynamo.Cond{Expr: "attribute_exists(pk)", Names: map[string]string{"#pub": attrPub, "#new": attrPubNew, "#start": attrPubStart, "#words": attrWords}}})
	if errors.Is(err, dynamo.ErrConflict) {
		return nil // erased meanwhile
	}
	return err
}

// DeleteLapsed deletes pending listings and confirmations past their ttl at now,
// in the next part of the table; it returns how many.
func (s *Store) DeleteLapsed(ctx context.Context, now time.Time) (int, error) {
	n := 0
	exp := dynamo.ExpiredAt(now)
	exp.Expr += " AND (sk = :listing OR sk = :confirm)"
	exp.Values[":listing"], exp.Values[":confirm"] = dynamo.S(listingSK), dynamo.S(confirmSK)
	_, err := s.table().Sweep(ctx, dynamo.Sweep{Name: "lapsed-pending"}, exp, func(it dynamo.Item) error {
		n++
		return s.table().Delete(ctx, dynamo.Item{dynamo.PK: it[dynamo.PK], dynamo.SK: it[dynamo.SK]})
	})
	return n, err
}
