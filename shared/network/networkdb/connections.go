package networkdb

import (
	"context"
	"errors"
	"strings"
	"time"

	"kontor/shared/dynamo"
	"kontor/shared/network"
)

// The keys of connections (HKC-8) in the network table, A and B being accounts:
//
//	CONNECTION#<id> / CONNECTION         who sent request id to whom (from, to)
//	ACCOUNT#<A> / CONN#OUT#<B>           A's request to B, as A sees it …
//	ACCOUNT#<B> / CONN#IN#<A>            … and as B sees it
//	ACCOUNT#<B> / CONN#HIDDEN#<A>        … or in its place while B blocks A (B never sees it)
//	ACCOUNT#<A> / CONN#WITH#<B>          A's and B's connection, one item on each side
//	ACCOUNT#<B> / CONN#DECLINED#<A>      B declined A's request (TTL: the throttle's end) …
//	ACCOUNT#<A> / CONN#DECLINEDBY#<B>    … and its mirror, read when A asks again
//	ACCOUNT#<A> / BLOCK#<B>              A blocks B (attribute at, RFC 3339): the
//	                                     contract the direct messages read …
//	ACCOUNT#<B> / BLOCKEDBY#<A>          … and its mirror, for B's erasure
//
// Both sides of every change are written in one transaction, conditioned on what
// the service read; every read is consistent.

var _ network.ConnectionStore = (*Store)(nil)

// ConnectionKey is the key of the record naming the two members of request id.
func connectionKey(id string) dynamo.Item { return dynamo.Key("CONNECTION#"+id, "CONNECTION") }

func pairKey(a, kind, b string) dynamo.Item { return dynamo.Key(accountPK(a), kind+b) }

// Sort key prefixes of an account's side of connections and blocks.
const (
	outPrefix        = "CONN#OUT#"
	inPrefix         = "CONN#IN#"
	hiddenPrefix     = "CONN#HIDDEN#"
	withPrefix       = "CONN#WITH#"
	declinedPrefix   = "CONN#DECLINED#"
	declinedByPrefix = "CONN#DECLINEDBY#"
	blockPrefix      = "BLOCK#"
	blockedByPrefix  = "BLOCKEDBY#"
)

// BlockKey is the item that says a blocks b (the contract other features read:
// it exists exactly while the block lasts).
func BlockKey(a, b string) dynamo.Item { return pairKey(a, blockPrefix, b) }

// parties is the record of a request: who sent it to whom.
type parties struct {
	ID   string    `dynamodbav:"id"`
	From string    `dynamodbav:"from"`
	To   string    `dynamodbav:"to"`
	At   time.Time `dynamodbav:"at"`
}

// ConnectionPair implements network.ConnectionStore.
func (s *Store) ConnectionPair(ctx context.Context, a, b string) (network.Pair, error) {
	keys := []dynamo.Item{pairKey(a, outPrefix, b), pairKey(a, inPrefix, b), pairKey(a, hiddenPrefix, b), pairKey(a, withPrefix, b),
		pairKey(a, declinedByPrefix, b), pairKey(a, blockPrefix, b), pairKey(a, blockedByPrefix, b)}
	items, err := s.batchGet(ctx, keys)
	if err != nil {
		return network.Pair{}, err
	}
	var p network.Pair
	for _, it := range items {
		sk := dynamo.String(it, dynamo.SK)
		var dst any
		switch {
		case strings.HasPrefix(sk, outPrefix):
			p.Out, dst = &network.Connection{}, &p.Out
		case strings.HasPrefix(sk, inPrefix):
			p.In, dst = &network.Connection{}, &p.In
		case strings.HasPrefix(sk, hiddenPrefix):
			p.Hidden, dst = &network.Connection{}, &p.Hidden
		case strings.HasPrefix(sk, withPrefix):
			p.With, dst = &network.Connection{}, &p.With
		case strings.HasPrefix(sk, declinedByPrefix):
			p.DeclinedBy, dst = &network.Decline{}, &p.DeclinedBy
		case strings.HasPrefix(sk, blockedByPrefix):
			p.BlockedBy = true
		case strings.HasPrefix(sk, blockPrefix):
			p.Blocks = true
		}
		if dst != nil {
			if err := dynamo.Unmarshal(it, dst); err != nil {
				return network.Pair{}, err
			}
		}
	}
	return p, nil
}

