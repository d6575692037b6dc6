// Package contactdb stores contact requests in the contact table: each request under
// REQ#<id>, the open ones listed in one partition, OPEN, by the time they came, and
// their number in one counter item, COUNT#open, which every write that opens or
// closes a request changes in the same transaction.
// A person's requests are found through the index byPerson on the attribute person:
// ACCOUNT#<id> for a request sent signed in, ADDRESS#<keyed hash of the address>
// for one sent without an account (the hash's secret is kept under
// CONFIG#address-key).
package contactdb

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"kontor/shared/contact"
	"kontor/shared/dynamo"
)

// Store implements contact.Store on the contact table. Its items have no TTL.
type Store struct {
	DB    dynamo.DB
	Table string

	once   sync.Once
	secret *dynamo.Secret
}

var _ contact.Store = (*Store)(nil)

const openPK = "OPEN"

// ByPerson is the index of a person's requests.
var ByPerson = dynamo.Index{Name: "byPerson", Attr: "person"}

func (s *Store) table() dynamo.Table { return dynamo.Table{DB: s.DB, Name: s.Table} }

// addressKey is the index key of requests sent from an address without an account.
func (s *Store) addressKey(ctx context.Context, email string) (string, error) {
	s.once.Do(func() {
		s.secret = &dynamo.Secret{Table: s.table(), Key: dynamo.Key("CONFIG#address-key", "CONFIG")}
	})
	secret, err := s.secret.Bytes(ctx)
	if err != nil {
		return "", err
	}
	return "ADDRESS#" + dynamo.AddressKey(secret, email), nil
}

// person is the index key of a request: its account, else its address.
func (s *Store) person(ctx context.Context, r contact.Request) (string, error) {
	if r.AccountID != "" {
		return "ACCOUNT#" + r.AccountID, nil
	}
	return s.addressKey(ctx, r.Email)
}

// requestItem is a request as stored: with its index key.
type requestItem struct {
	contact.Request
	Person string `dynamodbav:"person"`
}

// item is a request with its index key, as stored.
func (s *Store) item(ctx context.Context, r contact.Request) (requestItem, error) {
	p, err := s.person(ctx, r)
	return requestItem{Request: r, Person: p}, err
}

func requestKey(id string) dynamo.Item { return dynamo.Key("REQ#"+id, "REQ") }

func openKey(r contact.Request) dynamo.Item {
	return dynamo.Key(openPK, r.CreatedAt.UTC().Format(time.RFC3339Nano)+"#"+r.ID)
}

// openEntry is a request's entry in the open list.
type openEntry struct {
	ID string `dynamodbav:"id"`
}

// countKey is the counter of open requests; it names no one.
var countKey = dynamo.Key("COUNT#open", "COUNT")

// openCount is the counter item.
type openCount struct {
	N int `dynamodbav:"n"`
}

// countBy is the change of the open count by d, within the transaction that opens or
// closes a request.
func countBy(d int64) dynamo.Write {
	return dynamo.Write{Key: countKey, Update: "ADD #n :d", Cond: dynamo.Cond{Names: map[string]string{"#n": "n"}, Values: dynamo.Item{":d": dynamo.N(d)}}}
}

// Create implements contact.Store: the request, its entry in the open list and the
// count, in one transaction; with maxOpen > 0 the count must be below it.
func (s *Store) Create(ctx context.Context, r contact.Request, maxOpen int) error {
	item, err := s.item(ctx, r)
	if err != nil {
		return err
	}
	count := countBy(1)
	if maxOpen > 0 {
		count.Cond.Expr = "attribute_not_exists(#n) OR #n < :max"
		count.Cond.Values[":max"] = dynamo.N(int64(maxOpen))
	}
	err = s.table().Transact(ctx,
		dynamo.Write{Key: requestKey(r.ID), V: item, Cond: dynamo.NotExists},
		dynamo.Write{Key: openKey(r), V: openEntry{ID: r.ID}},
		count)
	if !errors.Is(err, dynamo.ErrConflict) {
		return err
	}
	// The cap, or a retry of this very transaction whose first attempt was stored
	// (moto answers a retry by failing the request's condition; see dynamo.Create).
	if _, err := s.Get(ctx, r.ID); !errors.Is(err, contact.ErrNotFound) {
		return err
	}
	return contact.ErrFull
}

// OpenCount is the counter of open requests (0 before the first request).
func (s *Store) OpenCount(ctx context.Context) (int, error) {
	var c openCount
	err := s.table().Get(ctx, countKey, &c, dynamo.IgnoreTTL)
	if errors.Is(err, dynamo.ErrNotFound) {
		return 0, nil
	}
	return c.N, err
}

// RecountOpen implements contact.Store: the count becomes the length of the open
// list (one partition, read consistently), unless a request opened or closed
// meanwhile, in which case the next sweep tries again.
func (s *Store) RecountOpen(ctx context.Context) error {
	var c openCount
	cond := dynamo.NotExists
	err := s.table().Get(ctx, countKey, &c, dynamo.IgnoreTTL)
	switch {
	case err == nil:
		cond = dynamo.Cond{Expr: "#n = :old", Names: map[string]string{"#n": "n"}, Values: dynamo.Item{":old": dynamo.N(int64(c.N))}}
	case !errors.Is(err, dynamo.ErrNotFound):
		return err
	}
	listed := 0
	if err := s.table().Query(ctx, openPK, "", dynamo.IgnoreTTL, func(dynamo.Item) error { listed++; return nil }); err != nil {
		return err
	}
	if listed == c.N {
		return nil
	}
	if err := s.table().Put(ctx, countKey, openCount{N: listed}, time.Time{}, cond); !errors.Is(err, dynamo.ErrConflict) {
		return err
	}
	return nil
}

