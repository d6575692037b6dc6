package classifiedsdb

import (
	"context"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/classifieds"
	"kontor/shared/dynamo"
)

// The alert delivery's items (keys.go): the queue of published listings to
// match (ALERTQ / <listingId>), the daily matches waiting for their digest
// (DIGEST / <accountId>#<alertId>#<listingId>, one partition the digest reads in
// order, so an alert's matches are together) and the one-click links' tokens,
// hashed (ALERTUNSUB#<hash> / ALERTUNSUB, with a copy under the account,
// ACCOUNT#<a> / ALERTUNSUB#<hash>, which the export and erasure find).

var _ classifieds.AlertMatchStore = (*Store)(nil)

// QueueAlertJob implements classifieds.AlertMatchStore.
func (s *Store) QueueAlertJob(ctx context.Context, j classifieds.AlertJob) error {
	err := s.table().Put(ctx, alertJobKey(j.ListingID), j, time.Time{}, dynamo.NotExists)
	if errors.Is(err, dynamo.ErrConflict) {
		return nil
	}
	return err
}

// AlertJobs implements classifieds.AlertMatchStore.
func (s *Store) AlertJobs(ctx context.Context) ([]classifieds.AlertJob, error) {
	var js []classifieds.AlertJob
	return js, s.table().QueryAll(ctx, alertQueuePartition, "", dynamo.IgnoreTTL, &js)
}

// AlertJob implements classifieds.AlertMatchStore.
func (s *Store) AlertJob(ctx context.Context, listingID string) (classifieds.AlertJob, error) {
	var j classifieds.AlertJob
	err := s.table().Get(ctx, alertJobKey(listingID), &j, dynamo.IgnoreTTL)
	if errors.Is(err, dynamo.ErrNotFound) {
		return classifieds.AlertJob{}, classifieds.ErrNotFound
	}
	return j, err
}

// AlertProgress implements classifieds.AlertMatchStore: only while the job is
// there (another run may have finished it).
func (s *Store) AlertProgress(ctx context.Context, listingID string, step int, after string) error {
	err := s.table().Transact(ctx, dynamo.Write{Key: alertJobKey(listingID), Update: "SET #step = :s, #after = :a",
		Cond: dynamo.Cond{Expr: dynamo.Exists.Expr, Names: map[string]string{"#step": "step", "#after": "after"},
			Values: dynamo.Item{":s": dynamo.N(int64(step)), ":a": dynamo.S(after)}}})
	if errors.Is(err, dynamo.ErrConflict) {
		return nil
	}
	return err
}

// FinishAlertJob implements classifieds.AlertMatchStore.
func (s *Store) FinishAlertJob(ctx context.Context, listingID string) error {
	return s.table().Delete(ctx, alertJobKey(listingID))
}

// alertToken is what an unsubscribe token's hash is stored with.
type alertToken struct {
	AccountID string `dynamodbav:"accountId"`
	AlertID   string `dynamodbav:"alertId"`
}

// SaveAlertToken implements classifieds.AlertMatchStore: the token and its copy
// under the account, in one request.
func (s *Store) SaveAlertToken(ctx context.Context, hash, accountID, alertID string, expires time.Time) error {
	t := alertToken{AccountID: accountID, AlertID: alertID}
	return s.table().Transact(ctx,
		dynamo.Write{Key: alertTokenKey(hash), V: t, Expires: expires},
		dynamo.Write{Key: alertTokenCopyKey(accountID, hash), V: t, Expires: expires})
}

// AlertToken implements classifieds.AlertMatchStore: a token past its lifetime
// is not found, whether or not DynamoDB has removed it yet.
func (s *Store) AlertToken(ctx context.Context, hash string) (string, string, error) {
	var t alertToken
	err := s.table().Get(ctx, alertTokenKey(hash), &t, time.Now())
	if errors.Is(err, dynamo.ErrNotFound) {
		return "", "", classifieds.ErrNotFound
	}
	return t.AccountID, t.AlertID, err
}

// AddDigest implements classifieds.AlertMatchStore.
func (s *Store) AddDigest(ctx context.Context, e classifieds.DigestEntry, expires time.Time) error {
	return s.table().Put(ctx, digestKey(e), e, expires, dynamo.Cond{})
}

// digestRead is how many matches one request of the digest reads.
const digestRead = dynamo.MaxPageSize

