// Command mailoutbox sends queued mail: each new message as the outbox table's
// stream reports it, and on a schedule whatever a failed send left behind.
package main

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/ses"

	"kontor/shared/env"
	"kontor/shared/logging"
	"kontor/shared/mail"
	"kontor/shared/mail/sesmail"
)

func main() {
	log := logging.New("mailoutbox")
	cfg, err := env.AWS(context.Background())
	var r env.Reader
	table, from := r.String("OUTBOX_TABLE"), r.String("MAIL_FROM")
	if err == nil {
		err = r.Err()
	}
	if err != nil {
		log.Error("init failed", slog.String("error", err.Error()))
		os.Exit(1)
	}
	d := &mail.Dispatcher{
		DB: dynamodb.NewFromConfig(cfg), Table: table, Log: log,
		Now:    func() time.Time { return time.Now().UTC() },
		Sender: sesmail.SES{Client: ses.NewFromConfig(cfg), From: from},
	}
	lambda.Start(d.Handle)
}
