// Command claims serves the customer's claims and encrypted invoices (H4U-7).
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"

	"kontor/shared/env"
	"kontor/shared/httpapi"
	"kontor/shared/insurance/claimswire"
	"kontor/shared/insurance/insuranceapi"
	"kontor/shared/logging"
	"kontor/shared/requestlog"
)

func main() {
	log := logging.New("claims")
	h := env.Must(log, func(ctx context.Context) (insuranceapi.Claims, error) { return claimswire.Claims(ctx, log) })
	lambda.Start(httpapi.NewRouter(log, h.Routes()).WithCapture(requestlog.MustCapture(log, "claims")).Handle)
}
