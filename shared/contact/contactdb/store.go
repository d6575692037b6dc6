// Package contactdb stores contact requests in the contact table: each request under
// REQ#<id>, and the open ones listed in one partition, OPEN, by the time they came.
package contactdb

import (
	"context"
	"errors"
	"time"

	"kontor/shared/contact"
	"kontor/shared/dynamo"
)

// Store implements contact.Store on the contact table. Its items have no TTL.
type Store struct {
	DB    dynamo.DB
	Table string
}

var _ contact.Store = (*Store)(nil)

const openPK = "OPEN"

func (s *Store) table() dynamo.Table { return dynamo.Table{DB: s.DB, Name: s.Table} }

func requestKey(id string) dynamo.Item { return dynamo.Key("REQ#"+id, "REQ") }

func openKey(r contact.Request) dynamo.Item {
	return dynamo.Key(openPK, r.CreatedAt.UTC().Format(time.RFC3339Nano)+"#"+r.ID)
}

// openEntry is a request's entry in the open list.
type openEntry struct {
	ID string `dynamodbav:"id"`
}

// Create implements contact.Store: the request, then its entry in the open list.
func (s *Store) Create(ctx context.Context, r contact.Request) error {
	if err := s.table().Put(ctx, requestKey(r.ID), r, time.Time{}, dynamo.Cond{}); err != nil {
		return err
	}
	return s.table().Put(ctx, openKey(r), openEntry{ID: r.ID}, time.Time{}, dynamo.Cond{})
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

// Resolved implements contact.Store: the request, then off the open list.
func (s *Store) Resolved(ctx context.Context, r contact.Request) error {
	if err := s.table().Put(ctx, requestKey(r.ID), r, time.Time{}, dynamo.Cond{}); err != nil {
		return err
	}
	return s.table().Delete(ctx, openKey(r))
}

// Each implements contact.Store. It reads the whole table: for the privacy core
// (export, erasure, sweep), never for a request.
func (s *Store) Each(ctx context.Context, fn func(contact.Request) error) error {
	return s.table().Scan(ctx, dynamo.Cond{Expr: "sk = :req", Values: dynamo.Item{":req": dynamo.S("REQ")}}, func(it dynamo.Item) error {
		var r contact.Request
		if err := dynamo.Unmarshal(it, &r); err != nil {
			return err
		}
		return fn(r)
	})
}

// Remove implements contact.Store.
func (s *Store) Remove(ctx context.Context, r contact.Request) error {
	for _, k := range []dynamo.Item{requestKey(r.ID), openKey(r)} {
		if err := s.table().Delete(ctx, k); err != nil {
			return err
		}
	}
	return nil
}
