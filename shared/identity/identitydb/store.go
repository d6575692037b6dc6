// Package identitydb stores the identity module's data in DynamoDB: accounts, email
// claims, mailed tokens, sign-in throttle counters and known clients in the identity
// table, sessions in
// the session table. Items with a lifetime carry a TTL attribute, and every read
// treats an item past its lifetime as gone.
package identitydb

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/dynamo"
	"kontor/shared/identity"
	"kontor/shared/ids"
)

// Store implements identity.Store on the identity table.
type Store struct {
	DB    dynamo.DB
	Table string

	mu        sync.Mutex
	clientKey []byte
}

var (
	_ identity.Store        = (*Store)(nil)
	_ identity.SessionStore = (*Sessions)(nil)
)

// Key prefixes of the identity table. Every item has pk and sk.
const (
	prefixAccount = "ACCOUNT#"
	prefixEmail   = "EMAIL#"
	prefixToken   = "TOKEN#"
	prefixFailure = "FAILURE#"
	keyClient     = "CONFIG#client-key"
)

func accountKey(id string) dynamo.Item  { return dynamo.Key(prefixAccount+id, "ACCOUNT") }
func claimKey(email string) dynamo.Item { return dynamo.Key(prefixEmail+email, "EMAIL") }
func tokenKey(d string) dynamo.Item     { return dynamo.Key(prefixToken+d, "TOKEN") }
func failureKey(k string) dynamo.Item   { return dynamo.Key(prefixFailure+k, "FAILURE") }
func configKey() dynamo.Item            { return dynamo.Key(keyClient, "CONFIG") }

func ts(t time.Time) types.AttributeValue { return dynamo.S(t.UTC().Format(time.RFC3339Nano)) }

// accountItem is an account as stored: the account plus keys and TTL.
type accountItem struct {
	PK string `dynamodbav:"pk"`
	SK string `dynamodbav:"sk"`
	identity.Account
	TTL int64 `dynamodbav:"ttl,omitempty"`
}

type claimItem struct {
	PK        string `dynamodbav:"pk"`
	SK        string `dynamodbav:"sk"`
	AccountID string `dynamodbav:"accountId"`
	TTL       int64  `dynamodbav:"ttl,omitempty"`
}

type tokenItem struct {
	PK string `dynamodbav:"pk"`
	SK string `dynamodbav:"sk"`
	identity.Token
	TTL int64 `dynamodbav:"ttl"`
}

// live reports whether an item with this ttl (0: none) exists at now.
func live(ttl int64, now time.Time) bool { return ttl == 0 || now.Unix() < ttl }

// claimFree is the condition under which an email claim may be written: none exists,
// or the existing one belonged to a pending account that has lapsed.
const claimFree = "attribute_not_exists(pk) OR (attribute_exists(#ttl) AND #ttl <= :now)"

// CreateAccount implements identity.Store.
func (st *Store) CreateAccount(ctx context.Context, a identity.Account, tok *identity.Token, now time.Time) error {
	var ttl int64
	if a.ExpiresAt != nil {
		ttl = a.ExpiresAt.Unix()
	}
	acc, err := attributevalue.MarshalMap(accountItem{PK: prefixAccount + a.ID, SK: "ACCOUNT", Account: a, TTL: ttl})
	if err != nil {
		return fmt.Errorf("marshal account: %w", err)
	}
	claim, err := attributevalue.MarshalMap(claimItem{PK: prefixEmail + a.Email, SK: "EMAIL", AccountID: a.ID, TTL: ttl})
	if err != nil {
		return fmt.Errorf("marshal claim: %w", err)
	}
	items := []types.TransactWriteItem{
		{Put: &types.Put{
			TableName: aws.String(st.Table), Item: claim,
			ConditionExpression:       aws.String(claimFree),
			ExpressionAttributeNames:  map[string]string{"#ttl": "ttl"},
			ExpressionAttributeValues: dynamo.Item{":now": dynamo.N(now.Unix())},
		}},
		{Put: &types.Put{TableName: aws.String(st.Table), Item: acc, ConditionExpression: aws.String("attribute_not_exists(pk)")}},
	}
	if tok != nil {
		ti, err := marshalToken(*tok)
		if err != nil {
			return err
		}
		items = append(items, types.TransactWriteItem{Put: &types.Put{TableName: aws.String(st.Table), Item: ti}})
	}
	_, err = st.DB.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	if failed(err, 0) {
		// The address is taken, or this very transaction committed and its answer
		// was lost: AWS answers the SDK's retry by its ClientRequestToken, moto
		// fails the condition instead. A claim naming this fresh account id can
		// only be this request's own.
		id, lerr := st.AccountIDByEmail(ctx, a.Email, now)
		switch {
		case lerr == nil && id == a.ID:
			return nil
		case lerr != nil && !errors.Is(lerr, identity.ErrNotFound):
			return fmt.Errorf("create account: %w", lerr)
		}
		return identity.ErrEmailTaken
	}
	if err != nil {
		return fmt.Errorf("create account: %w", err)
	}
	return nil
}

