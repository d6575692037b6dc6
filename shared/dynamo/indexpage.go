package dynamo

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// IndexQuery is one request of a page of a global secondary index: the key
// condition (hash key, and a range condition if any) and a filter, with their
// placeholders together in Names and Values, at most Limit items read (before the
// filter), in the index's sort order (Descending reverses it), after Start (the
// index key of the last item of the previous request; nil for the first).
type IndexQuery struct {
	Index      string
	KeyCond    string
	Filter     string
	Names      map[string]string
	Values     Item
	Limit      int32
	Descending bool
	Start      Item
}

// QueryIndexPage makes one Query request on an index and returns the items that
// passed the filter and the key to continue after (nil at the index's end). A
// caller that fills a page from several requests continues from its last item's
// index key instead, which it builds from the item.
func (t Table) QueryIndexPage(ctx context.Context, q IndexQuery) ([]Item, Item, error) {
	in := &dynamodb.QueryInput{
		TableName: aws.String(t.Name), IndexName: aws.String(q.Index),
		KeyConditionExpression: aws.String(q.KeyCond), ExpressionAttributeValues: q.Values,
		ScanIndexForward: aws.Bool(!q.Descending), ExclusiveStartKey: q.Start,
	}
	if len(q.Names) > 0 {
		in.ExpressionAttributeNames = q.Names
	}
	if q.Filter != "" {
		in.FilterExpression = aws.String(q.Filter)
	}
	if q.Limit > 0 {
		in.Limit = aws.Int32(q.Limit)
	}
	res, err := t.DB.Query(ctx, in)
	if err != nil {
		return nil, nil, fmt.Errorf("query index %s in %s: %w", q.Index, t.Name, err)
	}
	return res.Items, res.LastEvaluatedKey, nil
}
