// Command claims serves the customer's claims and encrypted invoices (H4U-7).
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
	log := logging.New("claims")
	h := env.Must(log, func(ctx context.Context) (insuranceapi.Claims, error) { return claimswire.Claims(ctx, log) })
	serve.HTTP(log, "claims", h.Routes())
}
