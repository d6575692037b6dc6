package networkdb

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/dynamo"
	"kontor/shared/network"
)

// Messages stores direct messages (HKC-7) on two tables.
//
// On the network table (point-in-time recovery on):
//   - DM#<account> / CONV#<conversation>: the account's side (letter, peer, last activity);
//   - DM#<account> / PEER#<peer>: the pair index, which conversation the two share
//     (one item each way, so that erasing either account finds and drops both);
//   - DMMSG#<conversation>#<side> / MSG#<message>: one side's copy, ciphertext only.
//
// On the message keys table (no point-in-time recovery, no stream, no backup):
//   - SIDE#<conversation>#<side> / KEY: the side's key, sealed by KMS;
//   - SIDE#<conversation>#<side> / MSG#<message>: the copy's key, sealed under the side's key.
//
// Deleting from the keys table is final; the copies left in a restore of the
// network table open with nothing. No item of a side holds the other member's
// account id except the side item's peer and the pair items, which erasure drops.
// Blocks are read under the contract of the blocks feature: "A blocks B" iff
// ACCOUNT#<A> / BLOCK#<B> exists on the network table.
type Messages struct {
	*Store
	Keys string
}

var _ network.MessageStore = (*Messages)(nil)

func sideKey(accountID, conv string) dynamo.Item   { return dynamo.Key("DM#"+accountID, "CONV#"+conv) }
func dmPairKey(accountID, peer string) dynamo.Item { return dynamo.Key("DM#"+accountID, "PEER#"+peer) }
func copiesPK(conv, side string) string            { return "DMMSG#" + conv + "#" + side }
func copyKey(conv, side, msg string) dynamo.Item   { return dynamo.Key(copiesPK(conv, side), "MSG#"+msg) }
func keysPK(conv, side string) string              { return "SIDE#" + conv + "#" + side }
func sideKeyKey(conv, side string) dynamo.Item     { return dynamo.Key(keysPK(conv, side), "KEY") }
func msgKeyKey(conv, side, msg string) dynamo.Item {
	return dynamo.Key(keysPK(conv, side), "MSG#"+msg)
}

// sealedItem is an item of the keys table: a sealed key.
type sealedItem struct {
	Sealed []byte `dynamodbav:"sealed"`
}

// pairItem is a pair index item.
type pairItem struct {
	Conversation string `dynamodbav:"conversation"`
}

// Side implements network.MessageStore.
func (m *Messages) Side(ctx context.Context, accountID, conv string) (network.Side, error) {
	var s network.Side
	err := m.table().Get(ctx, sideKey(accountID, conv), &s, dynamo.IgnoreTTL)
	if errors.Is(err, dynamo.ErrNotFound) {
		return network.Side{}, network.ErrNotFound
	}
	return s, err
}

// Pair implements network.MessageStore.
func (m *Messages) Pair(ctx context.Context, accountID, peer string) (string, error) {
	var p pairItem
	err := m.table().Get(ctx, dmPairKey(accountID, peer), &p, dynamo.IgnoreTTL)
	if errors.Is(err, dynamo.ErrNotFound) {
		return "", nil
	}
	return p.Conversation, err
}

// Blocks implements network.MessageStore: both directions in one consistent
// BatchGetItem.
func (m *Messages) Blocks(ctx context.Context, a, b string) (bool, bool, error) {
	items, err := m.batchGet(ctx, []dynamo.Item{BlockKey(a, b), BlockKey(b, a)})
	if err != nil {
		return false, false, err
	}
	var ab, ba bool
	for _, it := range items {
		switch dynamo.String(it, dynamo.PK) {
		case "ACCOUNT#" + a:
			ab = true
		case "ACCOUNT#" + b:
			ba = true
		}
	}
	return ab, ba, nil
}

// tx builds a transaction across the two tables.
type tx struct {
	items []types.TransactWriteItem
	err   error
}

func (t *tx) put(table string, key dynamo.Item, v any, cond string) {
	it, err := dynamo.Marshal(key, v, time.Time{})
	if err != nil {
		t.err = err
		return
	}
	p := &types.Put{TableName: aws.String(table), Item: it}
	if cond != "" {
		p.ConditionExpression = aws.String(cond)
	}
	t.items = append(t.items, types.TransactWriteItem{Put: p})
}

func (t *tx) check(table string, key dynamo.Item, cond string) {
	t.items = append(t.items, types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{TableName: aws.String(table), Key: key, ConditionExpression: aws.String(cond)}})
}

