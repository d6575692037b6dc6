// Command groups serves the members' network's committees and groups, their
// posts and comments, the feed (network role only), the notifications of new
// posts, and the one-click unsubscribe links in them.
package main

import (
	"kontor/shared/env"
	"kontor/shared/logging"
	"kontor/shared/network/networkwire"
	"kontor/shared/serve"
)

func main() {
	log := logging.New("groups")
	routes := env.Must(log, networkwire.GroupRoutes)
	serve.HTTP(log, "groups", routes)
}
