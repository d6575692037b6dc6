// Command consents serves the consent ledger and the restriction of processing.
package main

import (
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"kontor/shared/httpapi"
	"kontor/shared/privacy/privacyapi"
	"kontor/shared/privacy/privacywire"
	"kontor/shared/requestlog"
)

func main() {
	svc, log := privacywire.MustService("consents", privacywire.Store|privacywire.Accounts|privacywire.Withdraw)
	h := privacyapi.Handlers{Svc: svc, Region: os.Getenv("AWS_REGION")}
	lambda.Start(httpapi.NewRouter(log, h.ConsentRoutes()).WithCapture(requestlog.MustCapture(log, "consents")).Handle)
}