func (t *tx) update(table string, key dynamo.Item, expr, cond string, values dynamo.Item) {
	u := &types.Update{TableName: aws.String(table), Key: key, UpdateExpression: aws.String(expr), ExpressionAttributeValues: values,
		ExpressionAttributeNames: sideNames(expr + " " + cond)}
	if cond != "" {
		u.ConditionExpression = aws.String(cond)
	}
	t.items = append(t.items, types.TransactWriteItem{Update: u})
}

func (t *tx) run(ctx context.Context, db dynamo.DB) error {
	if t.err != nil {
		return t.err
	}
	_, err := db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: t.items})
	var tce *types.TransactionCanceledException
	if errors.As(err, &tce) {
		for _, r := range tce.CancellationReasons {
			if aws.ToString(r.Code) == "ConditionalCheckFailed" {
				return network.ErrConflict
			}
		}
	}
	if err != nil {
		return fmt.Errorf("messages transaction of %d items: %w", len(t.items), err)
	}
	return nil
}

// sideNames are the placeholders of a side's attributes that expr names
// (#name for name), so that no attribute name clashes with a reserved word.
func sideNames(expr string) map[string]string {
	names := map[string]string{}
	for _, n := range []string{"accountId", "conversation", "side", "peer", "lastAt", "createdAt", "former"} {
		if strings.Contains(expr, "#"+n) {
			names["#"+n] = n
		}
	}
	if len(names) == 0 {
		return nil
	}
	return names
}

const (
	itemAbsent  = "attribute_not_exists(pk)"
	itemPresent = "attribute_exists(pk)"
)

// Open implements network.MessageStore.
func (m *Messages) Open(ctx context.Context, s network.Side, sealed []byte) error {
	var t tx
	t.put(m.Table, dmPairKey(s.AccountID, s.Peer), pairItem{Conversation: s.ConversationID}, itemAbsent)
	t.put(m.Table, dmPairKey(s.Peer, s.AccountID), pairItem{Conversation: s.ConversationID}, itemAbsent)
	m.addSide(&t, s, sealed)
	return t.run(ctx, m.DB)
}

// AddSide implements network.MessageStore.
func (m *Messages) AddSide(ctx context.Context, s network.Side, sealed []byte) error {
	var t tx
	m.addSide(&t, s, sealed)
	return t.run(ctx, m.DB)
}

func (m *Messages) addSide(t *tx, s network.Side, sealed []byte) {
	t.put(m.Table, sideKey(s.AccountID, s.ConversationID), s, itemAbsent)
	t.put(m.Keys, sideKeyKey(s.ConversationID, s.Side), sealedItem{Sealed: sealed}, itemAbsent)
}

// SendState implements network.MessageStore: the blocks both ways, the
// recipient's side and both sides' keys, in one consistent BatchGetItem across
// the two tables.
func (m *Messages) SendState(ctx context.Context, sender network.Side) (network.SendState, error) {
	conv, peer, rs := sender.ConversationID, sender.Peer, network.OtherSide(sender.Side)
	req := map[string]types.KeysAndAttributes{
		m.Table: {Keys: []dynamo.Item{BlockKey(sender.AccountID, peer), BlockKey(peer, sender.AccountID), sideKey(peer, conv)}, ConsistentRead: aws.Bool(true)},
		m.Keys:  {Keys: []dynamo.Item{sideKeyKey(conv, sender.Side), sideKeyKey(conv, rs)}, ConsistentRead: aws.Bool(true)},
	}
	var st network.SendState
	for try := 0; len(req) > 0; try++ {
		if try > 8 {
			return network.SendState{}, errors.New("send state: keys left unprocessed")
		}
		res, err := m.DB.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
		if err != nil {
			return network.SendState{}, fmt.Errorf("send state: %w", err)
		}
		for _, it := range res.Responses[m.Table] {
			switch pk := dynamo.String(it, dynamo.PK); {
			case pk == "ACCOUNT#"+sender.AccountID:
				st.SenderBlocks = true
			case pk == "ACCOUNT#"+peer:
				st.RecipientBlocks = true
			default:
				var s network.Side
				if err := attributevalue.UnmarshalMap(it, &s); err != nil {
					return network.SendState{}, fmt.Errorf("recipient side: %w", err)
				}
				st.Recipient = &s
			}
		}
		for _, it := range res.Responses[m.Keys] {
			var k sealedItem
			if err := attributevalue.UnmarshalMap(it, &k); err != nil {
				return network.SendState{}, fmt.Errorf("side key: %w", err)
			}
			if dynamo.String(it, dynamo.PK) == keysPK(conv, sender.Side) {
				st.SenderKey = k.Sealed
			} else {
				st.RecipientKey = k.Sealed
			}
		}
		req = res.UnprocessedKeys
	}
	return st, nil
}

