// Command accounts serves self-service account creation and the confirmation links.
package main

import (
	"kontor/shared/identity/identityapi"
	"kontor/shared/identity/identitywire"
	"kontor/shared/serve"
)

func main() {
	svc, log := identitywire.MustService("accounts", identitywire.Accounts|identitywire.Mail|identitywire.Terms)
	h := identityapi.Handlers{Svc: svc}
	serve.HTTP(log, "accounts", h.AccountRoutes())
}
