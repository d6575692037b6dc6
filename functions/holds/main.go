// Command holds serves the admin's legal holds.
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
	svc, log := privacywire.MustService("holds", privacywire.Store|privacywire.Accounts|privacywire.Mail)
	h := privacyapi.Handlers{Svc: svc, Region: os.Getenv("AWS_REGION")}
	lambda.Start(httpapi.NewRouter(log, h.HoldRoutes()).WithCapture(requestlog.MustCapture(log, "holds")).Handle)
}
