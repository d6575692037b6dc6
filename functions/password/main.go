// Command password serves the forgotten-password flow and the password change.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"kontor/shared/httpapi"
	"kontor/shared/identity/identityapi"
	"kontor/shared/identity/identitywire"
	"kontor/shared/requestlog"
)

func main() {
	svc, log := identitywire.MustService("password", identitywire.Accounts|identitywire.Sessions|identitywire.Mail)
	h := identityapi.Handlers{Svc: svc}
	lambda.Start(httpapi.NewRouter(log, h.PasswordRoutes()).WithCapture(requestlog.MustCapture(log, "password")).Handle)
}
