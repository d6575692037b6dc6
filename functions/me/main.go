// Command me serves the signed-in person's own profile.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"kontor/shared/httpapi"
	"kontor/shared/identity/identityapi"
	"kontor/shared/identity/identitywire"
	"kontor/shared/requestlog"
)

func main() {
	svc, log := identitywire.MustService("me", identitywire.Accounts|identitywire.Mail)
	h := identityapi.Handlers{Svc: svc}
	lambda.Start(httpapi.NewRouter(log, h.MeRoutes()).WithCapture(requestlog.MustCapture(log, "me")).Handle)
}
