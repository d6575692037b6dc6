// Command sessions serves sign-in, sign-out and the CSRF token.
package main

import (
	"kontor/shared/identity/identityapi"
	"kontor/shared/identity/identitywire"
	"kontor/shared/serve"
)

func main() {
	svc, log := identitywire.MustService("sessions", identitywire.Accounts|identitywire.Sessions|identitywire.Evidence)
	h := identityapi.Handlers{Svc: svc}
	serve.HTTP(log, "sessions", h.SessionRoutes())
}
