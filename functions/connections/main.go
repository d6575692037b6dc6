// Command connections serves the members' network's contact requests,
// connections and blocks (network role only).
package main

import (
	"kontor/shared/env"
	"kontor/shared/logging"
	"kontor/shared/network/networkwire"
	"kontor/shared/serve"
)

func main() {
	log := logging.New("connections")
	routes := env.Must(log, networkwire.ConnectionRoutes)
	serve.HTTP(log, "connections", routes)
}