// ConnectionParties implements network.ConnectionStore.
func (s *Store) ConnectionParties(ctx context.Context, id string) (string, string, error) {
	var p parties
	err := s.table().Get(ctx, connectionKey(id), &p, dynamo.IgnoreTTL)
	if errors.Is(err, dynamo.ErrNotFound) {
		return "", "", network.ErrNotFound
	}
	return p.From, p.To, err
}

// absent is the check that an item is not there.
func absent(key dynamo.Item) dynamo.Write {
	return dynamo.Write{Key: key, Check: true, Cond: dynamo.NotExists}
}

// idIs is the condition that the item exists and belongs to request id.
func idIs(id string) dynamo.Cond {
	return dynamo.Cond{Expr: "attribute_exists(pk) AND id = :id", Values: dynamo.Item{":id": dynamo.S(id)}}
}

func del(key dynamo.Item) dynamo.Write { return dynamo.Write{Key: key, Delete: true} }

// SendConnectionRequest implements network.ConnectionStore: the request is stored only while
// neither a connection nor a request either way is there, and while the block of
// the sender is as the service read it.
func (s *Store) SendConnectionRequest(ctx context.Context, from, to string, l network.Connection, hidden bool) error {
	theirs := network.Connection{ID: l.ID, AccountID: from, Note: l.Note, At: l.At}
	kind, block := inPrefix, absent(pairKey(to, blockPrefix, from))
	if hidden {
		kind, block = hiddenPrefix, dynamo.Write{Key: pairKey(to, blockPrefix, from), Check: true, Cond: dynamo.Exists}
	}
	err := s.table().Transact(ctx,
		dynamo.Write{Key: connectionKey(l.ID), V: parties{ID: l.ID, From: from, To: to, At: l.At}, Cond: dynamo.NotExists},
		dynamo.Write{Key: pairKey(from, outPrefix, to), V: l, Cond: dynamo.NotExists},
		dynamo.Write{Key: pairKey(to, kind, from), V: theirs, Cond: dynamo.NotExists},
		absent(pairKey(from, withPrefix, to)),
		absent(pairKey(from, inPrefix, to)),
		absent(pairKey(from, blockPrefix, to)),
		block)
	if errors.Is(err, dynamo.ErrConflict) {
		return network.ErrExists
	}
	return err
}

// requestGone is the deletion of every item of from's request to to but the
// recipient's (whose deletion carries the transaction's condition).
func requestGone(from, to, id string) []dynamo.Write {
	return []dynamo.Write{del(pairKey(from, outPrefix, to)), del(pairKey(to, hiddenPrefix, from)), del(connectionKey(id))}
}

// AcceptConnectionRequest implements network.ConnectionStore.
func (s *Store) AcceptConnectionRequest(ctx context.Context, from, to, id string, since time.Time, reverse *network.Connection, hidden bool) error {
	kept := inPrefix
	if hidden {
		kept = hiddenPrefix
	}
	ws := []dynamo.Write{
		{Key: pairKey(to, kept, from), Delete: true, Cond: idIs(id)},
		del(pairKey(from, outPrefix, to)),
		{Key: pairKey(from, withPrefix, to), V: network.Connection{ID: id, AccountID: to, At: since, Since: &since}, Cond: dynamo.NotExists},
		{Key: pairKey(to, withPrefix, from), V: network.Connection{ID: id, AccountID: from, At: since, Since: &since}, Cond: dynamo.NotExists},
	}
	if reverse != nil {
		// The recipient's own request to the sender (sent while the sender
		// blocked them, so never seen) ends with the connection.
		ws = append(ws, del(pairKey(to, outPrefix, from)), del(pairKey(from, inPrefix, to)), del(pairKey(from, hiddenPrefix, to)), del(connectionKey(reverse.ID)))
	}
	return s.notFoundOnConflict(s.table().Transact(ctx, ws...))
}

func (s *Store) notFoundOnConflict(err error) error {
	if errors.Is(err, dynamo.ErrConflict) {
		return network.ErrNotFound
	}
	return err
}

