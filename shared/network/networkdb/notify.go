package networkdb

import (
	"context"
	"errors"
	"time"

	"kontor/shared/dynamo"
	"kontor/shared/network"
)

// A subscription is three items written and deleted together: the account's
// (ACCOUNT#a / SUBSCRIPTION#g: export, erasure, leaving), the group's
// (GROUP#g / SUBSCRIBER#a: the mailing) and the subscription id's (GROUP#g /
// SUB#<sub>: what an unsubscribe link's token leads to). Tokens are kept hashed
// under UNSUB#<hash> with the group and subscription id only, never the account;
// new posts wait for their mailing under NOTIFY / <post id>.
func mySubscriptionKey(a, g string) dynamo.Item { return dynamo.Key(accountPK(a), "SUBSCRIPTION#"+g) }
func subscriberKey(g, a string) dynamo.Item     { return dynamo.Key(groupPK(g), "SUBSCRIBER#"+a) }
func subKey(g, sub string) dynamo.Item          { return dynamo.Key(groupPK(g), "SUB#"+sub) }
func tokenKey(hash string) dynamo.Item          { return dynamo.Key("UNSUB#"+hash, "UNSUB") }

// notifyPK is the partition of the queued mailings.
const notifyPK = "NOTIFY"

func jobKey(postID string) dynamo.Item { return dynamo.Key(notifyPK, postID) }

var _ network.SubscriptionStore = (*Store)(nil)

// Subscription implements network.SubscriptionStore.
func (s *Store) Subscription(ctx context.Context, groupID, accountID string) (network.Subscription, error) {
	var sub network.Subscription
	err := s.table().Get(ctx, mySubscriptionKey(accountID, groupID), &sub, dynamo.IgnoreTTL)
	if errors.Is(err, dynamo.ErrNotFound) {
		return network.Subscription{}, network.ErrNotFound
	}
	return sub, err
}

// Subscribe implements network.SubscriptionStore: the three items, on the
// check that the membership exists.
func (s *Store) Subscribe(ctx context.Context, sub network.Subscription) error {
	err := s.table().Transact(ctx,
		dynamo.Write{Key: mySubscriptionKey(sub.AccountID, sub.GroupID), V: sub, Cond: dynamo.NotExists},
		dynamo.Write{Key: subscriberKey(sub.GroupID, sub.AccountID), V: sub},
		dynamo.Write{Key: subKey(sub.GroupID, sub.Sub), V: sub, Cond: dynamo.NotExists},
		dynamo.Write{Key: memberKey(sub.GroupID, sub.AccountID), Check: true, Cond: dynamo.Exists})
	if errors.Is(err, dynamo.ErrConflict) {
		if _, gerr := s.Subscription(ctx, sub.GroupID, sub.AccountID); gerr == nil {
			return network.ErrExists
		}
		return network.ErrNotFound
	}
	return err
}

// Unsubscribe implements network.SubscriptionStore.
func (s *Store) Unsubscribe(ctx context.Context, groupID, accountID string) error {
	sub, err := s.Subscription(ctx, groupID, accountID)
	if errors.Is(err, network.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.removeSubscription(ctx, sub)
}

// removeSubscription deletes a subscription's three items.
func (s *Store) removeSubscription(ctx context.Context, sub network.Subscription) error {
	return s.batchDelete(ctx, []dynamo.Item{
		mySubscriptionKey(sub.AccountID, sub.GroupID), subscriberKey(sub.GroupID, sub.AccountID), subKey(sub.GroupID, sub.Sub)})
}

// UnsubscribeSub implements network.SubscriptionStore.
func (s *Store) UnsubscribeSub(ctx context.Context, groupID, subID string) error {
	var sub network.Subscription
	err := s.table().Get(ctx, subKey(groupID, subID), &sub, dynamo.IgnoreTTL)
	if errors.Is(err, dynamo.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.removeSubscription(ctx, sub)
}

// Subscribers implements network.SubscriptionStore.
func (s *Store) Subscribers(ctx context.Context, groupID, cursor string, limit int) ([]network.Subscription, string, error) {
	var subs []network.Subscription
	next, err := s.page(ctx, groupPK(groupID), "SUBSCRIBER#", network.Page{Limit: limit, Cursor: cursor}, &subs)
	return subs, next, err
}

// token is what an unsubscribe token's hash is stored with.
type token struct {
	GroupID string `dynamodbav:"groupId"`
	Sub     string `dynamodbav:"sub"`
}

// SaveToken implements network.SubscriptionStore.
func (s *Store) SaveToken(ctx context.Context, hash, groupID, sub string, expires time.Time) error {
	return s.table().Put(ctx, tokenKey(hash), token{GroupID: groupID, Sub: sub}, expires, dynamo.Cond{})
}

// Token implements network.SubscriptionStore: a token past its lifetime is not
// found, whether or not DynamoDB has removed it yet.
func (s *Store) Token(ctx context.Context, hash string) (string, string, error) {
	var t token
	err := s.table().Get(ctx, tokenKey(hash), &t, time.Now())
	if errors.Is(err, dynamo.ErrNotFound) {
		return "", "", network.ErrNotFound
	}
	return t.GroupID, t.Sub, err
}

// Enqueue implements network.SubscriptionStore.
func (s *Store) Enqueue(ctx context.Context, j network.NotifyJob) error {
	err := s.table().Put(ctx, jobKey(j.PostID), j, time.Time{}, dynamo.NotExists)
	if errors.Is(err, dynamo.ErrConflict) {
		return nil
	}
	return err
}

// Jobs implements network.SubscriptionStore.
func (s *Store) Jobs(ctx context.Context) ([]network.NotifyJob, error) {
	var js []network.NotifyJob
	return js, s.table().QueryAll(ctx, notifyPK, "", dynamo.IgnoreTTL, &js)
}

// Job implements network.SubscriptionStore.
func (s *Store) Job(ctx context.Context, postID string) (network.NotifyJob, error) {
	var j network.NotifyJob
	err := s.table().Get(ctx, jobKey(postID), &j, dynamo.IgnoreTTL)
	if errors.Is(err, dynamo.ErrNotFound) {
		return network.NotifyJob{}, network.ErrNotFound
	}
	return j, err
}

// Progress implements network.SubscriptionStore.
func (s *Store) Progress(ctx context.Context, postID, after string) error {
	err := s.update(ctx, jobKey(postID), "SET #after = :a",
		dynamo.Cond{Expr: dynamo.Exists.Expr, Names: map[string]string{"#after": "after"}, Values: dynamo.Item{":a": dynamo.S(after)}})
	if errors.Is(err, dynamo.ErrConflict) {
		return nil // done meanwhile by another run
	}
	return err
}

// Finish implements network.SubscriptionStore.
func (s *Store) Finish(ctx context.Context, postID string) error {
	return s.table().Delete(ctx, jobKey(postID))
}

// MySubscriptions implements network.SubscriptionStore.
func (s *Store) MySubscriptions(ctx context.Context, accountID string) ([]network.Subscription, error) {
	var subs []network.Subscription
	return subs, s.table().QueryAll(ctx, accountPK(accountID), "SUBSCRIPTION#", dynamo.IgnoreTTL, &subs)
}

// ForgetSubscriptions implements network.SubscriptionStore.
func (s *Store) ForgetSubscriptions(ctx context.Context, accountID string) (int, error) {
	subs, err := s.MySubscriptions(ctx, accountID)
	if err != nil {
		return 0, err
	}
	for _, sub := range subs {
		if err := s.removeSubscription(ctx, sub); err != nil {
			return 0, err
		}
	}
	return len(subs), nil
}
