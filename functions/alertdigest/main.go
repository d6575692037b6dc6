// Command alertdigest mails, once a day, each daily alert's matches of the day
// in one mail.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"

	"kontor/shared/classifieds"
	"kontor/shared/classifieds/classifiedswire"
	"kontor/shared/env"
	"kontor/shared/logging"
)

func main() {
	log := logging.New("alertdigest")
	d := env.Must(log, func(ctx context.Context) (*classifieds.AlertDelivery, error) {
		return classifiedswire.AlertDelivery(ctx, log)
	})
	lambda.Start(classifiedswire.SendDigests(d, log))
}