// WithdrawConnectionRequest implements network.ConnectionStore.
func (s *Store) WithdrawConnectionRequest(ctx context.Context, from, to, id string) error {
	ws := append([]dynamo.Write{{Key: pairKey(from, outPrefix, to), Delete: true, Cond: idIs(id)}},
		del(pairKey(to, inPrefix, from)), del(pairKey(to, hiddenPrefix, from)), del(connectionKey(id)))
	return s.notFoundOnConflict(s.table().Transact(ctx, ws...))
}

// DeclineConnectionRequest implements network.ConnectionStore: the decline is kept on both
// sides until the throttle ends (TTL), so either member's erasure finds it.
func (s *Store) DeclineConnectionRequest(ctx context.Context, from, to, id string, d network.Decline) error {
	ws := append([]dynamo.Write{{Key: pairKey(to, inPrefix, from), Delete: true, Cond: idIs(id)}}, requestGone(from, to, id)...)
	ws = append(ws,
		dynamo.Write{Key: pairKey(to, declinedPrefix, from), V: network.Decline{AccountID: from, At: d.At, Until: d.Until}, Expires: d.Until},
		dynamo.Write{Key: pairKey(from, declinedByPrefix, to), V: network.Decline{AccountID: to, At: d.At, Until: d.Until}, Expires: d.Until})
	return s.notFoundOnConflict(s.table().Transact(ctx, ws...))
}

// Disconnect implements network.ConnectionStore.
func (s *Store) Disconnect(ctx context.Context, a, b, id string) error {
	return s.notFoundOnConflict(s.table().Transact(ctx,
		dynamo.Write{Key: pairKey(a, withPrefix, b), Delete: true, Cond: idIs(id)},
		del(pairKey(b, withPrefix, a)), del(connectionKey(id))))
}

// BlockMember implements network.ConnectionStore: the block and its mirror, a's
// request to b and their connection removed, b's request to a hidden; what the
// service did not see must still be absent.
func (s *Store) BlockMember(ctx context.Context, a, b string, at time.Time, p network.Pair) error {
	ws := []dynamo.Write{
		{Key: BlockKey(a, b), V: network.Block{AccountID: b, At: at}},
		{Key: pairKey(b, blockedByPrefix, a), V: network.Block{AccountID: a, At: at}},
	}
	if p.Out != nil {
		ws = append(ws, dynamo.Write{Key: pairKey(a, outPrefix, b), Delete: true, Cond: idIs(p.Out.ID)}, del(pairKey(b, inPrefix, a)), del(pairKey(b, hiddenPrefix, a)), del(connectionKey(p.Out.ID)))
	} else {
		ws = append(ws, absent(pairKey(a, outPrefix, b)))
	}
	if p.With != nil {
		ws = append(ws, dynamo.Write{Key: pairKey(a, withPrefix, b), Delete: true, Cond: idIs(p.With.ID)}, del(pairKey(b, withPrefix, a)), del(connectionKey(p.With.ID)))
	} else {
		ws = append(ws, absent(pairKey(a, withPrefix, b)))
	}
	if p.In != nil {
		ws = append(ws, dynamo.Write{Key: pairKey(a, inPrefix, b), Delete: true, Cond: idIs(p.In.ID)}, dynamo.Write{Key: pairKey(a, hiddenPrefix, b), V: *p.In})
	} else {
		ws = append(ws, absent(pairKey(a, inPrefix, b)))
	}
	err := s.table().Transact(ctx, ws...)
	if errors.Is(err, dynamo.ErrConflict) {
		return network.ErrConflict
	}
	return err
}

// UnblockMember implements network.ConnectionStore.
func (s *Store) UnblockMember(ctx context.Context, a, b string) error {
	return s.notFoundOnConflict(s.table().Transact(ctx,
		dynamo.Write{Key: BlockKey(a, b), Delete: true, Cond: dynamo.Exists},
		del(pairKey(b, blockedByPrefix, a))))
}

// filterPrefix is where a list of GET /v1/connections is kept.
var filterPrefix = map[string]string{network.FilterIncoming: inPrefix, network.FilterOutgoing: outPrefix, network.FilterAccepted: withPrefix}

// ConnectionsOf implements network.ConnectionStore.
func (s *Store) ConnectionsOf(ctx context.Context, accountID, filter string, pg network.Page) ([]network.Connection, string, error) {
	var ls []network.Connection
	next, err := s.page(ctx, accountPK(accountID), filterPrefix[filter], pg, &ls)
	return ls, next, err
}

