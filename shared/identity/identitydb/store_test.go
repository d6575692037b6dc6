package identitydb

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/dynamo"
	"kontor/shared/identity"
)

// retriedDB answers a transaction as moto answers the SDK's retry of a committed
// one (its condition fails) and holds an email claim for claimedBy.
type retriedDB struct {
	dynamo.DB
	claimedBy string
}

func (d retriedDB) TransactWriteItems(context.Context, *dynamodb.TransactWriteItemsInput, ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	return nil, &types.TransactionCanceledException{CancellationReasons: []types.CancellationReason{
		{Code: aws.String("ConditionalCheckFailed")}, {Code: aws.String("ConditionalCheckFailed")}}}
}

func (d retriedDB) GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	return &dynamodb.GetItemOutput{Item: dynamo.Item{"pk": dynamo.S(prefixEmail + "anna@example.org"), "sk": dynamo.S("EMAIL"), "accountId": dynamo.S(d.claimedBy)}}, nil
}

// A transaction that committed but whose answer was lost fails its condition on
// the SDK's retry (moto ignores the ClientRequestToken that AWS honours): the
// claim then names the very account being created, and the creation succeeded.
// A claim of another account is a taken address.
func TestCreateAccountRecognisesItsOwnRetriedTransaction(t *testing.T) {
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	acc := identity.Account{ID: "019ad0a4-0000-7000-8000-000000000001", Email: "anna@example.org", Status: identity.StatusActive}
	own := &Store{DB: retriedDB{claimedBy: acc.ID}, Table: "identity"}
	if err := own.CreateAccount(context.Background(), acc, nil, now); err != nil {
		t.Fatalf("own retried transaction: %v", err)
	}
	other := &Store{DB: retriedDB{claimedBy: "019ad0a4-0000-7000-8000-000000000002"}, Table: "identity"}
	if err := other.CreateAccount(context.Background(), acc, nil, now); !errors.Is(err, identity.ErrEmailTaken) {
		t.Fatalf("address of another account: %v, want ErrEmailTaken", err)
	}
}

// cancelledDB cancels every transaction: each item fails its condition, the last
// one (the marker transactOnce adds) only when markerTaken, as when the SDK's
// retry of a committed transaction meets its own marker. It holds one account.
type cancelledDB struct {
	dynamo.DB
	markerTaken bool
	writes      *[]*dynamodb.TransactWriteItemsInput
}

func (d cancelledDB) TransactWriteItems(_ context.Context, in *dynamodb.TransactWriteItemsInput, _ ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	*d.writes = append(*d.writes, in)
	reasons := make([]types.CancellationReason, len(in.TransactItems))
	for i := range reasons {
		reasons[i].Code = aws.String("ConditionalCheckFailed")
	}
	if !d.markerTaken {
		reasons[len(reasons)-1].Code = aws.String("None")
	}
	return nil, &types.TransactionCanceledException{CancellationReasons: reasons}
}

func (d cancelledDB) GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	return &dynamodb.GetItemOutput{Item: dynamo.Item{
		"pk": dynamo.S(prefixAccount + "a1"), "sk": dynamo.S("ACCOUNT"), "id": dynamo.S("a1"),
		"email": dynamo.S("anna@example.org"), "status": dynamo.S(identity.StatusPending),
	}}, nil
}

// Setting a password with a mailed token, and confirming a new address, consume the
// token in a transaction the SDK may repeat after a lost answer. The repeat finds
// the token gone; it also finds the marker its own first attempt wrote under a
// fresh id, and so answers as the first did. Without its marker, a missing token is
// a used or unknown one (ErrNotFound: the API's token_invalid).
func TestTokenConsumptionRecognisesItsOwnRetriedTransaction(t *testing.T) {
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	tok := identity.Token{Digest: "d1", AccountID: "a1", NewEmail: "new@example.org", ExpiresAt: now.Add(time.Hour)}
	for _, tc := range []struct {
		name string
		call func(*Store) error
	}{
		{"set password", func(st *Store) error { return st.SetPasswordWithToken(context.Background(), tok, "hash", now) }},
		{"change email", func(st *Store) error {
			return st.ChangeEmailWithToken(context.Background(), tok, "anna@example.org", now)
		}},
	} {
		var writes []*dynamodb.TransactWriteItemsInput
		retried := &Store{DB: cancelledDB{markerTaken: true, writes: &writes}, Table: "identity"}
		if err := tc.call(retried); err != nil {
			t.Errorf("%s, retry of a committed transaction: %v, want done", tc.name, err)
		}
		used := &Store{DB: cancelledDB{writes: &writes}, Table: "identity"}
		if err := tc.call(used); !errors.Is(err, identity.ErrNotFound) {
			t.Errorf("%s, token used by another request: %v, want ErrNotFound", tc.name, err)
		}
		if len(writes) != 2 {
			t.Fatalf("%s: %d transactions, want 2", tc.name, len(writes))
		}
		a, b := writes[0].TransactItems, writes[1].TransactItems
		ma, mb := a[len(a)-1].Put, b[len(b)-1].Put
		if ma == nil || mb == nil || aws.ToString(ma.ConditionExpression) != "attribute_not_exists(pk)" {
			t.Fatalf("%s: the last item is not a conditional marker put: %+v", tc.name, a[len(a)-1])
		}
		if ka, kb := ma.Item["pk"].(*types.AttributeValueMemberS).Value, mb.Item["pk"].(*types.AttributeValueMemberS).Value; ka == kb {
			t.Errorf("%s: two calls wrote the same marker %s; each needs a fresh id", tc.name, ka)
		}
		if _, ok := ma.Item["ttl"]; !ok {
			t.Errorf("%s: the marker has no ttl", tc.name)
		}
	}
}