// copyItem is a copy as stored.
type copyItem struct {
	ID     string    `dynamodbav:"id"`
	Mine   bool      `dynamodbav:"mine"`
	At     time.Time `dynamodbav:"at"`
	Cipher []byte    `dynamodbav:"cipher"`
}

// Deliver implements network.MessageStore: every copy and key with the
// sides' activity in one transaction, on the condition that the sender's side
// and key are still there and that the recipient's key is as read.
func (m *Messages) Deliver(ctx context.Context, d network.Delivery) error {
	var t tx
	at := dynamo.Item{":at": dynamo.S(d.SenderCopy.At.UTC().Format(time.RFC3339Nano))}
	s := d.Sender
	t.put(m.Table, copyKey(s.ConversationID, s.Side, d.SenderCopy.ID), copyItem{ID: d.SenderCopy.ID, Mine: true, At: d.SenderCopy.At, Cipher: d.SenderCopy.Cipher}, itemAbsent)
	t.put(m.Keys, msgKeyKey(s.ConversationID, s.Side, d.SenderCopy.ID), sealedItem{Sealed: d.SenderCopy.Key}, itemAbsent)
	// The recipient must still be the sender's peer: an erasure of the
	// recipient that removed it meanwhile (HKC-14) refuses the send, which would
	// otherwise make the erased member a side again.
	t.update(m.Table, sideKey(s.AccountID, s.ConversationID), "SET #lastAt = :at", itemPresent+" AND #peer = :peer",
		dynamo.Item{":at": at[":at"], ":peer": dynamo.S(s.Peer)})
	if c := d.RecipientCopy; c != nil {
		r := d.Recipient
		t.put(m.Table, copyKey(r.ConversationID, r.Side, c.ID), copyItem{ID: c.ID, At: c.At, Cipher: c.Cipher}, itemAbsent)
		t.put(m.Keys, msgKeyKey(r.ConversationID, r.Side, c.ID), sealedItem{Sealed: c.Key}, itemAbsent)
		t.update(m.Table, sideKey(r.AccountID, r.ConversationID),
			"SET #accountId = :a, #conversation = :c, #side = :s, #peer = :p, #lastAt = :at, #createdAt = if_not_exists(#createdAt, :at)", "",
			dynamo.Item{":a": dynamo.S(r.AccountID), ":c": dynamo.S(r.ConversationID), ":s": dynamo.S(r.Side), ":p": dynamo.S(r.Peer), ":at": at[":at"]})
		if d.NewRecipientKey != nil {
			t.put(m.Keys, sideKeyKey(r.ConversationID, r.Side), sealedItem{Sealed: d.NewRecipientKey}, itemAbsent)
		} else {
			t.check(m.Keys, sideKeyKey(r.ConversationID, r.Side), itemPresent)
		}
	} else {
		t.check(m.Keys, sideKeyKey(s.ConversationID, s.Side), itemPresent)
	}
	return t.run(ctx, m.DB)
}

// Conversations implements network.MessageStore.
func (m *Messages) Conversations(ctx context.Context, accountID string) ([]network.Side, error) {
	var out []network.Side
	err := m.table().QueryAll(ctx, "DM#"+accountID, "CONV#", dynamo.IgnoreTTL, &out)
	return out, err
}

// Messages implements network.MessageStore: a page of copies, then their keys
// and the side's key in one consistent BatchGetItem.
func (m *Messages) Messages(ctx context.Context, s network.Side, pg network.Page) ([]network.Sealed, []byte, string, error) {
	var copies []copyItem
	next, err := m.table().QueryPage(ctx, copiesPK(s.ConversationID, s.Side), "MSG#", dynamo.Page(pg), true, dynamo.IgnoreTTL, func(it dynamo.Item) error {
		var c copyItem
		if err := attributevalue.UnmarshalMap(it, &c); err != nil {
			return err
		}
		// The message id is the item's place (its sort key), not a value it
		// holds: the seal names the place, so a copy moved under another id
		// does not open, and no id comes twice in one page.
		c.ID = strings.TrimPrefix(dynamo.String(it, dynamo.SK), "MSG#")
		copies = append(copies, c)
		return nil
	})
	if errors.Is(err, dynamo.ErrBadCursor) {
		return nil, nil, "", network.ErrBadCursor
	}
	if err != nil || len(copies) == 0 {
		return nil, nil, next, err
	}
	keys := []dynamo.Item{sideKeyKey(s.ConversationID, s.Side)}
	for _, c := range copies {
		keys = append(keys, msgKeyKey(s.ConversationID, s.Side, c.ID))
	}
	items, err := (&Store{DB: m.DB, Table: m.Keys}).batchGet(ctx, keys)
	if err != nil {
		return nil, nil, "", err
	}
	sealed := map[string][]byte{}
	for _, it := range items {
		var k sealedItem
		if err := attributevalue.UnmarshalMap(it, &k); err != nil {
			return nil, nil, "", fmt.Errorf("message key: %w", err)
		}
		sealed[dynamo.String(it, dynamo.SK)] = k.Sealed
	}
	out := make([]network.Sealed, len(copies))
	for i, c := range copies {
		out[i] = network.Sealed{ID: c.ID, Mine: c.Mine, At: c.At, Cipher: c.Cipher, Key: sealed["MSG#"+c.ID]}
	}
	return out, sealed["KEY"], next, nil
}

