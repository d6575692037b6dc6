// Package insurancedb keeps the insurance module's data in its DynamoDB table and
// owns the table's key schema (keys.go): no other package builds a key or knows a
// prefix. It is built on shared/dynamo, which reads consistently, treats an item
// past its lifetime as gone and pages through queries and scans.
//
// The direction of the dependency: the domain (package insurance) declares what
// each use case needs of its store (insurance.ClaimStore, insurance.ReviewStore,
// insurance.RegistrationStore) and holds the types the store keeps (Contract,
// Claim, Registration, …); Store implements those interfaces, so this package
// imports the domain and the domain never imports it. The module's privacy side
// (insuranceprivacy) and its wiring use Store directly.
package insurancedb

import (
	"context"
	"errors"
	"sync"
	"time"

	"kontor/shared/dynamo"
	"kontor/shared/insurance"
)

// Store is the insurance table.
type Store struct {
	DB    dynamo.DB
	Table string

	once   sync.Once
	secret *dynamo.Secret
}

var (
	_ insurance.ClaimStore        = (*Store)(nil)
	_ insurance.ReviewStore       = (*Store)(nil)
	_ insurance.RegistrationStore = (*Store)(nil)
)

func (s *Store) table() dynamo.Table { return dynamo.Table{DB: s.DB, Name: s.Table} }

// domainErr names the table's errors as the domain does.
func domainErr(err error) error {
	switch {
	case errors.Is(err, dynamo.ErrNotFound):
		return insurance.ErrNotFound
	case errors.Is(err, dynamo.ErrConflict):
		return insurance.ErrConflict
	case errors.Is(err, dynamo.ErrBadCursor):
		return insurance.ErrBadCursor
	}
	return err
}

// get reads key into out; insurance.ErrNotFound when it is absent or past its
// lifetime.
func (s *Store) get(ctx context.Context, key dynamo.Item, out any, now time.Time) error {
	return domainErr(s.table().Get(ctx, key, out, now))
}

// put writes v under key (a non-zero expires sets the TTL); a failed condition is
// insurance.ErrConflict.
func (s *Store) put(ctx context.Context, key dynamo.Item, v any, expires time.Time, cond dynamo.Cond) error {
	return domainErr(s.table().Put(ctx, key, v, expires, cond))
}

// page reads one page of the items under pk whose sort key starts with prefix
// (newest first when newestFirst) as values of T.
func page[T any](ctx context.Context, s *Store, pk, prefix string, pg insurance.Page, newestFirst bool, now time.Time, fn func(T) error) (string, error) {
	next, err := s.table().QueryPage(ctx, pk, prefix, dynamo.Page(pg), newestFirst, now, decoded(fn))
	return next, domainErr(err)
}

// decoded calls fn with each item decoded as a T.
func decoded[T any](fn func(T) error) func(dynamo.Item) error {
	return func(it dynamo.Item) error {
		var v T
		if err := dynamo.Unmarshal(it, &v); err != nil {
			return err
		}
		return fn(v)
	}
}

// withSortKey is the filter of a scan for the items whose sort key is sk: every
// record of one kind.
func withSortKey(sk string) dynamo.Cond {
	return dynamo.Cond{Expr: "sk = :sk", Values: dynamo.Item{":sk": dynamo.S(sk)}}
}

// SweepExpired deletes every item past its lifetime at now (registrations, eID
// references, letters, match counters): DynamoDB's TTL is only the backstop. It
// says how many registrations went. A live registration stored before the address
// index gets its address key on the way.
func (s *Store) SweepExpired(ctx context.Context, now time.Time) (int, error) {
	n := 0
	t := s.table()
	due := dynamo.ExpiredAt(now)
	due.Expr += " OR (sk = :reg AND attribute_not_exists(addressKey))"
	due.Values[":reg"] = dynamo.S(regSK)
	_, err := t.Sweep(ctx, dynamo.Sweep{Name: "expired"}, due, func(it dynamo.Item) error {
		pk, sk := dynamo.String(it, dynamo.PK), dynamo.String(it, dynamo.SK)
		if pk == "" || sk == "" {
			return nil
		}
		if !dynamo.Expired(it, now) {
			k, err := s.addressKey(ctx, dynamo.String(it, "email"))
			if err != nil {
				return err
			}
			return t.SetIfMissing(ctx, dynamo.Key(pk, sk), ByAddress.Attr, k)
		}
		if err := t.Delete(ctx, dynamo.Key(pk, sk)); err != nil {
			return err
		}
		if sk == regSK {
			n++
		}
		return nil
	})
	return n, err
}
