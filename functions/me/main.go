// Command me serves the signed-in person's own profile.
package main

import (
	"kontor/shared/identity/identityapi"
	"kontor/shared/identity/identitywire"
	"kontor/shared/serve"
)

func main() {
	svc, log := identitywire.MustService("me", identitywire.Accounts|identitywire.Mail)
	h := identityapi.Handlers{Svc: svc}
	serve.HTTP(log, "me", h.MeRoutes())
}
