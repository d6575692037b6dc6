// Command export serves the person's complete data export (Art. 15, 20).
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
	svc, log := privacywire.MustService("export", privacywire.Store|privacywire.Accounts|privacywire.Modules)
	h := privacyapi.Handlers{Svc: svc, Region: os.Getenv("AWS_REGION")}
	lambda.Start(httpapi.NewRouter(log, h.ExportRoutes()).WithCapture(requestlog.MustCapture(log, "export")).Handle)
}