// failed reports whether err is a cancelled transaction whose item i failed its
// condition.
func failed(err error, i int) bool {
	var tce *types.TransactionCanceledException
	if !errors.As(err, &tce) || i >= len(tce.CancellationReasons) {
		return false
	}
	return aws.ToString(tce.CancellationReasons[i].Code) == "ConditionalCheckFailed"
}

func marshalToken(t identity.Token) (dynamo.Item, error) {
	item, err := attributevalue.MarshalMap(tokenItem{PK: prefixToken + t.Digest, SK: "TOKEN", Token: t, TTL: t.ExpiresAt.Unix()})
	if err != nil {
		return nil, fmt.Errorf("marshal token: %w", err)
	}
	return item, nil
}

func (st *Store) get(ctx context.Context, k dynamo.Item, out any) (bool, error) {
	res, err := st.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(st.Table), Key: k, ConsistentRead: aws.Bool(true)})
	if err != nil {
		return false, err
	}
	if res.Item == nil {
		return false, nil
	}
	if err := attributevalue.UnmarshalMap(res.Item, out); err != nil {
		return false, fmt.Errorf("unmarshal: %w", err)
	}
	return true, nil
}

// Account implements identity.Store.
func (st *Store) Account(ctx context.Context, id string, now time.Time) (identity.Account, error) {
	var it accountItem
	ok, err := st.get(ctx, accountKey(id), &it)
	if err != nil {
		return identity.Account{}, fmt.Errorf("get account: %w", err)
	}
	if !ok || !live(it.TTL, now) {
		return identity.Account{}, identity.ErrNotFound
	}
	if it.TTL != 0 {
		exp := time.Unix(it.TTL, 0).UTC()
		it.ExpiresAt = &exp
	}
	return it.Account, nil
}

// AccountIDByEmail implements identity.Store.
func (st *Store) AccountIDByEmail(ctx context.Context, email string, now time.Time) (string, error) {
	var it claimItem
	ok, err := st.get(ctx, claimKey(email), &it)
	if err != nil {
		return "", fmt.Errorf("get email claim: %w", err)
	}
	if !ok || !live(it.TTL, now) {
		return "", identity.ErrNotFound
	}
	return it.AccountID, nil
}

// PutToken implements identity.Store.
func (st *Store) PutToken(ctx context.Context, t identity.Token) error {
	item, err := marshalToken(t)
	if err != nil {
		return err
	}
	if _, err := st.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(st.Table), Item: item}); err != nil {
		return fmt.Errorf("put token: %w", err)
	}
	return nil
}

// Token implements identity.Store.
func (st *Store) Token(ctx context.Context, digest string, now time.Time) (identity.Token, error) {
	var it tokenItem
	ok, err := st.get(ctx, tokenKey(digest), &it)
	if err != nil {
		return identity.Token{}, fmt.Errorf("get token: %w", err)
	}
	if !ok || !live(it.TTL, now) {
		return identity.Token{}, identity.ErrNotFound
	}
	return it.Token, nil
}

