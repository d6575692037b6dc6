package browsertest

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// freshClient makes each top-level test start as a new client. Every tab of the
// suite connects from 127.0.0.1, so without it the tests together spend one
// client's per-client limits (mailed links: 20 per 15 minutes; mail: 10 an hour),
// which people in different places never share, and a test fails by where it
// runs in the suite. It deletes the per-client counters ("<rule>#client#…") of
// the limit table once per top-level test, before its first tab opens: a test
// that proves a per-client limit exhausts it within itself, as before. Global and
// per-address counters are kept.
func freshClient(t *testing.T) {
	t.Helper()
	top, _, _ := strings.Cut(t.Name(), "/")
	freshMu.Lock()
	defer freshMu.Unlock()
	if top == freshFor {
		return
	}
	freshFor = top
	db, ctx, table := dynamoDB(t), context.Background(), stack.Name("LimitTable")
	p := dynamodb.NewScanPaginator(db, &dynamodb.ScanInput{
		TableName:                 aws.String(table),
		FilterExpression:          aws.String("contains(pk, :client)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":client": &types.AttributeValueMemberS{Value: "#client#"}},
		ProjectionExpression:      aws.String("pk"),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("fresh client: scan limits: %v", err)
		}
		for _, it := range page.Items {
			if _, err := db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(table), Key: it}); err != nil {
				t.Fatalf("fresh client: delete a counter: %v", err)
			}
		}
	}
}

var (
	freshMu  sync.Mutex
	freshFor string
)
