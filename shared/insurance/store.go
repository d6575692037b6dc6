// Package insurance is the insurance customer portal: contract records imported by
// the operator, registration matched against them (H4U-4), activation by letter or
// eID (H4U-5), the customer's own contracts (H4U-2), and claims with encrypted
// invoices reviewed by staff (H4U-7, H4U-10). Its data lives in its own table and
// bucket; only the module's functions reach them.
package insurance

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/problem"
)

// DB is the part of the DynamoDB client the store uses.
type DB interface {
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
	Query(ctx context.Context, in *dynamodb.QueryInput, optFns ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	Scan(ctx context.Context, in *dynamodb.ScanInput, optFns ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error)
	TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, optFns ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error)
}

// Store keeps the module's items in one table with keys pk/sk:
//
//	CONTRACT#<number>  CONTRACT             contract record (operator's data)
//	CUSTOMER#<id>      CONTRACT#<number>    the customer's contracts
//	REG#<id>           REG                  a registration awaiting activation
//	EID#<pseudonym>    EID                  pseudonym → registration
//	LETTERS            <letter id>          activation letters to print (UUIDv7: oldest first)
//	ACCOUNT#<id>       CUSTOMER             portal account → customer
//	ACCOUNT#<id>       CLAIM#<id>           the account's claims
//	CLAIM#<id>         CLAIM                a claim with its invoices and history
//	REVIEW             <claim id>           claims awaiting a staff decision (UUIDv7: oldest first)
type Store struct {
	DB    DB
	Table string
}

// errNotFound is returned by get for a missing item.
var errNotFound = errors.New("insurance: not found")

// errConflict is returned by a conditional write whose condition failed.
var errConflict = errors.New("insurance: conflict")

func key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: pk}, "sk": &types.AttributeValueMemberS{Value: sk}}
}

func str(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }

// put writes v under pk/sk; a non-zero expires sets the TTL backstop; cond, when
// set, is a condition expression with its values.
func (s *Store) put(ctx context.Context, pk, sk string, v any, expires time.Time, cond string, vals map[string]types.AttributeValue) error {
	return s.putNamed(ctx, pk, sk, v, expires, cond, vals, nil)
}

// putNamed is put with expression attribute names for the condition.
func (s *Store) putNamed(ctx context.Context, pk, sk string, v any, expires time.Time, cond string, vals map[string]types.AttributeValue, names map[string]string) error {
	item, err := attributevalue.MarshalMap(v)
	if err != nil {
		return fmt.Errorf("marshal %s: %w", pk, err)
	}
	item["pk"], item["sk"] = str(pk), str(sk)
	if !expires.IsZero() {
		item["ttl"] = &types.AttributeValueMemberN{Value: fmt.Sprint(expires.Unix())}
	}
	in := &dynamodb.PutItemInput{TableName: aws.String(s.Table), Item: item}
	if cond != "" {
		in.ConditionExpression = aws.String(cond)
		in.ExpressionAttributeValues = vals
		in.ExpressionAttributeNames = names
	}
	if _, err := s.DB.PutItem(ctx, in); err != nil {
		var ccf *types.ConditionalCheckFailedException
		if errors.As(err, &ccf) {
			return errConflict
		}
		return fmt.Errorf("put %s: %w", pk, err)
	}
	return nil
}

// write is one item of a transaction: v under pk/sk, with an optional TTL backstop
// and condition.
type write struct {
	pk, sk  string
	v       any
	expires time.Time
	cond    string
}

// putAll writes every item or none (one transaction), so a write cut off half way
// leaves nothing behind. A failed condition is errConflict.
func (s *Store) putAll(ctx context.Context, ws ...write) error {
	in := &dynamodb.TransactWriteItemsInput{}
	for _, w := range ws {
		item, err := attributevalue.MarshalMap(w.v)
		if err != nil {
			return fmt.Errorf("marshal %s: %w", w.pk, err)
		}
		item["pk"], item["sk"] = str(w.pk), str(w.sk)
		if !w.expires.IsZero() {
			item["ttl"] = &types.AttributeValueMemberN{Value: fmt.Sprint(w.expires.Unix())}
		}
		put := &types.Put{TableName: aws.String(s.Table), Item: item}
		if w.cond != "" {
			put.ConditionExpression = aws.String(w.cond)
		}
		in.TransactItems = append(in.TransactItems, types.TransactWriteItem{Put: put})
	}
	_, err := s.DB.TransactWriteItems(ctx, in)
	var tce *types.TransactionCanceledException
	if errors.As(err, &tce) {
		for _, r := range tce.CancellationReasons {
			if aws.ToString(r.Code) == "ConditionalCheckFailed" {
				return errConflict
			}
		}
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", ws[0].pk, err)
	}
	return nil
}

