// Package idempotencywire builds the idempotency module's parts from a function's
// environment.
package idempotencywire

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/env"
	"kontor/shared/idempotency"
	"kontor/shared/privacy"
)

// Privacy builds the idempotency module's privacy function on IDEMPOTENCY_TABLE.
func Privacy(ctx context.Context) ([]privacy.Module, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return nil, err
	}
	var r env.Reader
	m := idempotency.Module{DB: dynamodb.NewFromConfig(cfg), Table: r.String("IDEMPOTENCY_TABLE")}
	return []privacy.Module{m}, r.Err()
}
