// Command registration serves the insurance portal's registration with contract
// matching (H4U-4), activation by letter or eID with its signed callback (H4U-5),
// and the activation letters' print queue.
package main

import (
	"context"

	"kontor/shared/env"
	"kontor/shared/insurance/insuranceapi"
	"kontor/shared/insurance/registrationwire"
	"kontor/shared/logging"
	"kontor/shared/serve"
)

func main() {
	log := logging.New("registration")
	h := env.Must(log, func(ctx context.Context) (insuranceapi.Registration, error) {
		return registrationwire.Registration(ctx, log)
	})
	serve.HTTP(log, "registration", h.Routes())
}
