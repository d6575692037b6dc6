package classifiedsdb

import (
	"context"
	"errors"
	"time"

	"kontor/shared/classifieds"
	"kontor/shared/dynamo"
)

var _ classifieds.ReplyStore = (*Store)(nil)

// replyToken is the item of a replier's link: which reply its token opens.
type replyToken struct {
	Recipient string `dynamodbav:"recipient"`
	ReplyID   string `dynamodbav:"replyId"`
}

// heldEntry is a held reply's entry in the queue of all held replies.
type heldEntry struct {
	Recipient string `dynamodbav:"recipient"`
	ReplyID   string `dynamodbav:"replyId"`
	Status    string `dynamodbav:"status"`
}

// expiry is a reply's TTL: the end of a held one, none for a delivered one.
func expiry(r classifieds.Reply) time.Time {
	if r.Held() && r.ExpiresAt != nil {
		return *r.ExpiresAt
	}
	return time.Time{}
}

// companions are the writes that go with a reply in the state r has: its
// token item, and its queue entry while held (deleted otherwise).
func companions(r classifieds.Reply) []dynamo.Write {
	ws := []dynamo.Write{{Key: replyTokenKey(r.TokenDigest), V: replyToken{Recipient: r.Recipient, ReplyID: r.ID}, Expires: expiry(r)}}
	if r.Held() {
		return append(ws, dynamo.Write{Key: heldQueueKey(r.ID), V: heldEntry{Recipient: r.Recipient, ReplyID: r.ID, Status: r.Status}, Expires: expiry(r)})
	}
	return append(ws, dynamo.Write{Key: heldQueueKey(r.ID), Delete: true})
}

// PutReply implements classifieds.ReplyStore: the reply, its token item and,
// while held, its queue entry, in one transaction.
func (s *Store) PutReply(ctx context.Context, r classifieds.Reply) error {
	ws := append([]dynamo.Write{{Key: replyKey(r.Recipient, r.ID, r.Held()), V: r, Expires: expiry(r), Cond: dynamo.NotExists}}, companions(r)...)
	if !r.Held() {
		ws = ws[:2] // a new delivered reply has no queue entry to delete
	}
	return s.table().Transact(ctx, ws...)
}

// Reply implements classifieds.ReplyStore: the delivered kind first, then the
// held one; a held reply past its end reads as gone.
func (s *Store) Reply(ctx context.Context, recipient, id string) (classifieds.Reply, error) {
	for _, held := range []bool{false, true} {
		var r classifieds.Reply
		err := s.table().Get(ctx, replyKey(recipient, id, held), &r, time.Now())
		if err == nil {
			return r, nil
		}
		if !errors.Is(err, dynamo.ErrNotFound) {
			return classifieds.Reply{}, err
		}
	}
	return classifieds.Reply{}, classifieds.ErrNoReply
}

// ReplyOfToken implements classifieds.ReplyStore.
func (s *Store) ReplyOfToken(ctx context.Context, digest string) (classifieds.Reply, error) {
	var t replyToken
	err := s.table().Get(ctx, replyTokenKey(digest), &t, time.Now())
	if errors.Is(err, dynamo.ErrNotFound) {
		return classifieds.Reply{}, classifieds.ErrNoReply
	}
	if err != nil {
		return classifieds.Reply{}, err
	}
	return s.Reply(ctx, t.Recipient, t.ReplyID)
}

// Delivered implements classifieds.ReplyStore.
func (s *Store) Delivered(ctx context.Context, recipient string, pg classifieds.Page) ([]classifieds.Reply, string, error) {
	return s.repliesPage(ctx, recipient, replySKPrefix, pg)
}

// HeldFor implements classifieds.ReplyStore.
func (s *Store) HeldFor(ctx context.Context, recipient string, pg classifieds.Page) ([]classifieds.Reply, string, error) {
	return s.repliesPage(ctx, recipient, heldReplySKPrefix, pg)
}

// repliesPage is one page of an advertiser's replies of one kind, newest first
// (UUIDv7 ids sort by time). The cursor is the last sort key read; it reaches
// only this advertiser's partition and this kind, whatever it holds.
func (s *Store) repliesPage(ctx context.Context, recipient, prefix string, pg classifieds.Page) ([]classifieds.Reply, string, error) {
	out := []classifieds.Reply{}
	next, err := s.table().QueryPage(ctx, accountPrefix+recipient, prefix, dynamo.Page{Limit: pg.Limit, Cursor: pg.Cursor}, true, time.Now(), func(it dynamo.Item) error {
		var r classifieds.Reply
		if err := dynamo.Unmarshal(it, &r); err != nil {
			return err
		}
		out = append(out, r)
		return nil
	})
	if errors.Is(err, dynamo.ErrBadCursor) {
		return nil, "", classifieds.ErrBadCursor
	}
	return out, next, err
}