// consumeToken is the transaction item that uses a token exactly once: it marks
// the token used at now (the item stays until its TTL) under the condition that
// it is live and unused.
func (st *Store) consumeToken(t identity.Token, now time.Time) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{
		TableName: aws.String(st.Table), Key: tokenKey(t.Digest),
		UpdateExpression:          aws.String("SET usedAt = :used"),
		ConditionExpression:       aws.String("attribute_exists(pk) AND #ttl > :now AND attribute_not_exists(usedAt)"),
		ExpressionAttributeNames:  map[string]string{"#ttl": "ttl"},
		ExpressionAttributeValues: dynamo.Item{":now": dynamo.N(now.Unix()), ":used": ts(now)},
	}}
}

// markerLife is how long the marker of a token's consumption is kept: far longer
// than any retry of it.
const markerLife = time.Hour

// transactOnce writes items in one transaction together with a marker under a fresh
// random id, and reports done when a retry of this very call finds its own marker:
// the first attempt committed and only its answer was lost. AWS answers the SDK's
// retry of a committed transaction by its ClientRequestToken; the emulator does
// not, and there the retry would fail its conditions (a consumed token is gone)
// although the work is done. A failed condition on a fresh id can only be this
// call's own earlier attempt. The marker holds no personal data and expires at
// markerExpires (the sweeper deletes it after that).
func (st *Store) transactOnce(ctx context.Context, items []types.TransactWriteItem, markerExpires time.Time) (done bool, err error) {
	marker := failureKey("once#" + ids.NewToken())
	marker["ttl"] = dynamo.N(markerExpires.Unix())
	all := append(items[:len(items):len(items)], types.TransactWriteItem{Put: &types.Put{
		TableName: aws.String(st.Table), Item: marker, ConditionExpression: aws.String("attribute_not_exists(pk)"),
	}})
	_, err = st.DB.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: all})
	if failed(err, len(items)) {
		return true, nil
	}
	if err == nil {
		// The SDK has stopped repeating this call: the marker has done its work.
		// Deleting it keeps the table from growing by one item per call (best
		// effort: its TTL and the sweep remove what is left).
		_, _ = st.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(st.Table), Key: dynamo.Key(dynamo.String(marker, dynamo.PK), dynamo.String(marker, dynamo.SK))})
	}
	return false, err
}

// SetPasswordWithToken implements identity.Store.
func (st *Store) SetPasswordWithToken(ctx context.Context, t identity.Token, hash string, now time.Time) error {
	acc, err := st.Account(ctx, t.AccountID, now)
	if err != nil {
		return err
	}
	_, err = st.transactOnce(ctx, []types.TransactWriteItem{
		st.consumeToken(t, now),
		{Update: &types.Update{
			TableName: aws.String(st.Table), Key: accountKey(t.AccountID),
			UpdateExpression: aws.String("SET passwordHash = :h, #status = :active, mustChangePassword = :f, passwordChangedAt = :now REMOVE #ttl"),
			// The status as read: of two sign-up links used at the same moment, the
			// second finds the account active and fails.
			ConditionExpression:      aws.String("attribute_exists(pk) AND #status = :seen"),
			ExpressionAttributeNames: map[string]string{"#status": "status", "#ttl": "ttl"},
			ExpressionAttributeValues: dynamo.Item{":h": dynamo.S(hash), ":active": dynamo.S(identity.StatusActive), ":f": &types.AttributeValueMemberBOOL{Value: false},
				":now": ts(now), ":seen": dynamo.S(acc.Status)},
		}},
		st.keepClaim(acc.Email, t.AccountID),
	}, now.Add(markerLife))
	switch {
	case failed(err, 0):
		return identity.ErrNotFound
	case failed(err, 1), failed(err, 2):
		return identity.ErrConflict
	case err != nil:
		return fmt.Errorf("set password with token: %w", err)
	}
	return nil
}

