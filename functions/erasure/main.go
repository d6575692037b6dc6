// Command erasure serves erasure (deactivation) and objection.
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
	svc, log := privacywire.MustService("erasure", privacywire.Store|privacywire.Accounts|privacywire.Modules)
	h := privacyapi.Handlers{Svc: svc, Region: os.Getenv("AWS_REGION")}
	lambda.Start(httpapi.NewRouter(log, h.ErasureRoutes()).WithCapture(requestlog.MustCapture(log, "erasure")).Handle)
}
