// Command alertmatch matches each newly published listing against the active
// alerts, on a schedule: every minute it works through the listings queued
// since, mailing instant alerts and recording daily ones' matches.
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
	log := logging.New("alertmatch")
	d := env.Must(log, func(ctx context.Context) (*classifieds.AlertDelivery, error) {
		return classifiedswire.AlertDelivery(ctx, log)
	})
	lambda.Start(classifiedswire.MatchAlerts(d, log))
}
