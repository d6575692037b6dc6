package networkdb

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/dynamo"
)

// maxBatchGet and maxBatchWrite are DynamoDB's limits of one batched call.
const (
	maxBatchGet   = 100
	maxBatchWrite = 25
)

// batchGet reads the items under keys with consistent reads, in as few calls as
// DynamoDB allows (100 keys each), asking again for what it left unprocessed.
// Missing items are simply absent from the answer.
func (s *Store) batchGet(ctx context.Context, keys []dynamo.Item) ([]dynamo.Item, error) {
	var out []dynamo.Item
	for start := 0; start < len(keys); start += maxBatchGet {
		pending := map[string]types.KeysAndAttributes{s.Table: {Keys: keys[start:min(start+maxBatchGet, len(keys))], ConsistentRead: aws.Bool(true)}}
		for try := 0; len(pending) > 0; try++ {
			if try > 8 {
				return nil, fmt.Errorf("batch get in %s: keys left unprocessed", s.Table)
			}
			if try > 0 {
				time.Sleep(time.Duration(try*try) * 20 * time.Millisecond)
			}
			res, err := s.DB.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: pending})
			if err != nil {
				return nil, fmt.Errorf("batch get in %s: %w", s.Table, err)
			}
			out = append(out, res.Responses[s.Table]...)
			pending = res.UnprocessedKeys
		}
	}
	return out, nil
}

// batchDelete deletes the items under keys, 25 at a time, asking again for what
// DynamoDB left unprocessed. Deleting a missing item is no error.
func (s *Store) batchDelete(ctx context.Context, keys []dynamo.Item) error {
	reqs := make([]types.WriteRequest, 0, len(keys))
	for _, k := range keys {
		reqs = append(reqs, types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: k}})
	}
	return s.batchWrite(ctx, reqs)
}

// batchWrite runs the requests 25 at a time, asking again for what DynamoDB
// left unprocessed.
func (s *Store) batchWrite(ctx context.Context, all []types.WriteRequest) error {
	for start := 0; start < len(all); start += maxBatchWrite {
		pending := map[string][]types.WriteRequest{s.Table: all[start:min(start+maxBatchWrite, len(all))]}
		for try := 0; len(pending) > 0; try++ {
			if try > 8 {
				return fmt.Errorf("batch write in %s: items left unprocessed", s.Table)
			}
			if try > 0 {
				time.Sleep(time.Duration(try*try) * 20 * time.Millisecond)
			}
			res, err := s.DB.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: pending})
			if err != nil {
				return fmt.Errorf("batch write in %s: %w", s.Table, err)
			}
			pending = res.UnprocessedItems
		}
	}
	return nil
}

// update runs one UpdateItem; a failed condition is dynamo.ErrConflict.
func (s *Store) update(ctx context.Context, key dynamo.Item, expr string, cond dynamo.Cond) error {
	in := &dynamodb.UpdateItemInput{TableName: aws.String(s.Table), Key: key, UpdateExpression: aws.String(expr),
		ExpressionAttributeValues: cond.Values, ExpressionAttributeNames: cond.Names}
	if cond.Expr != "" {
		in.ConditionExpression = aws.String(cond.Expr)
	}
	_, err := s.DB.UpdateItem(ctx, in)
	if dynamo.ConditionFailed(err) {
		return dynamo.ErrConflict
	}
	if err != nil {
		return fmt.Errorf("update %s in %s: %w", dynamo.Redacted(dynamo.String(key, dynamo.PK)), s.Table, err)
	}
	return nil
}

// keysUnder lists the keys of the items under pk whose sort key starts with prefix.
func (s *Store) keysUnder(ctx context.Context, pk, prefix string) ([]dynamo.Item, error) {
	var keys []dynamo.Item
	err := s.table().Query(ctx, pk, prefix, dynamo.IgnoreTTL, func(it dynamo.Item) error {
		keys = append(keys, dynamo.Item{dynamo.PK: it[dynamo.PK], dynamo.SK: it[dynamo.SK]})
		return nil
	})
	return keys, err
}

// list is a list attribute of strings.
func list(vs ...string) types.AttributeValue {
	l := make([]types.AttributeValue, len(vs))
	for i, v := range vs {
		l[i] = dynamo.S(v)
	}
	return &types.AttributeValueMemberL{Value: l}
}

// emptyList is an empty list attribute.
func emptyList() types.AttributeValue {
	return &types.AttributeValueMemberL{Value: []types.AttributeValue{}}
}
