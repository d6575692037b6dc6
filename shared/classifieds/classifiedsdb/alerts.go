package classifiedsdb

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"kontor/shared/classifieds"
	"kontor/shared/dynamo"
	"kontor/shared/ids"
)

var _ classifieds.AlertStore = (*Store)(nil)

// alertItem is an alert as stored: with its match key while it is active, so
// that only active alerts are in the sparse byAlertMatch index.
type alertItem struct {
	classifieds.Alert
	MatchKey string `dynamodbav:"matchKey,omitempty"`
}

func storedAlert(a classifieds.Alert) alertItem {
	it := alertItem{Alert: a}
	if a.Active() {
		it.MatchKey = a.Criteria.MatchKey()
	}
	return it
}

// alertCounted changes the account's alert count by delta; an increase only
// while the count is below max.
func alertCounted(accountID string, delta, max int) dynamo.Write {
	c := dynamo.Cond{Names: map[string]string{"#n": attrAlertCount}, Values: dynamo.Item{":d": dynamo.N(int64(delta))}}
	if delta > 0 {
		c.Expr = "attribute_not_exists(#n) OR #n < :max"
		c.Values[":max"] = dynamo.N(int64(max))
	}
	return dynamo.Write{Key: alertCountKey(accountID), Update: "ADD #n :d", Cond: c}
}

// AddAlert implements classifieds.AlertStore: the alert and the raised count in
// one transaction, so that concurrent creations cannot pass the cap.
func (s *Store) AddAlert(ctx context.Context, a classifieds.Alert, max int) error {
	err := s.table().Transact(ctx,
		dynamo.Write{Key: alertKey(a.AccountID, a.ID), V: storedAlert(a), Cond: dynamo.NotExists},
		alertCounted(a.AccountID, 1, max))
	if errors.Is(err, dynamo.ErrConflict) {
		return classifieds.ErrTooManyAlerts
	}
	return err
}

// Alert implements classifieds.AlertStore: the key holds the account, so
// another account's alert id reads nothing.
func (s *Store) Alert(ctx context.Context, accountID, id string) (classifieds.Alert, error) {
	var a classifieds.Alert
	if !ids.ValidV7(id) {
		return a, classifieds.ErrNoAlert
	}
	err := s.table().Get(ctx, alertKey(accountID, id), &a, dynamo.IgnoreTTL)
	if errors.Is(err, dynamo.ErrNotFound) {
		return classifieds.Alert{}, classifieds.ErrNoAlert
	}
	return a, err
}

// AlertsOf implements classifieds.AlertStore: one partition, consistent.
func (s *Store) AlertsOf(ctx context.Context, accountID string) ([]classifieds.Alert, error) {
	out := []classifieds.Alert{}
	err := s.table().QueryAll(ctx, accountPrefix+accountID, alertSKPrefix, dynamo.IgnoreTTL, &out)
	return out, err
}

// ReplaceAlert implements classifieds.AlertStore: a put conditioned on the
// alert being there (the last of two edits wins; both are the account's own).
func (s *Store) ReplaceAlert(ctx context.Context, a classifieds.Alert) error {
	err := s.table().Put(ctx, alertKey(a.AccountID, a.ID), storedAlert(a), time.Time{}, dynamo.Exists)
	if errors.Is(err, dynamo.ErrConflict) {
		return classifieds.ErrNoAlert
	}
	return err
}

// DeleteAlert implements classifieds.AlertStore: the alert (which must be
// there) and one off the count.
func (s *Store) DeleteAlert(ctx context.Context, accountID, id string) error {
	if !ids.ValidV7(id) {
		return classifieds.ErrNoAlert
	}
	err := s.table().Transact(ctx,
		dynamo.Write{Key: alertKey(accountID, id), Delete: true, Cond: dynamo.Exists},
		alertCounted(accountID, -1, 0))
	if errors.Is(err, dynamo.ErrConflict) {
		return classifieds.ErrNoAlert
	}
	return err
}

// EraseAlerts deletes every alert of the account and its count (erasure): no
// alert mail goes out after it, as the match index loses them with the items.
func (s *Store) EraseAlerts(ctx context.Context, accountID string) error {
	if err := s.table().Query(ctx, accountPrefix+accountID, alertSKPrefix, dynamo.IgnoreTTL, func(it dynamo.Item) error {
		return s.table().Delete(ctx, dynamo.Item{dynamo.PK: it[dynamo.PK], dynamo.SK: it[dynamo.SK]})
	}); err != nil {
		return err
	}
	return s.table().Delete(ctx, alertCountKey(accountID))
}

// AlertsByMatchKey reads one page (at most limit, 1..dynamo.MaxPageSize) of the
// active alerts under a match key (classifieds.ListingMatchKeys), in id order,
// from the byAlertMatch index (eventually consistent: an alert confirmed a moment
// ago may be missed by a listing published in the same moment). cursor is ""
// for the first page, then the returned next, "" after the last page. The
// alerts carry what the index projects: ID, AccountID, Criteria, Frequency,
// Language (not the dates of creation).
func (s *Store) AlertsByMatchKey(ctx context.Context, matchKey, cursor string, limit int) ([]classifieds.Alert, string, error) {
	var start dynamo.Item
	if cursor != "" {
		acc, id, ok := parseMatchCursor(cursor)
		if !ok {
			return nil, "", classifieds.ErrBadCursor
		}
		start = alertKey(acc, id)
		start[attrMatchKey], start[attrID] = dynamo.S(matchKey), dynamo.S(id)
	}
	if limit < 1 || limit > dynamo.MaxPageSize {
		limit = dynamo.DefaultPageSize
	}
	items, last, err := s.table().QueryIndexPage(ctx, dynamo.IndexQuery{
		Index: ByAlertMatch.Name, KeyCond: "#k = :k", Names: map[string]string{"#k": attrMatchKey},
		Values: dynamo.Item{":k": dynamo.S(matchKey)}, Limit: int32(limit), Start: start, // #nosec G115 -- 1..MaxPageSize
	})
	if err != nil {
		return nil, "", err
	}
	out := []classifieds.Alert{}
	if err := dynamo.UnmarshalAll(items, &out); err != nil {
		return nil, "", err
	}
	next := ""
	if last != nil && len(out) > 0 {
		a := out[len(out)-1]
		next = base64.RawURLEncoding.EncodeToString([]byte(a.AccountID + "/" + a.ID))
	}
	return out, next, nil
}

