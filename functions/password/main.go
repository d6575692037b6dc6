// Command password serves the forgotten-password flow and the password change.
package main

import (
	"kontor/shared/identity/identitywire"
	"kontor/shared/serve"
)

func main() {
	routes, log := identitywire.Must("password", identitywire.PasswordRoutes)
	serve.HTTP(log, "password", routes)
}