// createAll is putAll for items that are new under a fresh random id, the first
// conditioned on not existing. That condition can only fail when an earlier attempt
// of this very write succeeded and its answer was lost (the SDK retried): then the
// items are there, which is what was asked.
func (s *Store) createAll(ctx context.Context, ws ...write) error {
	ws[0].cond = "attribute_not_exists(pk)"
	if err := s.putAll(ctx, ws...); !errors.Is(err, errConflict) {
		return err
	}
	return nil
}

// get reads pk/sk into out; errNotFound when absent or past its TTL.
func (s *Store) get(ctx context.Context, pk, sk string, out any, now time.Time) error {
	res, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table), Key: key(pk, sk), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return fmt.Errorf("get %s: %w", pk, err)
	}
	if res.Item == nil || expired(res.Item, now) {
		return errNotFound
	}
	return attributevalue.UnmarshalMap(res.Item, out)
}

func expired(item map[string]types.AttributeValue, now time.Time) bool {
	n, ok := item["ttl"].(*types.AttributeValueMemberN)
	if !ok {
		return false
	}
	var sec int64
	if _, err := fmt.Sscan(n.Value, &sec); err != nil {
		return false
	}
	return sec <= now.Unix()
}

func (s *Store) del(ctx context.Context, pk, sk string) error {
	if _, err := s.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(s.Table), Key: key(pk, sk)}); err != nil {
		return fmt.Errorf("delete %s: %w", pk, err)
	}
	return nil
}

// delAll deletes items together (one transaction): none stays without the others.
func (s *Store) delAll(ctx context.Context, keys ...map[string]types.AttributeValue) error {
	in := &dynamodb.TransactWriteItemsInput{}
	for _, k := range keys {
		in.TransactItems = append(in.TransactItems, types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.Table), Key: k}})
	}
	if _, err := s.DB.TransactWriteItems(ctx, in); err != nil {
		return fmt.Errorf("delete %d items: %w", len(keys), err)
	}
	return nil
}

// delExisting deletes pk/sk if it exists; errNotFound otherwise.
func (s *Store) delExisting(ctx context.Context, pk, sk string) error {
	_, err := s.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(s.Table), Key: key(pk, sk), ConditionExpression: aws.String("attribute_exists(pk)")})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return errNotFound
	}
	if err != nil {
		return fmt.Errorf("delete %s: %w", pk, err)
	}
	return nil
}

// query returns every item under pk whose sort key starts with prefix, oldest
// first, skipping expired ones.
func (s *Store) query(ctx context.Context, pk, prefix string, now time.Time, fn func(map[string]types.AttributeValue) error) error {
	var start map[string]types.AttributeValue
	for {
		in := &dynamodb.QueryInput{
			TableName: aws.String(s.Table), ExclusiveStartKey: start, ConsistentRead: aws.Bool(true),
			KeyConditionExpression:    aws.String("pk = :pk"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(pk)},
		}
		if prefix != "" {
			in.KeyConditionExpression = aws.String("pk = :pk AND begins_with(sk, :p)")
			in.ExpressionAttributeValues[":p"] = str(prefix)
		}
		res, err := s.DB.Query(ctx, in)
		if err != nil {
			return fmt.Errorf("query %s: %w", pk, err)
		}
		for _, it := range res.Items {
			if expired(it, now) {
				continue
			}
			if err := fn(it); err != nil {
				return err
			}
		}
		if len(res.LastEvaluatedKey) == 0 {
			return nil
		}
		start = res.LastEvaluatedKey
	}
}

