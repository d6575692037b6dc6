// Command groups serves the members' network's committees and groups, their
// posts and comments, and the feed (network role only).
package main

import (
	"kontor/shared/env"
	"kontor/shared/logging"
	"kontor/shared/network/networkwire"
	"kontor/shared/serve"
)

func main() {
	log := logging.New("groups")
	h := env.Must(log, networkwire.Groups)
	serve.HTTP(log, "groups", h.Routes())
}
