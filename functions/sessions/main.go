// Command sessions serves sign-in, sign-out and the CSRF token.
package main

import (
	"kontor/shared/identity/identitywire"
	"kontor/shared/serve"
)

func main() {
	routes, log := identitywire.Must("sessions", identitywire.SessionRoutes)
	serve.HTTP(log, "sessions", routes)
}
