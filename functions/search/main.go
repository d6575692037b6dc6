// Command search serves the members' network's search over people, groups and
// posts (HKC-9), network role only.
package main

import (
	"kontor/shared/env"
	"kontor/shared/logging"
	"kontor/shared/network/networkwire"
	"kontor/shared/serve"
)

func main() {
	log := logging.New("search")
	routes := env.Must(log, networkwire.SearchRoutes)
	serve.HTTP(log, "search", routes)
}
