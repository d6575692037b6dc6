// Package mailwire builds the mail module's parts from a function's environment.
package mailwire

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/env"
	"kontor/shared/mail"
	"kontor/shared/privacy"
)

// Privacy builds the mail module's privacy function: queued mail in the outbox
// (OUTBOX_TABLE).
func Privacy(ctx context.Context) ([]privacy.Module, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return nil, err
	}
	var r env.Reader
	m := &mail.Module{DB: dynamodb.NewFromConfig(cfg), Table: r.String("OUTBOX_TABLE")}
	return []privacy.Module{m}, r.Err()
}