// BlocksOf implements network.ConnectionStore.
func (s *Store) BlocksOf(ctx context.Context, accountID string, pg network.Page) ([]network.Block, string, error) {
	var bs []network.Block
	next, err := s.page(ctx, accountPK(accountID), blockPrefix, pg, &bs)
	return bs, next, err
}

// mirrors are the keys on the other side of an item of a's partition with
// sort key sk (and the request record it names), for the erasure.
func mirrors(a, sk, id string) []dynamo.Item {
	kinds := []struct {
		prefix string
		theirs []string
	}{
		{outPrefix, []string{inPrefix, hiddenPrefix}},
		{inPrefix, []string{outPrefix}},
		{hiddenPrefix, []string{outPrefix}},
		{withPrefix, []string{withPrefix}},
		{declinedByPrefix, []string{declinedPrefix}},
		{declinedPrefix, []string{declinedByPrefix}},
		{blockedByPrefix, []string{blockPrefix}},
		{blockPrefix, []string{blockedByPrefix}},
	}
	for _, k := range kinds {
		b, ok := strings.CutPrefix(sk, k.prefix)
		if !ok {
			continue
		}
		out := []dynamo.Item{dynamo.Key(accountPK(a), sk)}
		for _, t := range k.theirs {
			out = append(out, pairKey(b, t, a))
		}
		if id != "" {
			out = append(out, connectionKey(id))
		}
		return out
	}
	return nil
}

// connectionItems calls fn with every item of the account's connections and
// blocks (blocks of them included).
func (s *Store) connectionItems(ctx context.Context, accountID string, fn func(dynamo.Item) error) error {
	for _, prefix := range []string{"CONN#", blockPrefix, blockedByPrefix} {
		if err := s.table().Query(ctx, accountPK(accountID), prefix, dynamo.IgnoreTTL, fn); err != nil {
			return err
		}
	}
	return nil
}

// ForgetConnections deletes every request, connection, decline and block
// involving the account, on both sides (HKC-14); it returns how many of the
// account's own items went. Running it again is harmless.
func (s *Store) ForgetConnections(ctx context.Context, accountID string) (int, error) {
	seen := map[string]bool{}
	var keys []dynamo.Item
	n := 0
	err := s.connectionItems(ctx, accountID, func(it dynamo.Item) error {
		n++
		for _, k := range mirrors(accountID, dynamo.String(it, dynamo.SK), dynamo.String(it, "id")) {
			// One batch must not name a key twice.
			if id := dynamo.String(k, dynamo.PK) + "\x00" + dynamo.String(k, dynamo.SK); !seen[id] {
				seen[id] = true
				keys = append(keys, k)
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, s.batchDelete(ctx, keys)
}

// ConnectionContent reads the account's connections, requests, declines and the
// blocks it made, for the export; never who blocks it. Declines past their
// throttle are left out.
func (s *Store) ConnectionContent(ctx context.Context, accountID string, now time.Time) (network.ConnectionContent, error) {
	var c network.ConnectionContent
	err := s.connectionItems(ctx, accountID, func(it dynamo.Item) error {
		if dynamo.Expired(it, now) {
			return nil
		}
		sk := dynamo.String(it, dynamo.SK)
		switch {
		case strings.HasPrefix(sk, withPrefix):
			return appendItem(it, &c.Connections)
		case strings.HasPrefix(sk, outPrefix):
			return appendItem(it, &c.Outgoing)
		case strings.HasPrefix(sk, inPrefix):
			return appendItem(it, &c.Incoming)
		case strings.HasPrefix(sk, hiddenPrefix):
			return appendItem(it, &c.Hidden)
		case strings.HasPrefix(sk, declinedByPrefix):
			return appendItem(it, &c.DeclinedBy)
		case strings.HasPrefix(sk, declinedPrefix):
			return appendItem(it, &c.Declined)
		case strings.HasPrefix(sk, blockPrefix):
			return appendItem(it, &c.Blocks)
		}
		return nil
	})
	return c, err
}

// appendItem decodes it and appends it to list.
func appendItem[T any](it dynamo.Item, list *[]T) error {
	var v T
	if err := dynamo.Unmarshal(it, &v); err != nil {
		return err
	}
	*list = append(*list, v)
	return nil
}
