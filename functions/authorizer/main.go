// Command authorizer is the HTTP API's REQUEST authorizer: it resolves the session
// cookie for every route that is not public.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"kontor/shared/identity"
	"kontor/shared/identity/identitywire"
)

func main() {
	svc, log := identitywire.MustService("authorizer", identitywire.Sessions)
	a := &identity.Authorizer{Sessions: svc.Sessions, Idle: svc.Timeouts.Idle, Now: svc.Now, Log: log}
	lambda.Start(a.Handle)
}
