// Command accounts serves self-service account creation and the confirmation links.
package main

import (
	"kontor/shared/identity/identitywire"
	"kontor/shared/serve"
)

func main() {
	routes, log := identitywire.Must("accounts", identitywire.AccountRoutes)
	serve.HTTP(log, "accounts", routes)
}
