// Command sessions serves sign-in, sign-out and the CSRF token.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"kontor/shared/httpapi"
	"kontor/shared/identity/identityapi"
	"kontor/shared/identity/identitywire"
	"kontor/shared/requestlog"
)

func main() {
	svc, log := identitywire.MustService("sessions", identitywire.Accounts|identitywire.Sessions|identitywire.Evidence)
	h := identityapi.Handlers{Svc: svc}
	lambda.Start(httpapi.NewRouter(log, h.SessionRoutes()).WithCapture(requestlog.MustCapture(log, "sessions")).Handle)
}
