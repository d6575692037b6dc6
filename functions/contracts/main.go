// Command contracts serves the customer's own insurance contracts (H4U-2).
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"kontor/shared/env"
	"kontor/shared/httpapi"
	"kontor/shared/insurance/insurancewire"
	"kontor/shared/logging"
	"kontor/shared/requestlog"
)

func main() {
	log := logging.New("contracts")
	h := env.Must(log, insurancewire.Contracts)
	lambda.Start(httpapi.NewRouter(log, h.Routes()).WithCapture(requestlog.MustCapture(log, "contracts")).Handle)
}
