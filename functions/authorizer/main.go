// Command authorizer is the HTTP API's REQUEST authorizer: it resolves the session
// cookie for every route that is not public.
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"kontor/shared/identity/identitywire"
)

func main() {
	a, _ := identitywire.Must("authorizer", identitywire.Authorizer)
	lambda.Start(a.Handle)
}
