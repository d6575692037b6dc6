// Command groupnotify mails the subscribers of a group about each new post, on a
// schedule: every minute it works through the posts queued since.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"

	"kontor/shared/env"
	"kontor/shared/logging"
	"kontor/shared/network/networkwire"
)

func main() {
	log := logging.New("groupnotify")
	n := env.Must(log, func(ctx context.Context) (networkwire.Notifier, error) { return networkwire.NewNotifier(ctx, log) })
	lambda.Start(n.Handle)
}
