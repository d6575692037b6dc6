// Command devices serves the person's device sign-in credentials (H4U-6).
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"kontor/shared/httpapi"
	"kontor/shared/identity/identityapi"
	"kontor/shared/identity/identitywire"
	"kontor/shared/requestlog"
)

func main() {
	svc, log := identitywire.MustService("devices", identitywire.Accounts)
	h := identityapi.Handlers{Svc: svc}
	lambda.Start(httpapi.NewRouter(log, h.DeviceRoutes()).WithCapture(requestlog.MustCapture(log, "devices")).Handle)
}
