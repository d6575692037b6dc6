// Command claimreview serves the staff's review of claims and their audited invoice downloads (H4U-7, H4U-10).
package main

import (
	"context"

	"kontor/shared/env"
	"kontor/shared/insurance/claimswire"
	"kontor/shared/insurance/insuranceapi"
	"kontor/shared/logging"
	"kontor/shared/serve"
)

func main() {
	log := logging.New("claimreview")
	h := env.Must(log, func(ctx context.Context) (insuranceapi.Review, error) { return claimswire.Review(ctx, log) })
	serve.HTTP(log, "claimreview", h.Routes())
}
