package identitydb

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/identity"
)

// UseToken implements identity.Store: the token is marked used in a transaction
// of its own, which recognises the SDK's retry of a committed attempt.
func (st *Store) UseToken(ctx context.Context, t identity.Token, now time.Time) error {
	_, err := st.transactOnce(ctx, []types.TransactWriteItem{st.consumeToken(t, now)}, now.Add(markerLife))
	switch {
	case failed(err, 0):
		return identity.ErrNotFound
	case err != nil:
		return fmt.Errorf("use token: %w", err)
	}
	return nil
}
