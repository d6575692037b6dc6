// Command insuranceprivacy carries out export, erasure, consent withdrawal and the
// retention sweep on the insurance data for the privacy core, which invokes it: no
// other function reaches the insurance table, bucket or key.
package main

import (
	"context"

	"kontor/shared/insurance/claimswire"
	"kontor/shared/logging"
	"kontor/shared/privacy"
	"kontor/shared/serve"
)

func main() {
	log := logging.New("insuranceprivacy")
	serve.Privacy(log, func(ctx context.Context) ([]privacy.Module, error) { return claimswire.Privacy(ctx, log) })
}