// parseMatchCursor reads AlertsByMatchKey's cursor: the last alert's account
// and id (an index's start key needs the table's key too).
func parseMatchCursor(cursor string) (acc, id string, ok bool) {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return "", "", false
	}
	acc, id, ok = strings.Cut(string(raw), "/")
	return acc, id, ok && acc != "" && ids.ValidV7(id)
}

// EachMatchingAlert calls fn with every active alert a listing matches: it
// reads the listing's four match-key partitions page by page and keeps the
// alerts whose criteria match it (dates, words). Each alert is in exactly one
// partition, so none is called twice.
func (s *Store) EachMatchingAlert(ctx context.Context, l classifieds.Listing, fn func(classifieds.Alert) error) error {
	for _, key := range classifieds.ListingMatchKeys(l) {
		cursor := ""
		for {
			as, next, err := s.AlertsByMatchKey(ctx, key, cursor, dynamo.MaxPageSize)
			if err != nil {
				return err
			}
			for _, a := range as {
				if !a.Criteria.Matches(l) {
					continue
				}
				if err := fn(a); err != nil {
					return err
				}
			}
			if next == "" {
				break
			}
			cursor = next
		}
	}
	return nil
}

// AddPendingAlert implements classifieds.AlertStore: the item lives until the
// link lapses (its ttl the backstop; TakePendingAlert tells a lapsed one by
// ExpiresAt).
func (s *Store) AddPendingAlert(ctx context.Context, p classifieds.PendingAlert) error {
	return s.table().Put(ctx, pendingAlertKey(p.Digest), p, p.ExpiresAt, dynamo.NotExists)
}

// TakePendingAlert implements classifieds.AlertStore: a read, then a deletion
// conditioned on the item being there, so of two takes of one token only one
// gets it.
func (s *Store) TakePendingAlert(ctx context.Context, digest string) (classifieds.PendingAlert, error) {
	var p classifieds.PendingAlert
	err := s.table().Get(ctx, pendingAlertKey(digest), &p, dynamo.IgnoreTTL)
	if errors.Is(err, dynamo.ErrNotFound) {
		return classifieds.PendingAlert{}, classifieds.ErrNoPendingAlert
	}
	if err != nil {
		return classifieds.PendingAlert{}, err
	}
	if err := s.table().DeleteExisting(ctx, pendingAlertKey(digest)); errors.Is(err, dynamo.ErrNotFound) {
		return classifieds.PendingAlert{}, classifieds.ErrNoPendingAlert
	} else if err != nil {
		return classifieds.PendingAlert{}, err
	}
	return p, nil
}

// PendingAlertsOf returns the pending alerts sent for an address (export).
func (s *Store) PendingAlertsOf(ctx context.Context, email string) ([]classifieds.PendingAlert, error) {
	out := []classifieds.PendingAlert{}
	err := s.eachPendingAlertKey(ctx, email, func(k dynamo.Item) error {
		var p classifieds.PendingAlert
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

// ErasePendingAlerts deletes the pending alerts sent for an address (erasure).
func (s *Store) ErasePendingAlerts(ctx context.Context, email string) error {
	return s.eachPendingAlertKey(ctx, email, func(k dynamo.Item) error { return s.table().Delete(ctx, k) })
}

// eachPendingAlertKey calls fn with the key of every pending alert of an
// address (byPendingEmail also holds pending ratings and listing confirmations,
// which it skips).
func (s *Store) eachPendingAlertKey(ctx context.Context, email string, fn func(dynamo.Item) error) error {
	return s.table().Keys(ctx, ByPendingEmail, email, func(k dynamo.Item) error {
		if !strings.HasPrefix(dynamo.String(k, dynamo.PK), pendingAlertPrefix) {
			return nil
		}
		return fn(k)
	})
}

// DeleteLapsedAlerts deletes the pending alerts past their lapse at now, for
// the next part of the table (a bounded, resumable sweep; DynamoDB's TTL is the
// backstop); it returns how many.
func (s *Store) DeleteLapsedAlerts(ctx context.Context, now time.Time) (int, error) {
	n := 0
	exp := dynamo.ExpiredAt(now)
	exp.Expr += " AND sk = :pending AND begins_with(pk, :alert)"
	exp.Values[":pending"], exp.Values[":alert"] = dynamo.S(pendingSK), dynamo.S(pendingAlertPrefix)
	_, err := s.table().Sweep(ctx, dynamo.Sweep{Name: "lapsed-alerts"}, exp, func(it dynamo.Item) error {
		n++
		return s.table().Delete(ctx, dynamo.Item{dynamo.PK: it[dynamo.PK], dynamo.SK: it[dynamo.SK]})
	})
	return n, err
}
