// Command password serves the forgotten-password flow and the password change.
package main

import (
	"kontor/shared/identity/identityapi"
	"kontor/shared/identity/identitywire"
	"kontor/shared/serve"
)

func main() {
	svc, log := identitywire.MustService("password", identitywire.Accounts|identitywire.Sessions|identitywire.Mail)
	h := identityapi.Handlers{Svc: svc}
	serve.HTTP(log, "password", h.PasswordRoutes())
}
