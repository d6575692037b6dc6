// Package limitswire builds the abuse limits' parts from a function's environment.
package limitswire

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/env"
	"kontor/shared/privacy"
	"kontor/shared/ratelimit"
)

// Privacy builds the limits module's privacy function on LIMIT_TABLE.
func Privacy(ctx context.Context) ([]privacy.Module, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return nil, err
	}
	var r env.Reader
	m := ratelimit.Module{DB: dynamodb.NewFromConfig(cfg), Table: r.String("LIMIT_TABLE")}
	return []privacy.Module{m}, r.Err()
}
