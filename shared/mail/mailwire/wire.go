// Package mailwire builds the mail module's parts from a function's environment.
package mailwire

import (
	"context"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ses"

	"kontor/shared/env"
	"kontor/shared/mail"
	"kontor/shared/mail/sesmail"
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

// Dispatcher builds the outbox function's dispatcher: the outbox (OUTBOX_TABLE)
// and SES with the sender address (MAIL_FROM).
func Dispatcher(ctx context.Context, log *slog.Logger) (*mail.Dispatcher, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return nil, err
	}
	var r env.Reader
	d := &mail.Dispatcher{
		DB: dynamodb.NewFromConfig(cfg), Table: r.String("OUTBOX_TABLE"), Log: log,
		Now:    func() time.Time { return time.Now().UTC() },
		Sender: sesmail.SES{Client: ses.NewFromConfig(cfg, sesmail.RetryOnlyUnsent), From: r.String("MAIL_FROM")},
	}
	return d, r.Err()
}
