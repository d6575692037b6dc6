// Command insuranceprivacy carries out export, erasure, consent withdrawal and the
// retention sweep on the insurance data for the privacy core, which invokes it: no
// other function reaches the insurance table, bucket or key.
package main

import (
	"kontor/shared/insurance/claimswire"
	"kontor/shared/logging"
	"kontor/shared/serve"
)

func main() {
	serve.Privacy(logging.New("insuranceprivacy"), claimswire.Privacy)
}
