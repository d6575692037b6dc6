package ratelimit

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/env"
)

// FromEnv builds the limiter of a function from LIMIT_TABLE.
func FromEnv(ctx context.Context) (*Limiter, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return nil, err
	}
	var r env.Reader
	table := r.String("LIMIT_TABLE")
	if err := r.Err(); err != nil {
		return nil, err
	}
	return &Limiter{DB: dynamodb.NewFromConfig(cfg), Table: table, Now: func() time.Time { return time.Now().UTC() }}, nil
}
