package classifiedsdb

import (
	"context"
	"encoding/base64"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/classifieds"
	"kontor/shared/dynamo"
	"kontor/shared/ids"
)

var _ classifieds.ReviewQueue = (*Store)(nil)

// reviewItem is a queue entry as stored, with the decision once there is one.
type reviewItem struct {
	classifieds.ReviewEntry
	Decision  string     `dynamodbav:"decision,omitempty"`
	DecidedAt *time.Time `dynamodbav:"decidedAt,omitempty"`
}

// Enqueue implements classifieds.ReviewQueue: one update that creates the entry
// or adds the reason to it (a string set, so a reason counts once), its ttl the
// reply's end of keeping. queuedAt is kept from the first request.
func (s *Store) Enqueue(ctx context.Context, r classifieds.Reply, reason string, now time.Time) error {
	vals := dynamo.Item{":r": &types.AttributeValueMemberSS{Value: []string{reason}}, ":q": dynamo.S(now.Format(time.RFC3339Nano)), ":id": dynamo.S(r.ID)}
	expr := "ADD reasons :r SET queuedAt = if_not_exists(queuedAt, :q), replyId = :id"
	names := map[string]string{}
	if r.ExpiresAt != nil {
		expr += ", #ttl = :t"
		vals[":t"] = dynamo.N(r.ExpiresAt.Unix())
		names["#ttl"] = dynamo.TTL
	}
	return s.table().Transact(ctx, dynamo.Write{Key: reviewKey(r.ID), Update: expr, Cond: dynamo.Cond{Values: vals, Names: nilIfEmpty(names)}})
}

func nilIfEmpty(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}

// ReviewPage implements classifieds.ReviewQueue: the queue partition in sort-key
// order, which is the reply ids' (UUIDv7, so the time each reply was sent).
// A cursor is checked to be a reply id, so a made-up one is refused, not read from.
func (s *Store) ReviewPage(ctx context.Context, pg classifieds.Page, now time.Time, fn func(classifieds.ReviewEntry) error) (string, error) {
	if raw, err := base64.RawURLEncoding.DecodeString(pg.Cursor); err != nil || (pg.Cursor != "" && !ids.ValidV7(string(raw))) {
		return "", classifieds.ErrBadCursor
	}
	next, err := s.table().QueryPage(ctx, reviewPK, "", dynamo.Page{Limit: pg.Limit, Cursor: pg.Cursor}, false, now, func(it dynamo.Item) error {
		var e reviewItem
		if err := dynamo.Unmarshal(it, &e); err != nil {
			return err
		}
		return fn(e.ReviewEntry)
	})
	if errors.Is(err, dynamo.ErrBadCursor) {
		return "", classifieds.ErrBadCursor
	}
	return next, err
}

// Queued implements classifieds.ReviewQueue.
func (s *Store) Queued(ctx context.Context, id string, now time.Time) (classifieds.ReviewEntry, error) {
	var e reviewItem
	err := s.table().Get(ctx, reviewKey(id), &e, now)
	if err == nil {
		return e.ReviewEntry, nil
	}
	if !errors.Is(err, dynamo.ErrNotFound) {
		return classifieds.ReviewEntry{}, err
	}
	switch err := s.table().Get(ctx, reviewedKey(id), &e, now); {
	case err == nil:
		return classifieds.ReviewEntry{}, classifieds.ErrReviewDecided
	case errors.Is(err, dynamo.ErrNotFound):
		return classifieds.ReviewEntry{}, classifieds.ErrNotQueued
	default:
		return classifieds.ReviewEntry{}, err
	}
}

// Decided implements classifieds.ReviewQueue: the entry leaves the queue and the
// decided entry is created in one transaction, each on its condition. Who
// decided is in the audit log only, the one place staff actions are kept.
func (s *Store) Decided(ctx context.Context, e classifieds.ReviewEntry, decision string, until, now time.Time) error {
	done := reviewItem{ReviewEntry: e, Decision: decision, DecidedAt: &now}
	err := s.table().Transact(ctx,
		dynamo.Write{Key: reviewKey(e.ReplyID), Delete: true, Cond: dynamo.Exists},
		dynamo.Write{Key: reviewedKey(e.ReplyID), V: done, Expires: until, Cond: dynamo.NotExists})
	if errors.Is(err, dynamo.ErrConflict) {
		return classifieds.ErrReviewDecided
	}
	return err
}

// Drop implements classifieds.ReviewQueue.
func (s *Store) Drop(ctx context.Context, id string) error {
	return s.table().Delete(ctx, reviewKey(id))
}

// HeldReply implements classifieds.ReviewQueue: the queue of held replies names
// the reply's advertiser, whose partition holds the reply.
func (s *Store) HeldReply(ctx context.Context, id string, now time.Time) (classifieds.Reply, error) {
	if !ids.ValidV7(id) {
		return classifieds.Reply{}, classifieds.ErrNoReply
	}
	var h heldEntry
	if err := s.table().Get(ctx, heldQueueKey(id), &h, now); errors.Is(err, dynamo.ErrNotFound) {
		return classifieds.Reply{}, classifieds.ErrNoReply
	} else if err != nil {
		return classifieds.Reply{}, err
	}
	return s.Reply(ctx, h.Recipient, id)
}
