package local

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	streamtypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"
)

const streamTemplate = `
Resources:
  Things:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions:
        - { AttributeName: pk, AttributeType: S }
      KeySchema:
        - { AttributeName: pk, KeyType: HASH }
      StreamSpecification:
        StreamViewType: KEYS_ONLY
`

// A failed transaction makes the emulator put back a copy of its tables taken
// before it, stream shard included; the local stream reader still reads every
// write after it, and a write of the failed transaction that it read before the
// copy came back does not hide the real write that takes its sequence number.
func TestStreamReaderReadsOnAfterAFailedTransaction(t *testing.T) {
	s := startTestStack(t, streamTemplate, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cfg, err := s.AWSConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	db, streams := dynamodb.NewFromConfig(cfg), dynamodbstreams.NewFromConfig(cfg)
	table := s.Name("Things")
	desc, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(desc.Table.LatestStreamArn)
	sd, err := streams.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	r := &shardReader{arn: arn, shard: aws.ToString(sd.StreamDescription.Shards[0].ShardId)}
	keys := func() []string {
		t.Helper()
		recs, err := r.read(ctx, streams)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, rec := range recs {
			if v, ok := rec.Dynamodb.Keys["pk"].(*streamtypes.AttributeValueMemberS); ok {
				out = append(out, v.Value)
			}
		}
		return out
	}
	put := func(pk string) dbtypes.TransactWriteItem {
		return dbtypes.TransactWriteItem{Put: &dbtypes.Put{TableName: aws.String(table), Item: map[string]dbtypes.AttributeValue{"pk": &dbtypes.AttributeValueMemberS{Value: pk}}}}
	}
	if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: put("a").Put.Item}); err != nil {
		t.Fatal(err)
	}
	if got := keys(); len(got) != 1 {
		t.Fatalf("first read: %v", got)
	}
	// A transaction whose last write's condition fails: its first write is
	// taken back.
	failing := put("a")
	failing.Put.ConditionExpression = aws.String("attribute_not_exists(pk)")
	if _, err := db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []dbtypes.TransactWriteItem{put("never"), failing}}); err == nil {
		t.Fatal("the transaction did not fail")
	}
	keys() // may read the taken-back write: what follows must still come
	if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: put("b").Put.Item}); err != nil {
		t.Fatal(err)
	}
	if got := keys(); !slices.Equal(got, []string{"b"}) {
		t.Fatalf("after a failed transaction, read %v, want [b]", got)
	}
}
