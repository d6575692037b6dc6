// Command registersync reconciles, once a day, the company details of honorary
// office holders' network profiles with the company register (HKC-10).
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"

	"kontor/shared/env"
	"kontor/shared/logging"
	"kontor/shared/network/networkwire"
)

func main() {
	log := logging.New("registersync")
	s := env.Must(log, func(ctx context.Context) (networkwire.RegisterSyncer, error) {
		return networkwire.NewRegisterSyncer(ctx, log)
	})
	lambda.Start(s.Handle)
}
