// Command members serves the admin's invitation of members.
package main

import (
	"kontor/shared/identity/identitywire"
	"kontor/shared/serve"
)

func main() {
	routes, log := identitywire.Must("members", identitywire.MemberRoutes)
	serve.HTTP(log, "members", routes)
}