// scan walks every item whose sort key equals sk (used by the sweep and the
// privacy functions, never by a request path).
func (s *Store) scan(ctx context.Context, sk string, fn func(map[string]types.AttributeValue) error) error {
	var start map[string]types.AttributeValue
	for {
		res, err := s.DB.Scan(ctx, &dynamodb.ScanInput{
			TableName: aws.String(s.Table), ExclusiveStartKey: start, ConsistentRead: aws.Bool(true),
			FilterExpression:          aws.String("sk = :sk"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":sk": str(sk)},
		})
		if err != nil {
			return fmt.Errorf("scan %s: %w", sk, err)
		}
		for _, it := range res.Items {
			if err := fn(it); err != nil {
				return err
			}
		}
		if len(res.LastEvaluatedKey) == 0 {
			return nil
		}
		start = res.LastEvaluatedKey
	}
}

func scanExpired(table string, now time.Time, start map[string]types.AttributeValue) *dynamodb.ScanInput {
	return &dynamodb.ScanInput{
		TableName: aws.String(table), ExclusiveStartKey: start, ConsistentRead: aws.Bool(true),
		FilterExpression:          aws.String("#t <= :now"),
		ExpressionAttributeNames:  map[string]string{"#t": "ttl"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":now": &types.AttributeValueMemberN{Value: fmt.Sprint(now.Unix())}},
	}
}

// Page asks for one page of a listing: at most Limit items after Cursor (the
// opaque Next of the previous page).
type Page struct {
	Limit  int
	Cursor string
}

// Page sizes.
const (
	DefaultPageSize = 50
	MaxPageSize     = 100
)

// CheckPage validates a page request; an empty one asks for the first page of the
// default size.
func CheckPage(limit, cursor string) (Page, error) {
	p := Page{Limit: DefaultPageSize, Cursor: cursor}
	if limit != "" {
		n, err := strconv.Atoi(limit)
		if err != nil || n < 1 || n > MaxPageSize {
			return Page{}, problem.Invalid(problem.FieldError{Field: "limit", Code: problem.FieldInvalidValue})
		}
		p.Limit = n
	}
	if cursor != "" {
		if _, err := base64.RawURLEncoding.DecodeString(cursor); err != nil || len(cursor) > 400 {
			return Page{}, problem.Invalid(problem.FieldError{Field: "cursor", Code: problem.FieldInvalidValue})
		}
	}
	return p, nil
}

// page reads one page of the items under pk whose sort key starts with prefix, in
// sort-key order (reversed when newestFirst), and returns the cursor of the next
// page ("" at the end). Expired items are skipped, so a page may hold fewer.
func (s *Store) page(ctx context.Context, pk, prefix string, pg Page, newestFirst bool, now time.Time, fn func(map[string]types.AttributeValue) error) (string, error) {
	limit := pg.Limit
	if limit < 1 || limit > MaxPageSize {
		limit = DefaultPageSize
	}
	in := &dynamodb.QueryInput{
		TableName: aws.String(s.Table), ConsistentRead: aws.Bool(true), Limit: aws.Int32(int32(limit)),
		ScanIndexForward:          aws.Bool(!newestFirst),
		KeyConditionExpression:    aws.String("pk = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(pk)},
	}
	if prefix != "" {
		in.KeyConditionExpression = aws.String("pk = :pk AND begins_with(sk, :p)")
		in.ExpressionAttributeValues[":p"] = str(prefix)
	}
	if pg.Cursor != "" {
		sk, err := base64.RawURLEncoding.DecodeString(pg.Cursor)
		if err != nil || !strings.HasPrefix(string(sk), prefix) {
			return "", problem.Invalid(problem.FieldError{Field: "cursor", Code: problem.FieldInvalidValue})
		}
		in.ExclusiveStartKey = key(pk, string(sk))
	}
	res, err := s.DB.Query(ctx, in)
	if err != nil {
		return "", fmt.Errorf("query %s: %w", pk, err)
	}
	for _, it := range res.Items {
		if expired(it, now) {
			continue
		}
		if err := fn(it); err != nil {
			return "", err
		}
	}
	last, ok := res.LastEvaluatedKey["sk"].(*types.AttributeValueMemberS)
	if !ok {
		return "", nil
	}
	return base64.RawURLEncoding.EncodeToString([]byte(last.Value)), nil
}
