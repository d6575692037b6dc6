// Command contracts serves the customer's own insurance contracts (H4U-2).
package main

import (
	"kontor/shared/env"
	"kontor/shared/insurance/insurancewire"
	"kontor/shared/logging"
	"kontor/shared/serve"
)

func main() {
	log := logging.New("contracts")
	h := env.Must(log, insurancewire.Contracts)
	serve.HTTP(log, "contracts", h.Routes())
}
