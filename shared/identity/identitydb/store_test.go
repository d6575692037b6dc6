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
