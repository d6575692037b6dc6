package classifiedsdb

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/classifieds"
	"kontor/shared/dynamo"
)

var (
	_ classifieds.OrderStore   = (*Store)(nil)
	_ classifieds.OfferCounter = (*Store)(nil)
)

// orderRef is the account's pointer to an order, and its open-order claim.
type orderRef struct {
	OrderID string `dynamodbav:"orderId"`
}

// payEvent is a processed webhook event.
type payEvent struct {
	OrderID string `dynamodbav:"orderId"`
}

// OpenOrder implements classifieds.OrderStore: the claim, then its order, which
// must still be open and not past its ExpiresAt.
func (s *Store) OpenOrder(ctx context.Context, accountID, plan string, now time.Time) (classifieds.Order, bool, error) {
	var ref orderRef
	err := s.table().Get(ctx, openOrderKey(accountID, plan), &ref, now)
	if errors.Is(err, dynamo.ErrNotFound) {
		return classifieds.Order{}, false, nil
	}
	if err != nil {
		return classifieds.Order{}, false, err
	}
	o, err := s.Order(ctx, ref.OrderID, now)
	if errors.Is(err, classifieds.ErrOrderNotFound) {
		return classifieds.Order{}, false, nil
	}
	if err != nil {
		return classifieds.Order{}, false, err
	}
	return o, o.View(now).Status == classifieds.OrderOpen && o.AccountID == accountID, nil
}

// CreateOrder implements classifieds.OrderStore: the order, the account's pointer
// and the claim in one transaction; the claim may replace only one past its ttl.
func (s *Store) CreateOrder(ctx context.Context, o classifieds.Order, now time.Time) error {
	keep := o.ExpiresAt.Add(classifieds.OrderGrace)
	claimFree := dynamo.Cond{Expr: "attribute_not_exists(pk) OR #ttl <= :now", Names: map[string]string{"#ttl": dynamo.TTL},
		Values: dynamo.Item{":now": dynamo.N(now.Unix())}}
	err := s.table().Transact(ctx,
		dynamo.Write{Key: orderKey(o.ID), V: o, Expires: keep, Cond: dynamo.NotExists},
		dynamo.Write{Key: accountOrderKey(o.AccountID, o.ID), V: orderRef{OrderID: o.ID}, Expires: keep, Cond: dynamo.NotExists},
		dynamo.Write{Key: openOrderKey(o.AccountID, o.Plan), V: orderRef{OrderID: o.ID}, Expires: o.ExpiresAt, Cond: claimFree})
	if errors.Is(err, dynamo.ErrConflict) {
		return classifieds.ErrOpenOrderExists
	}
	return err
}

// Order implements classifieds.OrderStore.
func (s *Store) Order(ctx context.Context, id string, now time.Time) (classifieds.Order, error) {
	var o classifieds.Order
	err := s.table().Get(ctx, orderKey(id), &o, now)
	if errors.Is(err, dynamo.ErrNotFound) {
		return classifieds.Order{}, classifieds.ErrOrderNotFound
	}
	return o, err
}

