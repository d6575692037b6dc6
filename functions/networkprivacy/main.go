// Command networkprivacy carries out export, erasure, consent withdrawal and the
// retention sweep on the network's profiles for the privacy core, which invokes
// it: no other function outside the module reaches its table.
package main

import (
	"kontor/shared/logging"
	"kontor/shared/network/networkwire"
	"kontor/shared/serve"
)

func main() {
	serve.Privacy(logging.New("networkprivacy"), networkwire.Privacy)
}