// keepClaim is the transaction item that ends the expiry of the account's email
// claim (the account is no longer a pending sign-up), if the claim is still its.
func (st *Store) keepClaim(email, accountID string) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{
		TableName: aws.String(st.Table), Key: claimKey(email),
		UpdateExpression:          aws.String("REMOVE #ttl"),
		ConditionExpression:       aws.String("accountId = :id"),
		ExpressionAttributeNames:  map[string]string{"#ttl": "ttl"},
		ExpressionAttributeValues: dynamo.Item{":id": dynamo.S(accountID)},
	}}
}

// ChangeEmailWithToken implements identity.Store.
func (st *Store) ChangeEmailWithToken(ctx context.Context, t identity.Token, oldEmail string, now time.Time) error {
	claim, err := attributevalue.MarshalMap(claimItem{PK: prefixEmail + t.NewEmail, SK: "EMAIL", AccountID: t.AccountID})
	if err != nil {
		return fmt.Errorf("marshal claim: %w", err)
	}
	_, err = st.transactOnce(ctx, []types.TransactWriteItem{
		st.consumeToken(t, now),
		{Put: &types.Put{
			TableName: aws.String(st.Table), Item: claim,
			ConditionExpression:       aws.String(claimFree),
			ExpressionAttributeNames:  map[string]string{"#ttl": "ttl"},
			ExpressionAttributeValues: dynamo.Item{":now": dynamo.N(now.Unix())},
		}},
		{Delete: &types.Delete{
			TableName: aws.String(st.Table), Key: claimKey(oldEmail),
			ConditionExpression:       aws.String("accountId = :id"),
			ExpressionAttributeValues: dynamo.Item{":id": dynamo.S(t.AccountID)},
		}},
		{Update: &types.Update{
			TableName: aws.String(st.Table), Key: accountKey(t.AccountID),
			UpdateExpression: aws.String("SET email = :new REMOVE pendingEmail"),
			// Only the link of the latest request: asking for another address
			// replaces the pending one, and an earlier link no longer moves it.
			ConditionExpression:       aws.String("email = :old AND pendingEmail = :new"),
			ExpressionAttributeValues: dynamo.Item{":new": dynamo.S(t.NewEmail), ":old": dynamo.S(oldEmail)},
		}},
	}, now.Add(markerLife))
	switch {
	case failed(err, 0):
		return identity.ErrNotFound
	case failed(err, 1):
		return identity.ErrEmailTaken
	case failed(err, 2), failed(err, 3):
		return identity.ErrConflict
	case err != nil:
		return fmt.Errorf("change email: %w", err)
	}
	return nil
}

// CountRepeat implements identity.Store: one conditional increment of the used
// token's repeat count.
func (st *Store) CountRepeat(ctx context.Context, digest string, max int) (bool, error) {
	_, err := st.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(st.Table), Key: tokenKey(digest),
		UpdateExpression:          aws.String("ADD repeats :one"),
		ConditionExpression:       aws.String("attribute_exists(pk) AND (attribute_not_exists(repeats) OR repeats < :max)"),
		ExpressionAttributeValues: dynamo.Item{":one": dynamo.N(1), ":max": dynamo.N(int64(max))},
	})
	if dynamo.ConditionFailed(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("count repeat: %w", err)
	}
	return true, nil
}

// SetPassword implements identity.Store.
func (st *Store) SetPassword(ctx context.Context, id, oldHash, newHash string, now time.Time) error {
	_, err := st.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(st.Table), Key: accountKey(id),
		UpdateExpression: aws.String("SET passwordHash = :new, mustChangePassword = :f, passwordChangedAt = :now"),
		// The new hash passes too: a retry of this very update after its answer was
		// lost (hashes are salted, so nobody else writes the same one).
		ConditionExpression: aws.String("passwordHash = :old OR passwordHash = :new"),
		ExpressionAttributeValues: dynamo.Item{
			":new": dynamo.S(newHash), ":old": dynamo.S(oldHash), ":f": &types.AttributeValueMemberBOOL{Value: false}, ":now": ts(now),
		},
	})
	if dynamo.ConditionFailed(err) {
		return identity.ErrConflict
	}
	if err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	return nil
}

