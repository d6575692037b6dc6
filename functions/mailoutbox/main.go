// Command mailoutbox sends queued mail: each new message as the outbox table's
// stream reports it, and on a schedule whatever a failed send left behind.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"

	"kontor/shared/env"
	"kontor/shared/logging"
	"kontor/shared/mail"
	"kontor/shared/mail/mailwire"
)

func main() {
	log := logging.New("mailoutbox")
	d := env.Must(log, func(ctx context.Context) (*mail.Dispatcher, error) { return mailwire.Dispatcher(ctx, log) })
	lambda.Start(d.Handle)
}