// HeldReplies implements classifieds.ReplyStore: the queue in order, each
// reply read afresh (one gone meanwhile is skipped).
func (s *Store) HeldReplies(ctx context.Context, pg classifieds.Page) ([]classifieds.Reply, string, error) {
	out := []classifieds.Reply{}
	next, err := s.table().QueryPage(ctx, heldRepliesPK, "", dynamo.Page{Limit: pg.Limit, Cursor: pg.Cursor}, false, time.Now(), func(it dynamo.Item) error {
		var e heldEntry
		if err := dynamo.Unmarshal(it, &e); err != nil {
			return err
		}
		r, err := s.Reply(ctx, e.Recipient, e.ReplyID)
		if errors.Is(err, classifieds.ErrNoReply) {
			return nil
		}
		if err == nil && r.Held() {
			out = append(out, r)
		}
		return err
	})
	if errors.Is(err, dynamo.ErrBadCursor) {
		return nil, "", classifieds.ErrBadCursor
	}
	return out, next, err
}

// statusIs is the condition that a stored reply's status is from.
func statusIs(from string) dynamo.Cond {
	return dynamo.Cond{Expr: "#st = :from", Names: map[string]string{"#st": attrStatus}, Values: dynamo.Item{":from": dynamo.S(from)}}
}

// ChangeReply implements classifieds.ReplyStore: one transaction. Within a kind
// the reply is replaced on the condition of its status; across kinds (a
// release) the old item is deleted on that condition and the new one created.
func (s *Store) ChangeReply(ctx context.Context, r classifieds.Reply, from string) error {
	wasHeld := from != classifieds.ReplyDelivered
	var ws []dynamo.Write
	if wasHeld == r.Held() {
		ws = []dynamo.Write{{Key: replyKey(r.Recipient, r.ID, r.Held()), V: r, Expires: expiry(r), Cond: statusIs(from)}}
	} else {
		ws = []dynamo.Write{
			{Key: replyKey(r.Recipient, r.ID, wasHeld), Delete: true, Cond: statusIs(from)},
			{Key: replyKey(r.Recipient, r.ID, r.Held()), V: r, Expires: expiry(r), Cond: dynamo.NotExists},
		}
	}
	err := s.table().Transact(ctx, append(ws, companions(r)...)...)
	if errors.Is(err, dynamo.ErrConflict) {
		return classifieds.ErrReplyChanged
	}
	return err
}

// DeleteReply implements classifieds.ReplyStore: the reply (which must be
// there in the kind r names), its token item and queue entry together. A
// reply changed meanwhile is read again and deleted as it is then.
func (s *Store) DeleteReply(ctx context.Context, r classifieds.Reply) error {
	for range 2 {
		err := s.table().Transact(ctx,
			dynamo.Write{Key: replyKey(r.Recipient, r.ID, r.Held()), Delete: true, Cond: dynamo.Exists},
			dynamo.Write{Key: replyTokenKey(r.TokenDigest), Delete: true},
			dynamo.Write{Key: heldQueueKey(r.ID), Delete: true})
		if !errors.Is(err, dynamo.ErrConflict) {
			return err
		}
		if r, err = s.Reply(ctx, r.Recipient, r.ID); err != nil {
			return err
		}
	}
	return classifieds.ErrReplyChanged
}

// EachReply calls fn with every reply an advertiser received, delivered and
// held (held ones past their end too: the erasure takes them as well).
func (s *Store) EachReply(ctx context.Context, recipient string, fn func(classifieds.Reply) error) error {
	for _, prefix := range []string{replySKPrefix, heldReplySKPrefix} {
		var rs []classifieds.Reply
		if err := s.table().QueryAll(ctx, accountPrefix+recipient, prefix, dynamo.IgnoreTTL, &rs); err != nil {
			return err
		}
		for _, r := range rs {
			if err := fn(r); err != nil {
				return err
			}
		}
	}
	return nil
}

// EraseReplies deletes every reply an advertiser received, with their token
// items and queue entries (the erasure of the account, HGK-9).
func (s *Store) EraseReplies(ctx context.Context, recipient string) error {
	return s.EachReply(ctx, recipient, func(r classifieds.Reply) error {
		if err := s.DeleteReply(ctx, r); err != nil && !errors.Is(err, classifieds.ErrNoReply) {
			return err
		}
		return nil
	})
}

// SweepHeldReplies deletes the held replies past their end at now, with their
// token items and queue entries (DynamoDB's TTL is the backstop); it returns
// how many. The queue holds only held replies, a short list.
func (s *Store) SweepHeldReplies(ctx context.Context, now time.Time) (int, error) {
	n := 0
	err := s.table().Query(ctx, heldRepliesPK, "", dynamo.IgnoreTTL, func(it dynamo.Item) error {
		if !dynamo.Expired(it, now) {
			return nil
		}
		var e heldEntry
		if err := dynamo.Unmarshal(it, &e); err != nil {
			return err
		}
		var r classifieds.Reply
		err := s.table().Get(ctx, replyKey(e.Recipient, e.ReplyID, true), &r, dynamo.IgnoreTTL)
		if errors.Is(err, dynamo.ErrNotFound) {
			return s.table().Delete(ctx, heldQueueKey(e.ReplyID)) // an entry left behind
		}
		if err != nil {
			return err
		}
		if r.ExpiresAt != nil && r.ExpiresAt.After(now) {
			return nil
		}
		if err := s.DeleteReply(ctx, r); err != nil && !errors.Is(err, classifieds.ErrNoReply) {
			return err
		}
		n++
		return nil
	})
	return n, err
}
