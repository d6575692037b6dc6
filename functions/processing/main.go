// Command processing serves the published record of processing (Art. 30).
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
	svc, log := privacywire.MustService("processing", 0)
	h := privacyapi.Handlers{Svc: svc, Region: os.Getenv("AWS_REGION")}
	lambda.Start(httpapi.NewRouter(log, h.ProcessingRoutes()).WithCapture(requestlog.MustCapture(log, "processing")).Handle)
}
