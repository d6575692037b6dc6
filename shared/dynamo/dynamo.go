// Package dynamo is the one way Kontor's stores talk to DynamoDB: the client
// interface, item keys, reads that treat an item past its lifetime as gone,
// conditional writes, transactions and paged queries. A module's store owns only
// its key schema; what every store needs is here once.
package dynamo

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// DB is the DynamoDB client as Kontor's stores use it. Stores take the real client;
// a unit test's fake embeds DB and implements the calls it expects.
type DB interface {
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
	DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
	Query(ctx context.Context, in *dynamodb.QueryInput, optFns ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	Scan(ctx context.Context, in *dynamodb.ScanInput, optFns ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error)
	BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error)
	BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error)
	TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, optFns ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error)
}

var _ DB = (*dynamodb.Client)(nil)

// Item is one item as stored.
type Item = map[string]types.AttributeValue

// Attribute names every Kontor table uses.
const (
	PK  = "pk"
	SK  = "sk"
	TTL = "ttl" // epoch seconds; DynamoDB's TTL is the backstop, reads treat it as final
)

// Errors of the helpers.
var (
	// ErrNotFound is a missing item, or one past its lifetime.
	ErrNotFound = errors.New("dynamo: not found")
	// ErrConflict is a write whose condition failed.
	ErrConflict = errors.New("dynamo: condition failed")
)

// S is a string attribute.
func S(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }

// N is a number attribute.
func N(v int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(v, 10)}
}

// Redacted returns what of a partition key may appear in an error, and so in a
// log: its prefix up to the first '#' ("EMAIL#…"), never the account id, address
// or token after it (function logs hold no personal data).
func Redacted(pk string) string {
	if i := strings.IndexByte(pk, '#'); i >= 0 {
		return pk[:i+1] + "…"
	}
	return "…"
}

// Key is an item's key: pk alone, or pk and sk.
func Key(pk, sk string) Item {
	k := Item{PK: S(pk)}
	if sk != "" {
		k[SK] = S(sk)
	}
	return k
}

// String returns a string attribute of an item, "" when absent.
func String(it Item, name string) string {
	if v, ok := it[name].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

// Expired reports whether an item's TTL has passed at now.
func Expired(it Item, now time.Time) bool {
	n, ok := it[TTL].(*types.AttributeValueMemberN)
	if !ok {
		return false
	}
	sec, err := strconv.ParseInt(n.Value, 10, 64)
	return err == nil && sec <= now.Unix()
}

// ConditionFailed reports whether err is a failed condition of a single write.
func ConditionFailed(err error) bool {
	var ccf *types.ConditionalCheckFailedException
	return errors.As(err, &ccf)
}

// Table is one table of a module.
type Table struct {
	DB   DB
	Name string
}

// Marshal turns v into an item under key, with a TTL when expires is set.
func Marshal(key Item, v any, expires time.Time) (Item, error) {
	it, err := attributevalue.MarshalMap(v)
	if err != nil {
		return nil, fmt.Errorf("marshal %s: %w", Redacted(String(key, PK)), err)
	}
	for k, a := range key {
		it[k] = a
	}
	if !expires.IsZero() {
		it[TTL] = N(expires.Unix())
	}
	return it, nil
}

// Cond is a condition of a write with its placeholders.
type Cond struct {
	Expr   string
	Values Item
	Names  map[string]string
}

// NotExists is the condition of a write that creates an item.
var NotExists = Cond{Expr: "attribute_not_exists(pk)"}

// Exists is the condition of a write that changes an item that must be there.
var Exists = Cond{Expr: "attribute_exists(pk)"}

// Put writes v under key (a non-zero expires sets the TTL); a failed condition is
// ErrConflict.
func (t Table) Put(ctx context.Context, key Item, v any, expires time.Time, cond Cond) error {
	it, err := Marshal(key, v, expires)
	if err != nil {
		return err
	}
	in := &dynamodb.PutItemInput{TableName: aws.String(t.Name), Item: it}
	if cond.Expr != "" {
		in.ConditionExpression, in.ExpressionAttributeValues, in.ExpressionAttributeNames = aws.String(cond.Expr), cond.Values, cond.Names
	}
	_, err = t.DB.PutItem(ctx, in)
	if ConditionFailed(err) {
		return ErrConflict
	}
	if err != nil {
		return fmt.Errorf("put %s in %s: %w", Redacted(String(key, PK)), t.Name, err)
	}
	return nil
}

// Get reads key into out with a consistent read; ErrNotFound when it is absent or
// past its lifetime at now.
func (t Table) Get(ctx context.Context, key Item, out any, now time.Time) error {
	res, err := t.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(t.Name), Key: key, ConsistentRead: aws.Bool(true)})
	if err != nil {
		return fmt.Errorf("get %s in %s: %w", Redacted(String(key, PK)), t.Name, err)
	}
	if res.Item == nil || Expired(res.Item, now) {
		return ErrNotFound
	}
	if err := attributevalue.UnmarshalMap(res.Item, out); err != nil {
		return fmt.Errorf("unmarshal %s in %s: %w", Redacted(String(key, PK)), t.Name, err)
	}
	return nil
}

// Delete deletes key; deleting a missing item is not an error.
func (t Table) Delete(ctx context.Context, key Item) error {
	if _, err := t.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(t.Name), Key: key}); err != nil {
		return fmt.Errorf("delete %s in %s: %w", Redacted(String(key, PK)), t.Name, err)
	}
	return nil
}

