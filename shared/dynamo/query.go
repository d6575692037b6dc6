package dynamo

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// partition is the key condition of the items under pk whose sort key starts with
// prefix (all of them when prefix is "").
func partition(pk, prefix string) (string, Item) {
	if prefix == "" {
		return "pk = :pk", Item{":pk": S(pk)}
	}
	return "pk = :pk AND begins_with(sk, :p)", Item{":pk": S(pk), ":p": S(prefix)}
}

// Query calls fn for every item under pk whose sort key starts with prefix, in
// sort-key order, with consistent reads, skipping items past their lifetime at now.
// It reads only that partition: its cost is that of the items it returns.
func (t Table) Query(ctx context.Context, pk, prefix string, now time.Time, fn func(Item) error) error {
	cond, vals := partition(pk, prefix)
	p := dynamodb.NewQueryPaginator(t.DB, &dynamodb.QueryInput{
		TableName: aws.String(t.Name), ConsistentRead: aws.Bool(true),
		KeyConditionExpression: aws.String(cond), ExpressionAttributeValues: vals,
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("query %s in %s: %w", Redacted(pk), t.Name, err)
		}
		for _, it := range page.Items {
			if Expired(it, now) {
				continue
			}
			if err := fn(it); err != nil {
				return err
			}
		}
	}
	return nil
}

// QueryAll decodes every item Query returns into out (a pointer to a slice).
func (t Table) QueryAll(ctx context.Context, pk, prefix string, now time.Time, out any) error {
	var items []Item
	if err := t.Query(ctx, pk, prefix, now, func(it Item) error { items = append(items, it); return nil }); err != nil {
		return err
	}
	return UnmarshalAll(items, out)
}

// QueryIndex calls fn for every item of a global secondary index whose hash key
// attribute name equals value (the projection the index keeps).
func (t Table) QueryIndex(ctx context.Context, index, name, value string, fn func(Item) error) error {
	p := dynamodb.NewQueryPaginator(t.DB, &dynamodb.QueryInput{
		TableName: aws.String(t.Name), IndexName: aws.String(index),
		KeyConditionExpression:    aws.String("#k = :v"),
		ExpressionAttributeNames:  map[string]string{"#k": name},
		ExpressionAttributeValues: Item{":v": S(value)},
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("query index %s: %w", index, err)
		}
		for _, it := range page.Items {
			if err := fn(it); err != nil {
				return err
			}
		}
	}
	return nil
}

// Index names the global secondary index under which a table's items of one person
// are found, and its hash key attribute.
type Index struct{ Name, Attr string }

// Keys calls fn with the table key (pk, and sk where the table has one) of every
// item the index holds under value: one person's items, whatever else the table
// holds. The index is eventually consistent; callers read each item afresh by key.
func (t Table) Keys(ctx context.Context, ix Index, value string, fn func(Item) error) error {
	return t.QueryIndex(ctx, ix.Name, ix.Attr, value, func(it Item) error {
		k := Item{PK: it[PK]}
		if sk, ok := it[SK]; ok {
			k[SK] = sk
		}
		return fn(k)
	})
}

// UnmarshalAll decodes items into out (a pointer to a slice).
func UnmarshalAll(items []Item, out any) error {
	if err := attributevalue.UnmarshalListOfMaps(items, out); err != nil {
		return fmt.Errorf("unmarshal items: %w", err)
	}
	return nil
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

// ErrBadCursor is a cursor that no page of this listing handed out.
var ErrBadCursor = errors.New("dynamo: bad cursor")

// QueryPage reads one page of the items under pk whose sort key starts with prefix,
// in sort-key order (reversed when newestFirst), and returns the cursor of the next
// page ("" at the end). Items past their lifetime are skipped, so a page may hold
// fewer.
func (t Table) QueryPage(ctx context.Context, pk, prefix string, pg Page, newestFirst bool, now time.Time, fn func(Item) error) (string, error) {
	limit := pg.Limit
	if limit < 1 || limit > MaxPageSize {
		limit = DefaultPageSize
	}
	cond, vals := partition(pk, prefix)
	in := &dynamodb.QueryInput{
		TableName: aws.String(t.Name), ConsistentRead: aws.Bool(true), Limit: aws.Int32(int32(limit)), // #nosec G115 -- 1..MaxPageSize
		ScanIndexForward:       aws.Bool(!newestFirst),
		KeyConditionExpression: aws.String(cond), ExpressionAttributeValues: vals,
	}
	if pg.Cursor != "" {
		sk, err := base64.RawURLEncoding.DecodeString(pg.Cursor)
		if err != nil || !strings.HasPrefix(string(sk), prefix) {
			return "", ErrBadCursor
		}
		in.ExclusiveStartKey = Key(pk, string(sk))
	}
	res, err := t.DB.Query(ctx, in)
	if err != nil {
		return "", fmt.Errorf("query %s in %s: %w", Redacted(pk), t.Name, err)
	}
	for _, it := range res.Items {
		if Expired(it, now) {
			continue
		}
		if err := fn(it); err != nil {
			return "", err
		}
	}
	last, ok := res.LastEvaluatedKey[SK].(*types.AttributeValueMemberS)
	if !ok {
		return "", nil
	}
	return base64.RawURLEncoding.EncodeToString([]byte(last.Value)), nil
}

// ExpiredAt is the filter of items whose lifetime ended at or before now.
func ExpiredAt(now time.Time) Cond {
	return Cond{Expr: "#ttl <= :now", Names: map[string]string{"#ttl": TTL}, Values: Item{":now": N(now.Unix())}}
}
