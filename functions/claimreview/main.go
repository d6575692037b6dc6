// Command claimreview serves the staff's review of claims and their audited invoice downloads (H4U-7, H4U-10).
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
	log := logging.New("claimreview")
	h := env.Must(log, func(ctx context.Context) (insuranceapi.Review, error) { return claimswire.Review(ctx, log) })
	lambda.Start(httpapi.NewRouter(log, h.Routes()).WithCapture(requestlog.MustCapture(log, "claimreview")).Handle)
}
