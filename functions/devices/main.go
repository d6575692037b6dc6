// Command devices serves the person's device sign-in credentials (H4U-6).
package main

import (
	"kontor/shared/identity/identityapi"
	"kontor/shared/identity/identitywire"
	"kontor/shared/serve"
)

func main() {
	svc, log := identitywire.MustService("devices", identitywire.Accounts)
	h := identityapi.Handlers{Svc: svc}
	serve.HTTP(log, "devices", h.DeviceRoutes())
}
