// Command network serves the members' network: the member's own profile and the
// profiles of other members (network role only).
package main

import (
	"kontor/shared/env"
	"kontor/shared/logging"
	"kontor/shared/network/networkwire"
	"kontor/shared/serve"
)

func main() {
	log := logging.New("network")
	h := env.Must(log, networkwire.Handlers)
	serve.HTTP(log, "network", h.Routes())
}