// DigestAlerts implements classifieds.AlertMatchStore: it reads the digest
// partition in order and hands out the complete alerts it read (an alert whose
// matches go on in the next request is read on until they end).
func (s *Store) DigestAlerts(ctx context.Context, cursor string) ([][]classifieds.DigestEntry, string, error) {
	var all []classifieds.DigestEntry
	for {
		var page []dynamo.Item
		next, err := s.table().QueryPage(ctx, digestPartition, "", dynamo.Page{Limit: digestRead, Cursor: cursor}, false, time.Now(),
			func(it dynamo.Item) error { page = append(page, it); return nil })
		if err != nil {
			return nil, "", err
		}
		var es []classifieds.DigestEntry
		if err := dynamo.UnmarshalAll(page, &es); err != nil {
			return nil, "", err
		}
		all = append(all, es...)
		groups := groupDigest(all)
		if next == "" {
			return groups, "", nil
		}
		if len(groups) > 1 {
			done := groups[:len(groups)-1]
			last := done[len(done)-1]
			return done, base64.RawURLEncoding.EncodeToString([]byte(digestSK(last[len(last)-1]))), nil
		}
		cursor = next
	}
}

// groupDigest splits matches read in key order into one slice per alert.
func groupDigest(es []classifieds.DigestEntry) [][]classifieds.DigestEntry {
	var out [][]classifieds.DigestEntry
	for i, e := range es {
		if i == 0 || e.AlertID != es[i-1].AlertID || e.AccountID != es[i-1].AccountID {
			out = append(out, nil)
		}
		out[len(out)-1] = append(out[len(out)-1], e)
	}
	return out
}

// RemoveDigest implements classifieds.AlertMatchStore.
func (s *Store) RemoveDigest(ctx context.Context, es []classifieds.DigestEntry) error {
	for _, e := range es {
		if err := s.table().Delete(ctx, digestKey(e)); err != nil {
			return err
		}
	}
	return nil
}

// AlertDeliveryFor reads what the delivery keeps of an account (export).
func (s *Store) AlertDeliveryFor(ctx context.Context, accountID string) (classifieds.AlertDeliveryOf, error) {
	out := classifieds.AlertDeliveryOf{Digest: []classifieds.DigestEntry{}, Links: []classifieds.AlertLink{}}
	err := s.table().Query(ctx, digestPartition, accountID+"#", time.Now(), func(it dynamo.Item) error {
		var e classifieds.DigestEntry
		err := dynamo.Unmarshal(it, &e)
		out.Digest = append(out.Digest, e)
		return err
	})
	if err != nil {
		return out, err
	}
	err = s.table().Query(ctx, accountPrefix+accountID, alertTokenPrefix, time.Now(), func(it dynamo.Item) error {
		var l classifieds.AlertLink
		err := dynamo.Unmarshal(it, &l)
		l.Expires = ttlOf(it)
		out.Links = append(out.Links, l)
		return err
	})
	return out, err
}

// EraseAlertDelivery deletes the account's matches waiting for a digest and
// its one-click links (erasure): no digest goes out after it, and no link
// names the account any more.
func (s *Store) EraseAlertDelivery(ctx context.Context, accountID string) error {
	if err := s.table().Query(ctx, digestPartition, accountID+"#", dynamo.IgnoreTTL, func(it dynamo.Item) error {
		return s.table().Delete(ctx, dynamo.Item{dynamo.PK: it[dynamo.PK], dynamo.SK: it[dynamo.SK]})
	}); err != nil {
		return err
	}
	return s.table().Query(ctx, accountPrefix+accountID, alertTokenPrefix, dynamo.IgnoreTTL, func(it dynamo.Item) error {
		hash := strings.TrimPrefix(dynamo.String(it, dynamo.SK), alertTokenPrefix)
		if err := s.table().Delete(ctx, alertTokenKey(hash)); err != nil {
			return err
		}
		return s.table().Delete(ctx, dynamo.Item{dynamo.PK: it[dynamo.PK], dynamo.SK: it[dynamo.SK]})
	})
}

// ttlOf is an item's lifetime's end (zero without one).
func ttlOf(it dynamo.Item) time.Time {
	n, ok := it[dynamo.TTL].(*types.AttributeValueMemberN)
	if !ok {
		return time.Time{}
	}
	sec, err := strconv.ParseInt(n.Value, 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.Unix(sec, 0).UTC()
}

// AlertItemOf is an alert as stored, with its match key while active: what a
// bench seeds directly.
func AlertItemOf(a classifieds.Alert) (dynamo.Item, error) {
	return dynamo.Marshal(alertKey(a.AccountID, a.ID), storedAlert(a), time.Time{})
}
