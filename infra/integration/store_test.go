package integration

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/dynamo"
	"kontor/shared/identity"
	"kontor/shared/identity/identitydb"
	"kontor/shared/ids"
)

func db() *dynamodb.Client { return dynamodb.NewFromConfig(awsCfg) }

func identityStore() *identitydb.Store {
	return &identitydb.Store{DB: db(), Table: stack.Name("IdentityTable")}
}

// expireToken moves a mailed token's expiry into the past, as if the link were old;
// DynamoDB's TTL has not removed it yet, so the read must treat it as gone.
func expireToken(t *testing.T, raw string) {
	t.Helper()
	st := identityStore()
	now := time.Now().UTC()
	tok, err := st.Token(context.Background(), ids.Digest(raw), now)
	if err != nil {
		t.Fatalf("load token: %v", err)
	}
	tok.ExpiresAt = now.Add(-time.Minute)
	if err := st.PutToken(context.Background(), tok); err != nil {
		t.Fatalf("expire token: %v", err)
	}
	if _, err := st.Token(context.Background(), ids.Digest(raw), now); err != identity.ErrNotFound {
		t.Fatalf("expired token still readable: %v", err)
	}
}

// notSweepPosition filters the sweeps' positions (dynamo.Sweep) out of a scan.
var notSweepPosition = dynamo.Cond{Expr: "NOT begins_with(pk, :sweep)", Values: dynamo.Item{":sweep": dynamo.S(dynamo.SweepPK)}}

// itemCount counts the items of a table (consistent scan), the sweeps' positions
// left out.
func itemCount(t *testing.T, logicalID string) int {
	t.Helper()
	n := 0
	var start map[string]types.AttributeValue
	for {
		out, err := db().Scan(context.Background(), &dynamodb.ScanInput{
			TableName: aws.String(stack.Name(logicalID)), Select: types.SelectCount,
			ConsistentRead: aws.Bool(true), ExclusiveStartKey: start,
			FilterExpression: aws.String(notSweepPosition.Expr), ExpressionAttributeValues: notSweepPosition.Values,
		})
		if err != nil {
			t.Fatalf("scan %s: %v", logicalID, err)
		}
		n += int(out.Count)
		if len(out.LastEvaluatedKey) == 0 {
			return n
		}
		start = out.LastEvaluatedKey
	}
}

// snapshot counts the items of the identity tables and the mail sent so far, after
// the outbox has drained (the stream delivers mail a moment after the request; a
// sent message leaves only its id).
func snapshot(t *testing.T) map[string]int {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for scratchPending(t, stack.Name("MailOutboxTable")) != 0 {
		if time.Now().After(deadline) {
			t.Fatal("outbox does not drain")
		}
		time.Sleep(50 * time.Millisecond)
	}
	ms, err := stack.Mail(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return map[string]int{
		"IdentityTable": itemCount(t, "IdentityTable"),
		"SessionTable":  itemCount(t, "SessionTable"),
		"mail sent":     len(ms),
	}
}

type typesAV = types.AttributeValue

func sAV(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }
