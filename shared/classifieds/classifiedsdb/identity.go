package classifiedsdb

import (
	"context"
	"errors"
	"time"

	"kontor/shared/classifieds"
	"kontor/shared/dynamo"
)

var _ classifieds.IdentityStore = (*Store)(nil)

// StartFlow implements classifieds.IdentityStore: the flow expires with its
// ExpiresAt (ttl), so an abandoned one goes by itself.
func (s *Store) StartFlow(ctx context.Context, f classifieds.IdentityFlow) error {
	return s.table().Put(ctx, idConfirmKey(f.State), f, f.ExpiresAt, dynamo.NotExists)
}

// Flow implements classifieds.IdentityStore.
func (s *Store) Flow(ctx context.Context, state string, now time.Time) (classifieds.IdentityFlow, error) {
	var f classifieds.IdentityFlow
	err := s.table().Get(ctx, idConfirmKey(state), &f, now)
	if errors.Is(err, dynamo.ErrNotFound) {
		return classifieds.IdentityFlow{}, classifieds.ErrFlowUsed
	}
	return f, err
}

// FinishFlow implements classifieds.IdentityStore: the flow is deleted on the
// condition that it is still there with its nonce, so a callback counts once; a
// confirmation sets identityConfirmedAt on the advertiser item, which must exist
// (an account erased meanwhile gets nothing back).
func (s *Store) FinishFlow(ctx context.Context, f classifieds.IdentityFlow, confirmed bool, at time.Time) error {
	ws := []dynamo.Write{{Key: idConfirmKey(f.State), Delete: true, Cond: dynamo.Cond{Expr: "attribute_exists(pk) AND #nonce = :nonce AND #acc = :acc",
		Names: map[string]string{"#nonce": "nonce", "#acc": "accountId"}, Values: dynamo.Item{":nonce": dynamo.S(f.Nonce), ":acc": dynamo.S(f.AccountID)}}}}
	if confirmed {
		ws = append(ws, dynamo.Write{Key: advertiserKey(f.AccountID), Update: "SET #at = :at",
			Cond: dynamo.Cond{Expr: "attribute_exists(pk)", Names: map[string]string{"#at": attrIdentityAt},
				Values: dynamo.Item{":at": dynamo.S(at.UTC().Format(time.RFC3339Nano))}}})
	}
	if err := s.table().Transact(ctx, ws...); errors.Is(err, dynamo.ErrConflict) {
		return classifieds.ErrFlowUsed
	} else if err != nil {
		return err
	}
	return nil
}
