package networkdb

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/dynamo"
	"kontor/shared/network"
)

// The company register sync's items (HKC-10):
//
//	PROFILE#<a> / REGISTER              the honorary office: register number, marks, sync state
//	PROFILE#<a> / REGHIST#<time>#<field> one change the register made (the member's history)
//	HONORARY / <a>                      the list of office holders the daily run goes through
//	REGSYNC / CURSOR                    where an unfinished run stopped
var _ network.RegisterStore = (*Store)(nil)

const (
	honoraryPK     = "HONORARY"
	historyPrefix  = "REGHIST#"
	registerSortK  = "REGISTER"
	syncCursorPK   = "REGSYNC"
	syncCursorSort = "CURSOR"
)

func registerKey(accountID string) dynamo.Item {
	return dynamo.Key("PROFILE#"+accountID, registerSortK)
}
func honoraryKey(accountID string) dynamo.Item { return dynamo.Key(honoraryPK, accountID) }

// numberIs is the condition that the stored office is for number.
func numberIs(number string) dynamo.Cond {
	return dynamo.Cond{Expr: "#n = :n", Names: map[string]string{"#n": "registerNumber"}, Values: dynamo.Item{":n": dynamo.S(number)}}
}

// Honorary implements network.RegisterStore.
func (s *Store) Honorary(ctx context.Context, accountID string) (network.Honorary, error) {
	var h network.Honorary
	err := s.table().Get(ctx, registerKey(accountID), &h, dynamo.IgnoreTTL)
	if errors.Is(err, dynamo.ErrNotFound) {
		return network.Honorary{}, network.ErrNotFound
	}
	return h, err
}

// SetHonorary implements network.RegisterStore: the history of an earlier
// number goes first, then the office and its entry in the list are written in
// one transaction with the check that the profile exists. The profile is read
// first, so that a member without one is refused without a transaction: the
// local emulator (moto) answers a cancelled transaction with stream records of
// writes that never happened and delivers nothing of the table's stream after
// them, which would stop the search index locally.
func (s *Store) SetHonorary(ctx context.Context, h network.Honorary) error {
	if _, err := s.Get(ctx, h.AccountID); err != nil {
		return err
	}
	if err := s.forgetHistory(ctx, h.AccountID); err != nil {
		return err
	}
	err := s.table().Transact(ctx,
		dynamo.Write{Key: profileKey(h.AccountID), Check: true, Cond: dynamo.Exists},
		dynamo.Write{Key: registerKey(h.AccountID), V: h},
		dynamo.Write{Key: honoraryKey(h.AccountID), V: map[string]string{"accountId": h.AccountID}})
	if errors.Is(err, dynamo.ErrConflict) {
		return network.ErrNotFound
	}
	return err
}

// RemoveHonorary implements network.RegisterStore: the list's entry first (no
// run picks the member up again), then the office, then the history.
func (s *Store) RemoveHonorary(ctx context.Context, accountID string) error {
	if err := s.table().Delete(ctx, honoraryKey(accountID)); err != nil {
		return err
	}
	if err := s.table().Delete(ctx, registerKey(accountID)); err != nil {
		return err
	}
	return s.forgetHistory(ctx, accountID)
}

func (s *Store) forgetHistory(ctx context.Context, accountID string) error {
	keys, err := s.keysUnder(ctx, "PROFILE#"+accountID, historyPrefix)
	if err != nil {
		return err
	}
	return s.batchDelete(ctx, keys)
}

// HonoraryMembers implements network.RegisterStore.
func (s *Store) HonoraryMembers(ctx context.Context) ([]string, error) {
	var out []string
	err := s.table().Query(ctx, honoraryPK, "", dynamo.IgnoreTTL, func(it dynamo.Item) error {
		out = append(out, dynamo.String(it, dynamo.SK))
		return nil
	})
	return out, err
}

// History implements network.RegisterStore.
func (s *Store) History(ctx context.Context, accountID string) ([]network.RegisterChange, error) {
	var out []network.RegisterChange
	if err := s.table().QueryAll(ctx, "PROFILE#"+accountID, historyPrefix, dynamo.IgnoreTTL, &out); err != nil {
		return nil, err
	}
	slices.Reverse(out)
	return out, nil
}

// ApplyRegister implements network.RegisterStore.
func (s *Store) ApplyRegister(ctx context.Context, p network.Profile, prev int, h network.Honorary, changes []network.RegisterChange) error {
	cond := dynamo.NotExists
	if prev > 0 {
		cond = versionIs(prev)
	}
	ws := []dynamo.Write{
		{Key: profileKey(p.AccountID), V: p, Cond: cond},
		{Key: registerKey(p.AccountID), V: h, Cond: numberIs(h.RegisterNumber)},
	}
	for _, c := range changes {
		sk := historyPrefix + c.At.UTC().Format(time.RFC3339Nano) + "#" + c.Field
		ws = append(ws, dynamo.Write{Key: dynamo.Key("PROFILE#"+p.AccountID, sk), V: c})
	}
	err := s.table().Transact(ctx, ws...)
	if errors.Is(err, dynamo.ErrConflict) {
		return network.ErrConflict
	}
	return err
}

// RegisterChecked implements network.RegisterStore.
func (s *Store) RegisterChecked(ctx context.Context, accountID, number string, at time.Time) error {
	c := numberIs(number)
	c.Values[":at"] = mustMarshal(at)
	return ignoreConflict(s.update(ctx, registerKey(accountID), "SET checkedAt = :at REMOVE failures, failure", c))
}

// RegisterFailed implements network.RegisterStore.
func (s *Store) RegisterFailed(ctx context.Context, accountID, number, reason string, at time.Time) error {
	c := numberIs(number)
	c.Values[":one"], c.Values[":r"], c.Values[":at"] = dynamo.N(1), dynamo.S(reason), mustMarshal(at)
	return ignoreConflict(s.update(ctx, registerKey(accountID), "ADD failures :one SET failure = :r, failedAt = :at", c))
}

// MailQueued implements network.RegisterStore.
func (s *Store) MailQueued(ctx context.Context, accountID string, version int) error {
	c := dynamo.Cond{Expr: "pending.version = :v", Values: dynamo.Item{":v": dynamo.N(int64(version))}}
	return ignoreConflict(s.update(ctx, registerKey(accountID), "REMOVE pending", c))
}

// SyncCursor implements network.RegisterStore.
func (s *Store) SyncCursor(ctx context.Context) (string, error) {
	var c struct {
		After string `dynamodbav:"after"`
	}
	err := s.table().Get(ctx, dynamo.Key(syncCursorPK, syncCursorSort), &c, dynamo.IgnoreTTL)
	if errors.Is(err, dynamo.ErrNotFound) {
		return "", nil
	}
	return c.After, err
}

// SetSyncCursor implements network.RegisterStore.
func (s *Store) SetSyncCursor(ctx context.Context, after string) error {
	key := dynamo.Key(syncCursorPK, syncCursorSort)
	if after == "" {
		return s.table().Delete(ctx, key)
	}
	return s.table().Put(ctx, key, map[string]string{"after": after}, time.Time{}, dynamo.Cond{})
}

// mustMarshal is a time as the SDK stores it (RFC 3339 text).
func mustMarshal(t time.Time) types.AttributeValue {
	v, _ := attributevalue.Marshal(t)
	return v
}

// ignoreConflict treats a failed condition as done: the office is gone or for
// another number now, or the mail was cleared already.
func ignoreConflict(err error) error {
	if errors.Is(err, dynamo.ErrConflict) {
		return nil
	}
	return err
}
