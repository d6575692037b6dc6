// Command me serves the signed-in person's own profile.
package main

import (
	"kontor/shared/identity/identitywire"
	"kontor/shared/serve"
)

func main() {
	routes, log := identitywire.Must("me", identitywire.MeRoutes)
	serve.HTTP(log, "me", routes)
}
