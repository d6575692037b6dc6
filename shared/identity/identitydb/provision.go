package identitydb

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/dynamo"
	"kontor/shared/identity"
)

// ActivatePending implements identity.Store: the account (if still pending) and
// its email claim lose their expiry, the account gets the password hash and the
// active status, in one transaction.
func (st *Store) ActivatePending(ctx context.Context, a identity.Account, hash string, now time.Time) error {
	_, err := st.transactOnce(ctx, []types.TransactWriteItem{
		{Update: &types.Update{
			TableName: aws.String(st.Table), Key: accountKey(a.ID),
			UpdateExpression:         aws.String("SET passwordHash = :h, #status = :active REMOVE #ttl"),
			ConditionExpression:      aws.String("attribute_exists(pk) AND #status = :pending"),
			ExpressionAttributeNames: map[string]string{"#status": "status", "#ttl": "ttl"},
			ExpressionAttributeValues: dynamo.Item{":h": dynamo.S(hash), ":active": dynamo.S(identity.StatusActive),
				":pending": dynamo.S(identity.StatusPending)},
		}},
		st.keepClaim(a.Email, a.ID),
	}, now.Add(markerLife))
	switch {
	case failed(err, 0), failed(err, 1):
		return identity.ErrConflict
	case err != nil:
		return fmt.Errorf("activate pending account: %w", err)
	}
	return nil
}