// Get implements contact.Store.
func (s *Store) Get(ctx context.Context, id string) (contact.Request, error) {
	var r contact.Request
	err := s.table().Get(ctx, requestKey(id), &r, dynamo.IgnoreTTL)
	if errors.Is(err, dynamo.ErrNotFound) {
		return contact.Request{}, contact.ErrNotFound
	}
	return r, err
}

// OpenIDs implements contact.Store.
func (s *Store) OpenIDs(ctx context.Context) ([]string, error) {
	var out []string
	err := s.table().Query(ctx, openPK, "", dynamo.IgnoreTTL, func(it dynamo.Item) error {
		if id := dynamo.String(it, "id"); id != "" {
			out = append(out, id)
		}
		return nil
	})
	return out, err
}

// Resolved implements contact.Store: the request, off the open list and the count,
// in one transaction that needs the request still listed as open.
func (s *Store) Resolved(ctx context.Context, r contact.Request) error {
	item, err := s.item(ctx, r)
	if err != nil {
		return err
	}
	err = s.table().Transact(ctx,
		dynamo.Write{Key: requestKey(r.ID), V: item, Cond: dynamo.Exists},
		dynamo.Write{Key: openKey(r), Delete: true, Cond: dynamo.Exists},
		countBy(-1))
	if errors.Is(err, dynamo.ErrConflict) {
		return contact.ErrNotOpen
	}
	return err
}

// Each implements contact.Store with the requests of the sweep's next part of the
// table: for the retention sweep only (a run reads a bounded part, the next run
// goes on). A request stored before the address index gets its address key on
// the way, so the next export or erasure finds it.
func (s *Store) Each(ctx context.Context, fn func(contact.Request) error) error {
	t := s.table()
	_, err := t.Sweep(ctx, dynamo.Sweep{Name: "requests"}, dynamo.Cond{Expr: "sk = :req", Values: dynamo.Item{":req": dynamo.S("REQ")}}, func(it dynamo.Item) error {
		var r contact.Request
		if err := dynamo.Unmarshal(it, &r); err != nil {
			return err
		}
		if dynamo.String(it, ByPerson.Attr) == "" {
			p, err := s.person(ctx, r)
			if err != nil {
				return err
			}
			if err := t.SetIfMissing(ctx, requestKey(r.ID), ByPerson.Attr, p); err != nil {
				return err
			}
		}
		return fn(r)
	})
	return err
}

// Of implements contact.Store: the requests sent from an account, and those sent
// from an address without an account, through the index, each read afresh. Its
// cost is that of the person's requests, however many others the table holds.
func (s *Store) Of(ctx context.Context, accountID, email string, fn func(contact.Request) error) error {
	seen := map[string]bool{}
	each := func(key dynamo.Item) error {
		id := strings.TrimPrefix(dynamo.String(key, dynamo.PK), "REQ#")
		if seen[id] || dynamo.String(key, dynamo.SK) != "REQ" {
			return nil
		}
		seen[id] = true
		r, err := s.Get(ctx, id)
		if errors.Is(err, contact.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return fn(r)
	}
	if accountID != "" {
		if err := s.table().Keys(ctx, ByPerson, "ACCOUNT#"+accountID, each); err != nil {
			return err
		}
	}
	if email == "" {
		return nil
	}
	k, err := s.addressKey(ctx, email)
	if err != nil {
		return err
	}
	return s.table().Keys(ctx, ByPerson, k, each)
}

// AccountIDs implements contact.Store: the keys of the account's requests in the
// index, nothing else read.
func (s *Store) AccountIDs(ctx context.Context, accountID string) ([]string, error) {
	var out []string
	err := s.table().Keys(ctx, ByPerson, "ACCOUNT#"+accountID, func(key dynamo.Item) error {
		if dynamo.String(key, dynamo.SK) == "REQ" {
			out = append(out, strings.TrimPrefix(dynamo.String(key, dynamo.PK), "REQ#"))
		}
		return nil
	})
	return out, err
}

// Remove implements contact.Store. An open request leaves the open list and the
// count in one transaction; one resolved meanwhile left both when it was resolved.
func (s *Store) Remove(ctx context.Context, r contact.Request) error {
	if r.Status == contact.StatusOpen {
		err := s.table().Transact(ctx,
			dynamo.Write{Key: requestKey(r.ID), Delete: true},
			dynamo.Write{Key: openKey(r), Delete: true, Cond: dynamo.Exists},
			countBy(-1))
		if !errors.Is(err, dynamo.ErrConflict) {
			return err
		}
	}
	for _, k := range []dynamo.Item{requestKey(r.ID), openKey(r)} {
		if err := s.table().Delete(ctx, k); err != nil {
			return err
		}
	}
	return nil
}