// SetRole implements identity.Store: ADD or DELETE of one element of the roles
// set, so two changes of different roles at once do not undo each other.
func (st *Store) SetRole(ctx context.Context, id, role string, on bool) error {
	_, err := st.DB.UpdateItem(ctx, roleChange(st.Table, accountKey(id), role, on))
	if dynamo.ConditionFailed(err) {
		return identity.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("set role: %w", err)
	}
	return nil
}

// roleChange adds role to (on) or removes it from the string set roles of the
// item at key (an account or a session), which must exist.
func roleChange(table string, key dynamo.Item, role string, on bool) *dynamodb.UpdateItemInput {
	update := "DELETE #roles :r"
	if on {
		update = "ADD #roles :r"
	}
	return &dynamodb.UpdateItemInput{
		TableName: aws.String(table), Key: key,
		UpdateExpression:    aws.String(update),
		ConditionExpression: aws.String("attribute_exists(pk)"),
		// "roles" is a reserved word.
		ExpressionAttributeNames:  map[string]string{"#roles": "roles"},
		ExpressionAttributeValues: dynamo.Item{":r": &types.AttributeValueMemberSS{Value: []string{role}}},
	}
}

// RecordLogin implements identity.Store.
func (st *Store) RecordLogin(ctx context.Context, id string, now time.Time) error {
	_, err := st.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(st.Table), Key: accountKey(id),
		UpdateExpression:          aws.String("SET lastLoginAt = :now, firstLoginAt = if_not_exists(firstLoginAt, :now)"),
		ConditionExpression:       aws.String("attribute_exists(pk)"),
		ExpressionAttributeValues: dynamo.Item{":now": ts(now)},
	})
	if err != nil {
		return fmt.Errorf("record login: %w", err)
	}
	return nil
}

// UpdateProfile implements identity.Store. An empty name removes the attribute.
func (st *Store) UpdateProfile(ctx context.Context, id string, c identity.ProfileChanges, now time.Time) (identity.Account, error) {
	var set, remove []string
	vals := dynamo.Item{}
	names := map[string]string{}
	field := func(name string, v *string) {
		if v == nil {
			return
		}
		// Attribute names go through placeholders: "language" is a reserved word.
		names["#"+name] = name
		if *v == "" {
			remove = append(remove, "#"+name)
			return
		}
		set = append(set, "#"+name+" = :"+name)
		vals[":"+name] = dynamo.S(*v)
	}
	field("firstName", c.FirstName)
	field("lastName", c.LastName)
	field("language", c.Language)
	field("pendingEmail", c.PendingEmail)
	if len(set) == 0 && len(remove) == 0 {
		return st.Account(ctx, id, now)
	}
	expr := ""
	if len(set) > 0 {
		expr = "SET " + join(set)
	}
	if len(remove) > 0 {
		expr += " REMOVE " + join(remove)
	}
	in := &dynamodb.UpdateItemInput{
		TableName: aws.String(st.Table), Key: accountKey(id),
		UpdateExpression:         aws.String(expr),
		ConditionExpression:      aws.String("attribute_exists(pk)"),
		ReturnValues:             types.ReturnValueAllNew,
		ExpressionAttributeNames: names,
	}
	if len(vals) > 0 {
		in.ExpressionAttributeValues = vals
	}
	out, err := st.DB.UpdateItem(ctx, in)
	if dynamo.ConditionFailed(err) {
		return identity.Account{}, identity.ErrNotFound
	}
	if err != nil {
		return identity.Account{}, fmt.Errorf("update profile: %w", err)
	}
	var it accountItem
	if err := attributevalue.UnmarshalMap(out.Attributes, &it); err != nil {
		return identity.Account{}, fmt.Errorf("unmarshal account: %w", err)
	}
	return it.Account, nil
}