// DeleteExisting deletes key if it exists; ErrNotFound otherwise.
func (t Table) DeleteExisting(ctx context.Context, key Item) error {
	_, err := t.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(t.Name), Key: key, ConditionExpression: aws.String(Exists.Expr)})
	if ConditionFailed(err) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("delete %s in %s: %w", Redacted(String(key, PK)), t.Name, err)
	}
	return nil
}

// Write is one item of a transaction: a put of V under Key (with its TTL and
// condition), with Delete set a deletion of Key, with Update set an update of Key
// by that expression (a counter's "ADD n :d"), whose placeholders go in Cond.Values
// and Cond.Names beside those of Cond.Expr, if any, or with Check set only the
// check of Cond on Key, which the transaction needs to hold and does not change.
type Write struct {
	Key     Item
	V       any
	Expires time.Time
	Cond    Cond
	Delete  bool
	Update  string
	Check   bool
}

// Transact writes every item or none. A failed condition is ErrConflict.
func (t Table) Transact(ctx context.Context, ws ...Write) error {
	in := &dynamodb.TransactWriteItemsInput{}
	for _, w := range ws {
		if w.Check {
			in.TransactItems = append(in.TransactItems, types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{TableName: aws.String(t.Name), Key: w.Key,
				ConditionExpression: aws.String(w.Cond.Expr), ExpressionAttributeValues: w.Cond.Values, ExpressionAttributeNames: w.Cond.Names}})
			continue
		}
		if w.Update != "" {
			u := &types.Update{TableName: aws.String(t.Name), Key: w.Key, UpdateExpression: aws.String(w.Update),
				ExpressionAttributeValues: w.Cond.Values, ExpressionAttributeNames: w.Cond.Names}
			if w.Cond.Expr != "" {
				u.ConditionExpression = aws.String(w.Cond.Expr)
			}
			in.TransactItems = append(in.TransactItems, types.TransactWriteItem{Update: u})
			continue
		}
		if w.Delete {
			d := &types.Delete{TableName: aws.String(t.Name), Key: w.Key}
			if w.Cond.Expr != "" {
				d.ConditionExpression, d.ExpressionAttributeValues, d.ExpressionAttributeNames = aws.String(w.Cond.Expr), w.Cond.Values, w.Cond.Names
			}
			in.TransactItems = append(in.TransactItems, types.TransactWriteItem{Delete: d})
			continue
		}
		it, err := Marshal(w.Key, w.V, w.Expires)
		if err != nil {
			return err
		}
		p := &types.Put{TableName: aws.String(t.Name), Item: it}
		if w.Cond.Expr != "" {
			p.ConditionExpression, p.ExpressionAttributeValues, p.ExpressionAttributeNames = aws.String(w.Cond.Expr), w.Cond.Values, w.Cond.Names
		}
		in.TransactItems = append(in.TransactItems, types.TransactWriteItem{Put: p})
	}
	_, err := t.DB.TransactWriteItems(ctx, in)
	var tce *types.TransactionCanceledException
	if errors.As(err, &tce) {
		for _, r := range tce.CancellationReasons {
			if aws.ToString(r.Code) == "ConditionalCheckFailed" {
				return ErrConflict
			}
		}
	}
	if err != nil {
		return fmt.Errorf("transaction of %d items: %w", len(ws), err)
	}
	return nil
}

// Create writes new items together under a fresh random id, the first conditioned on
// not existing. That condition can fail only when an earlier attempt of this very
// write succeeded and its answer was lost: AWS answers a retried transaction by its
// ClientRequestToken, moto ignores the token and fails the condition instead. Either
// way the items are there, which is what was asked.
func (t Table) Create(ctx context.Context, ws ...Write) error {
	ws[0].Cond = NotExists
	if err := t.Transact(ctx, ws...); !errors.Is(err, ErrConflict) {
		return err
	}
	return nil
}

// Secret returns the deployment's secret kept under key (attribute "secret", 32
// random bytes), creating it on first use with one conditional update, so
// concurrent first calls agree on one secret. Modules key their hashes with it.
func (t Table) Secret(ctx context.Context, key Item) ([]byte, error) {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("secret in %s: %w", t.Name, err)
	}
	out, err := t.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(t.Name),
		Key:                       key,
		UpdateExpression:          aws.String("SET secret = if_not_exists(secret, :s)"),
		ExpressionAttributeValues: Item{":s": &types.AttributeValueMemberB{Value: fresh}},
		ReturnValues:              types.ReturnValueAllNew,
	})
	if err != nil {
		return nil, fmt.Errorf("secret in %s: %w", t.Name, err)
	}
	b, ok := out.Attributes["secret"].(*types.AttributeValueMemberB)
	if !ok || len(b.Value) < 16 {
		return nil, fmt.Errorf("secret in %s: stored secret is malformed", t.Name)
	}
	return b.Value, nil
}

// Unmarshal decodes an item into out.
func Unmarshal(it Item, out any) error { return attributevalue.UnmarshalMap(it, out) }

// SetIfMissing writes attribute name = value on the item under key when it exists
// and lacks the attribute: how a sweep gives items stored before an index the
// attribute the index is keyed by.
func (t Table) SetIfMissing(ctx context.Context, key Item, name, value string) error {
	_, err := t.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(t.Name), Key: key,
		UpdateExpression:          aws.String("SET #a = :v"),
		ConditionExpression:       aws.String("attribute_exists(pk) AND attribute_not_exists(#a)"),
		ExpressionAttributeNames:  map[string]string{"#a": name},
		ExpressionAttributeValues: Item{":v": S(value)},
	})
	if err != nil && !ConditionFailed(err) {
		return fmt.Errorf("index %s in %s: %w", Redacted(String(key, PK)), t.Name, err)
	}
	return nil
}
