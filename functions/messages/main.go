// Command messages serves the members' network's direct messages (HKC-7),
// network role only.
package main

import (
	"kontor/shared/env"
	"kontor/shared/logging"
	"kontor/shared/network/networkwire"
	"kontor/shared/serve"
)

func main() {
	log := logging.New("messages")
	routes := env.Must(log, networkwire.MessageRoutes)
	serve.HTTP(log, "messages", routes)
}
