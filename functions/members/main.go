// Command members serves the admin's invitation of members.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"kontor/shared/httpapi"
	"kontor/shared/identity/identityapi"
	"kontor/shared/identity/identitywire"
	"kontor/shared/requestlog"
)

func main() {
	svc, log := identitywire.MustService("members", identitywire.Accounts|identitywire.Mail|identitywire.Audit)
	h := identityapi.Handlers{Svc: svc}
	lambda.Start(httpapi.NewRouter(log, h.MemberRoutes()).WithCapture(requestlog.MustCapture(log, "members")).Handle)
}
