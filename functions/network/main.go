// Command network serves the members' network: the member's own profile and the
// profiles of other members (network role only), and the honorary office
// staff set for the company register sync.
package main

import (
	"kontor/shared/env"
	"kontor/shared/logging"
	"kontor/shared/network/networkwire"
	"kontor/shared/serve"
)

func main() {
	log := logging.New("network")
	routes := env.Must(log, networkwire.NetworkRoutes)
	serve.HTTP(log, "network", routes)
}
