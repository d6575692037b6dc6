// Command devices serves the person's device sign-in credentials (H4U-6).
package main

import (
	"kontor/shared/identity/identitywire"
	"kontor/shared/serve"
)

func main() {
	routes, log := identitywire.Must("devices", identitywire.DeviceRoutes)
	serve.HTTP(log, "devices", routes)
}
