// Command contractimport serves the staff's import of the insurer's contract
// records, with a report of rejected rows.
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
	log := logging.New("contractimport")
	h := env.Must(log, insurancewire.Import)
	lambda.Start(httpapi.NewRouter(log, h.Routes()).WithCapture(requestlog.MustCapture(log, "contractimport")).Handle)
}