// PaymentEventSeen implements classifieds.OrderStore.
func (s *Store) PaymentEventSeen(ctx context.Context, eventID string, now time.Time) (bool, error) {
	var e payEvent
	err := s.table().Get(ctx, payEventKey(eventID), &e, now)
	if errors.Is(err, dynamo.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// PlanValidUntil implements classifieds.OrderStore and classifieds.OfferCounter.
func (s *Store) PlanValidUntil(ctx context.Context, accountID string) (string, error) {
	var a struct {
		Until string `dynamodbav:"planValidUntil"`
	}
	err := s.table().Get(ctx, advertiserKey(accountID), &a, dynamo.IgnoreTTL)
	if errors.Is(err, dynamo.ErrNotFound) {
		return "", nil
	}
	return a.Until, err
}

// Pay implements classifieds.OrderStore: one transaction records the event (not
// seen before), marks the order paid (if still open; it keeps no ttl from now on,
// nor does the account's pointer), sets planValidUntil on the advertiser item
// (creating it, as advertiser data does, if the account has none) if it still
// holds p.Prev, puts the InvoiceDue (not there before) and frees the open-order
// claim if it is this order's. A failed condition is classifieds.ErrChanged.
func (s *Store) Pay(ctx context.Context, p classifieds.Payment) error {
	o := p.Order
	now := dynamo.S(p.PaidAt.UTC().Format(time.RFC3339Nano))
	ws := []dynamo.Write{
		{Key: payEventKey(p.EventID), V: payEvent{OrderID: o.ID}, Expires: p.PaidAt.Add(classifieds.PaymentEventTTL), Cond: dynamo.NotExists},
		{Key: orderKey(o.ID), Update: "SET #st = :paid, #at = :at, #pay = :pay, #from = :from, #until = :until REMOVE #ttl, #url",
			Cond: dynamo.Cond{Expr: "#st = :open", Names: map[string]string{"#st": "status", "#at": "paidAt", "#pay": "paymentId",
				"#from": "validFrom", "#until": "validUntil", "#ttl": dynamo.TTL, "#url": "checkoutUrl"},
				Values: dynamo.Item{":paid": dynamo.S(classifieds.OrderPaid), ":open": dynamo.S(classifieds.OrderOpen), ":at": now,
					":pay": dynamo.S(p.PaymentID), ":from": dynamo.S(p.Due.ValidFrom), ":until": dynamo.S(p.Due.ValidUntil)}}},
		{Key: accountOrderKey(o.AccountID, o.ID), Update: "REMOVE #ttl",
			Cond: dynamo.Cond{Expr: "attribute_exists(pk)", Names: map[string]string{"#ttl": dynamo.TTL}}},
		s.planWrite(o.AccountID, p.Prev, p.Due.ValidUntil, now),
		{Key: invoiceDueKey(o.ID), V: p.Due, Cond: dynamo.NotExists},
	}
	var claim orderRef
	if err := s.table().Get(ctx, openOrderKey(o.AccountID, o.Plan), &claim, dynamo.IgnoreTTL); err == nil && claim.OrderID == o.ID {
		ws = append(ws, dynamo.Write{Key: openOrderKey(o.AccountID, o.Plan), Delete: true,
			Cond: dynamo.Cond{Expr: "#o = :o", Names: map[string]string{"#o": "orderId"}, Values: dynamo.Item{":o": dynamo.S(o.ID)}}})
	} else if err != nil && !errors.Is(err, dynamo.ErrNotFound) {
		return err
	}
	if err := s.table().Transact(ctx, ws...); errors.Is(err, dynamo.ErrConflict) {
		return classifieds.ErrChanged
	} else if err != nil {
		return err
	}
	return nil
}

// planWrite sets the plan's validity on the advertiser item if it is still prev.
func (s *Store) planWrite(accountID, prev, until string, now types.AttributeValue) dynamo.Write {
	names := withPublicIDName(map[string]string{"#pv": attrPlanValidUntil, "#created": "createdAt", "#acc": "accountId"})
	values := withPublicID(dynamo.Item{":until": dynamo.S(until), ":t": now, ":acc": dynamo.S(accountID)})
	cond := "attribute_not_exists(#pv)"
	if prev != "" {
		cond, values[":prev"] = "#pv = :prev", dynamo.S(prev)
	}
	return dynamo.Write{Key: advertiserKey(accountID), Update: "SET #pv = :until, #created = if_not_exists(#created, :t), #acc = :acc" + publicIDSet,
		Cond: dynamo.Cond{Expr: cond, Names: names, Values: values}}
}

// PublishedOffers implements classifieds.OfferCounter: the advertiser's offers in
// byAdvertiser that are public at now, counted up to limit.
func (s *Store) PublishedOffers(ctx context.Context, accountID string, now time.Time, limit int) (int, error) {
	q := dynamo.IndexQuery{
		Index: ByAdvertiser.Name, KeyCond: "#a = :a",
		Filter: "#st = :pub AND #kind = :offer AND #exp > :now AND attribute_not_exists(#ended)",
		Names:  map[string]string{"#a": attrAdvertiser, "#st": attrStatus, "#kind": attrKind, "#exp": attrExp, "#ended": attrEndedAt},
		Values: dynamo.Item{":a": dynamo.S(accountID), ":pub": dynamo.S(classifieds.StatusPublished), ":offer": dynamo.S(classifieds.KindOffer),
			":now": dynamo.N(now.Unix())},
	}
	n := 0
	for {
		items, last, err := s.table().QueryIndexPage(ctx, q)
		n += len(items)
		if err != nil || n >= limit || last == nil {
			return n, err
		}
		q.Start = last
	}
}

// AccountOrders returns every order of the account (export), oldest first.
func (s *Store) AccountOrders(ctx context.Context, accountID string, now time.Time) ([]classifieds.Order, error) {
	out := []classifieds.Order{}
	err := s.table().Query(ctx, accountPrefix+accountID, orderPrefix, now, func(it dynamo.Item) error {
		var ref orderRef
		if err := dynamo.Unmarshal(it, &ref); err != nil {
			return err
		}
		o, err := s.Order(ctx, ref.OrderID, now)
		if errors.Is(err, classifieds.ErrOrderNotFound) {
			return nil
		}
		out = append(out, o)
		return err
	})
	return out, err
}

// EraseOrders deletes every order of the account with its pointers and claims
// (erasure). The InvoiceDue of a paid order is the invoice issuer's: it stays
// until the invoice, a record under a legal retention duty, is issued.
func (s *Store) EraseOrders(ctx context.Context, accountID string) error {
	t := s.table()
	for _, prefix := range []string{orderPrefix, openOrderSKPrefix} {
		if err := t.Query(ctx, accountPrefix+accountID, prefix, dynamo.IgnoreTTL, func(it dynamo.Item) error {
			var ref orderRef
			if err := dynamo.Unmarshal(it, &ref); err != nil {
				return err
			}
			if err := t.Delete(ctx, orderKey(ref.OrderID)); err != nil {
				return err
			}
			return t.Delete(ctx, dynamo.Item{dynamo.PK: it[dynamo.PK], dynamo.SK: it[dynamo.SK]})
		}); err != nil {
			return err
		}
	}
	return nil
}

// SweepOrders deletes, for the next part of the table, orders and their
// pointers and claims past their ttl (open orders a day after their expiry) and
// processed webhook events past theirs; it returns how many orders.
func (s *Store) SweepOrders(ctx context.Context, now time.Time) (int, error) {
	n := 0
	exp := dynamo.ExpiredAt(now)
	exp.Expr = "(sk = :order OR sk = :event OR begins_with(sk, :ref) OR begins_with(sk, :claim)) AND " + exp.Expr
	exp.Values[":order"], exp.Values[":event"] = dynamo.S(orderSK), dynamo.S(payEventSK)
	exp.Values[":ref"], exp.Values[":claim"] = dynamo.S(orderPrefix), dynamo.S(openOrderSKPrefix)
	_, err := s.table().Sweep(ctx, dynamo.Sweep{Name: "orders"}, exp, func(it dynamo.Item) error {
		if dynamo.String(it, dynamo.SK) == orderSK {
			n++
		}
		return s.table().Delete(ctx, dynamo.Item{dynamo.PK: it[dynamo.PK], dynamo.SK: it[dynamo.SK]})
	})
	return n, err
}
