// Command members serves the admin's invitation of members.
package main

import (
	"kontor/shared/identity/identityapi"
	"kontor/shared/identity/identitywire"
	"kontor/shared/serve"
)

func main() {
	svc, log := identitywire.MustService("members", identitywire.Accounts|identitywire.Mail|identitywire.Audit)
	h := identityapi.Handlers{Svc: svc}
	serve.HTTP(log, "members", h.MemberRoutes())
}
