// Command accounts serves self-service account creation and the confirmation links.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"kontor/shared/httpapi"
	"kontor/shared/identity/identityapi"
	"kontor/shared/identity/identitywire"
	"kontor/shared/requestlog"
)

func main() {
	svc, log := identitywire.MustService("accounts", identitywire.Accounts|identitywire.Mail|identitywire.Terms)
	h := identityapi.Handlers{Svc: svc}
	lambda.Start(httpapi.NewRouter(log, h.AccountRoutes()).WithCapture(requestlog.MustCapture(log, "accounts")).Handle)
}
