package insurancedb

import (
	"context"
	"errors"
	"time"

	"kontor/shared/dynamo"
	"kontor/shared/insurance"
)

// LinkOf returns the customer an account is linked to.
func (s *Store) LinkOf(ctx context.Context, accountID string, now time.Time) (insurance.Link, bool, error) {
	var l insurance.Link
	err := s.get(ctx, linkKey(accountID), &l, now)
	if errors.Is(err, insurance.ErrNotFound) {
		return l, false, nil
	}
	return l, err == nil, err
}

// SaveLink links an account to a customer: the account's link, then the entry in
// the customer's accounts.
func (s *Store) SaveLink(ctx context.Context, l insurance.Link) error {
	if err := s.put(ctx, linkKey(l.AccountID), l, time.Time{}, dynamo.Cond{}); err != nil {
		return err
	}
	return s.put(ctx, customerAccountKey(l.CustomerNumber, l.AccountID), l, time.Time{}, dynamo.Cond{})
}

// CustomerLinks calls fn with the link of every portal account of a customer.
func (s *Store) CustomerLinks(ctx context.Context, customer string, now time.Time, fn func(insurance.Link) error) error {
	return s.table().Query(ctx, customerPK(customer), accountPrefix, now, decoded(fn))
}

// DeleteLink removes an account's link to a customer, both ways: the entry in the
// customer's accounts first, then the account's link.
func (s *Store) DeleteLink(ctx context.Context, accountID, customer string) error {
	t := s.table()
	if err := t.Delete(ctx, customerAccountKey(customer, accountID)); err != nil {
		return err
	}
	return t.Delete(ctx, linkKey(accountID))
}
