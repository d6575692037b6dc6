package networkdb

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/dynamo/dynamotest"
	"kontor/shared/network"
)

// HKC-14 — a message whose send read the conversation before the recipient's
// erasure and writes after it is refused: it would make the erased member a
// side again, holding their account id after the erasure.
func TestMessageSentDuringTheRecipientsErasureIsRefused(t *testing.T) {
	db := dynamotest.Moto(t)
	ctx := context.Background()
	m := &Messages{Store: &Store{DB: db, Table: dynamotest.Table(t, db, false)}, Keys: dynamotest.Table(t, db, false)}
	const sender, erased, conv = "019ad0a4-0000-7000-8000-00000000000a", "019ad0a4-0000-7000-8000-00000000000b", "019ad0a4-0000-7000-8000-0000000000cc"
	now := time.Now()
	mine := network.Side{AccountID: sender, Peer: erased, ConversationID: conv, Side: "a", CreatedAt: now, LastAt: now}
	if err := m.Open(ctx, mine, []byte("sealed")); err != nil {
		t.Fatal(err)
	}
	read, err := m.Side(ctx, sender, conv) // the send reads the sender's side ...
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.ForgetConversations(ctx, erased); err != nil { // ... the recipient is erased ...
		t.Fatal(err)
	}
	d := network.Delivery{Sender: read, // ... and the send writes.
		Recipient:     network.Side{AccountID: erased, Peer: sender, ConversationID: conv, Side: "b", CreatedAt: now, LastAt: now},
		SenderCopy:    network.Sealed{ID: "019ad0a4-0000-7000-8000-0000000000d1", Mine: true, At: now, Cipher: []byte("c"), Key: []byte("k")},
		RecipientCopy: &network.Sealed{ID: "019ad0a4-0000-7000-8000-0000000000d1", At: now, Cipher: []byte("c"), Key: []byte("k")}, NewRecipientKey: []byte("sealed")}
	if err := m.Deliver(ctx, d); !errors.Is(err, network.ErrConflict) {
		t.Fatalf("deliver after the erasure: %v", err)
	}
	for _, table := range []string{m.Table, m.Keys} {
		out, err := db.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(table)})
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range out.Items {
			for _, v := range it {
				if s, ok := v.(*types.AttributeValueMemberS); ok && strings.Contains(s.Value, erased) {
					t.Fatalf("%s holds the erased account: %v", table, it)
				}
			}
		}
	}
}