func join(parts []string) string {
	out := ""
	for i, p := range parts {
		if i > 0 {
			out += ", "
		}
		out += p
	}
	return out
}

// Failures implements identity.Store.
func (st *Store) Failures(ctx context.Context, keys []string, now time.Time) (map[string]int, error) {
	ks := make([]dynamo.Item, 0, len(keys))
	for _, k := range keys {
		ks = append(ks, failureKey(k))
	}
	out := map[string]int{}
	req := map[string]types.KeysAndAttributes{st.Table: {Keys: ks, ConsistentRead: aws.Bool(true)}}
	for len(req) > 0 {
		res, err := st.DB.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
		if err != nil {
			return nil, fmt.Errorf("get failure counters: %w", err)
		}
		for _, item := range res.Responses[st.Table] {
			var it struct {
				PK    string `dynamodbav:"pk"`
				Count int    `dynamodbav:"count"`
				TTL   int64  `dynamodbav:"ttl"`
			}
			if err := attributevalue.UnmarshalMap(item, &it); err != nil {
				return nil, fmt.Errorf("unmarshal failure counter: %w", err)
			}
			if live(it.TTL, now) {
				out[it.PK[len(prefixFailure):]] = it.Count
			}
		}
		req = res.UnprocessedKeys
	}
	return out, nil
}

// Reserve implements identity.Store: one transaction of conditional increments, so
// concurrent attempts never take more places than a counter's cap. It is written
// once (transactOnce): a retry of a committed reservation must not take a second
// place in every counter.
func (st *Store) Reserve(ctx context.Context, counters []identity.Counter, expires time.Time) error {
	items := make([]types.TransactWriteItem, 0, len(counters))
	for _, c := range counters {
		u := &types.Update{
			TableName: aws.String(st.Table), Key: failureKey(c.Key),
			UpdateExpression:          aws.String("ADD #count :one SET #ttl = :ttl"),
			ExpressionAttributeNames:  map[string]string{"#count": "count", "#ttl": "ttl"},
			ExpressionAttributeValues: dynamo.Item{":one": dynamo.N(1), ":ttl": dynamo.N(expires.Unix())},
		}
		if c.Cap > 0 {
			u.ConditionExpression = aws.String("attribute_not_exists(#count) OR #count < :cap")
			u.ExpressionAttributeValues[":cap"] = dynamo.N(int64(c.Cap))
		}
		items = append(items, types.TransactWriteItem{Update: u})
	}
	_, err := st.transactOnce(ctx, items, expires)
	for i, c := range counters {
		if failed(err, i) {
			return &identity.ErrThrottled{Scope: c.Scope}
		}
	}
	if err != nil {
		return fmt.Errorf("reserve sign-in attempt: %w", err)
	}
	return nil
}

// Release implements identity.Store.
func (st *Store) Release(ctx context.Context, keys []string) error {
	items := make([]types.TransactWriteItem, 0, len(keys))
	for _, k := range keys {
		items = append(items, types.TransactWriteItem{Update: &types.Update{
			TableName: aws.String(st.Table), Key: failureKey(k),
			UpdateExpression:          aws.String("ADD #count :minus"),
			ConditionExpression:       aws.String("#count > :zero"),
			ExpressionAttributeNames:  map[string]string{"#count": "count"},
			ExpressionAttributeValues: dynamo.Item{":minus": dynamo.N(-1), ":zero": dynamo.N(0)},
		}})
	}
	_, err := st.DB.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	var tce *types.TransactionCanceledException
	if errors.As(err, &tce) {
		// A counter gone meanwhile (its window ended) has nothing to give back.
		return nil
	}
	if err != nil {
		return fmt.Errorf("release sign-in attempt: %w", err)
	}
	return nil
}

// Known clients live in the account's partition: pk ACCOUNT#<id>, sk KNOWN#<pseudonym>.
const prefixKnown = "KNOWN#"

func knownKey(accountID, client string) dynamo.Item {
	return dynamo.Key(prefixAccount+accountID, prefixKnown+client)
}

// KnownClient implements identity.Store.
func (st *Store) KnownClient(ctx context.Context, accountID, client string, now time.Time) (bool, error) {
	var it struct {
		TTL int64 `dynamodbav:"ttl"`
	}
	ok, err := st.get(ctx, knownKey(accountID, client), &it)
	if err != nil {
		return false, fmt.Errorf("get known client: %w", err)
	}
	return ok && live(it.TTL, now), nil
}

// RememberClient implements identity.Store.
func (st *Store) RememberClient(ctx context.Context, accountID, client string, at, expires time.Time) error {
	item := knownKey(accountID, client)
	item["accountId"] = dynamo.S(accountID)
	item["signedInAt"] = ts(at)
	item["ttl"] = dynamo.N(expires.Unix())
	if _, err := st.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(st.Table), Item: item}); err != nil {
		return fmt.Errorf("put known client: %w", err)
	}
	return nil
}

// KnownClientView is a known client as the person sees it in their export.
type KnownClientView struct {
	Client     string    `dynamodbav:"-" json:"client"`
	SignedInAt time.Time `dynamodbav:"signedInAt" json:"signedInAt"`
}

// KnownClients lists the known clients of an account that are live at now.
func (st *Store) KnownClients(ctx context.Context, accountID string, now time.Time) ([]KnownClientView, error) {
	out := []KnownClientView{}
	t := dynamo.Table{DB: st.DB, Name: st.Table}
	err := t.Query(ctx, prefixAccount+accountID, prefixKnown, now, func(it dynamo.Item) error {
		var v KnownClientView
		if err := dynamo.Unmarshal(it, &v); err != nil {
			return fmt.Errorf("unmarshal known client: %w", err)
		}
		v.Client = strings.TrimPrefix(dynamo.String(it, dynamo.SK), prefixKnown)
		out = append(out, v)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list known clients: %w", err)
	}
	return out, nil
}

// ForgetClients implements identity.Store.
func (st *Store) ForgetClients(ctx context.Context, accountID string) error {
	vs, err := st.KnownClients(ctx, accountID, time.Time{})
	if err != nil {
		return err
	}
	for _, v := range vs {
		if _, err := st.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(st.Table), Key: knownKey(accountID, v.Client)}); err != nil {
			return fmt.Errorf("delete known client: %w", err)
		}
	}
	return nil
}

// ClientKey implements identity.Store. The key is made once per deployment with a
// conditional put, so concurrent first calls agree on one key.
func (st *Store) ClientKey(ctx context.Context) ([]byte, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.clientKey != nil {
		return st.clientKey, nil
	}
	var it struct {
		Secret []byte `dynamodbav:"secret"`
	}
	ok, err := st.get(ctx, configKey(), &it)
	if err != nil {
		return nil, fmt.Errorf("get client key: %w", err)
	}
	if !ok {
		secret := make([]byte, 32)
		if _, err := rand.Read(secret); err != nil {
			return nil, fmt.Errorf("client key: %w", err)
		}
		item := configKey()
		item["secret"] = &types.AttributeValueMemberB{Value: secret}
		_, err := st.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(st.Table), Item: item, ConditionExpression: aws.String("attribute_not_exists(pk)")})
		switch {
		case dynamo.ConditionFailed(err):
			if _, err := st.get(ctx, configKey(), &it); err != nil {
				return nil, fmt.Errorf("get client key: %w", err)
			}
		case err != nil:
			return nil, fmt.Errorf("put client key: %w", err)
		default:
			it.Secret = secret
		}
	}
	if len(it.Secret) < 16 {
		return nil, errors.New("client key is malformed")
	}
	st.clientKey = it.Secret
	return st.clientKey, nil
}
