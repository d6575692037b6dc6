package idempotency

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/env"
)

// FromEnv builds the store of a function whose routes honour Idempotency-Key, on
// IDEMPOTENCY_TABLE.
func FromEnv(ctx context.Context) (*Store, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return nil, err
	}
	var r env.Reader
	table := r.String("IDEMPOTENCY_TABLE")
	if err := r.Err(); err != nil {
		return nil, err
	}
	return &Store{DB: dynamodb.NewFromConfig(cfg), Table: table, Now: func() time.Time { return time.Now().UTC() }}, nil
}