// DeleteMessage implements network.MessageStore: the copy's key first (that
// alone makes every copy of it unreadable), then the copy.
func (m *Messages) DeleteMessage(ctx context.Context, s network.Side, msg string) error {
	keys := dynamo.Table{DB: m.DB, Name: m.Keys}
	if err := keys.DeleteExisting(ctx, msgKeyKey(s.ConversationID, s.Side, msg)); errors.Is(err, dynamo.ErrNotFound) {
		return network.ErrNotFound
	} else if err != nil {
		return err
	}
	return m.table().Delete(ctx, copyKey(s.ConversationID, s.Side, msg))
}

// DeleteSide implements network.MessageStore. The side's key goes first: from
// then on no copy of the side opens, whatever else a failure leaves behind (a
// retry deletes the rest; the side item goes last so that a retry finds it).
func (m *Messages) DeleteSide(ctx context.Context, s network.Side) error {
	kt := &Store{DB: m.DB, Table: m.Keys}
	if err := kt.table().Delete(ctx, sideKeyKey(s.ConversationID, s.Side)); err != nil {
		return err
	}
	msgKeys, err := kt.keysUnder(ctx, keysPK(s.ConversationID, s.Side), "")
	if err != nil {
		return err
	}
	if err := kt.batchDelete(ctx, msgKeys); err != nil {
		return err
	}
	copies, err := m.keysUnder(ctx, copiesPK(s.ConversationID, s.Side), "MSG#")
	if err != nil {
		return err
	}
	if err := m.batchDelete(ctx, copies); err != nil {
		return err
	}
	return m.table().Delete(ctx, sideKey(s.AccountID, s.ConversationID))
}

// ForgetConversations implements network.MessageStore (erasure, HKC-14): each
// of the account's sides is deleted as by the member; each pair item goes both
// ways, and the other member's side loses the account id (peer) and shows a
// former member.
//
// The pairs go first: once the other sides hold no account id, no message can
// be delivered to the account any more (Deliver checks the sender's peer), so
// the sides read afterwards are all there are, including one that a message
// sent meanwhile made.
func (m *Messages) ForgetConversations(ctx context.Context, accountID string) (int, error) {
	under := func(prefix string) ([]dynamo.Item, error) {
		var items []dynamo.Item
		err := m.table().Query(ctx, "DM#"+accountID, prefix, dynamo.IgnoreTTL, func(it dynamo.Item) error {
			items = append(items, it)
			return nil
		})
		return items, err
	}
	pairs, err := under("PEER#")
	if err != nil {
		return 0, err
	}
	for _, it := range pairs {
		if err := m.forgetPair(ctx, accountID, strings.TrimPrefix(dynamo.String(it, dynamo.SK), "PEER#"), dynamo.String(it, "conversation")); err != nil {
			return 0, err
		}
	}
	sides, err := under("CONV#")
	if err != nil {
		return 0, err
	}
	for n, it := range sides {
		var s network.Side
		if err := attributevalue.UnmarshalMap(it, &s); err != nil {
			return n, fmt.Errorf("side: %w", err)
		}
		if err := m.DeleteSide(ctx, s); err != nil {
			return n, err
		}
	}
	return len(sides), nil
}

// forgetPair drops the pair items both ways and turns the peer's side (if
// any) into one with a former member.
func (m *Messages) forgetPair(ctx context.Context, accountID, peer, conv string) error {
	err := m.update(ctx, sideKey(peer, conv), "SET #former = :t REMOVE #peer",
		dynamo.Cond{Expr: itemPresent, Names: sideNames("#former #peer"), Values: dynamo.Item{":t": &types.AttributeValueMemberBOOL{Value: true}}})
	if err != nil && !errors.Is(err, dynamo.ErrConflict) {
		return err
	}
	return m.batchDelete(ctx, []dynamo.Item{dmPairKey(peer, accountID), dmPairKey(accountID, peer)})
}
