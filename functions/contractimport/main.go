// Command contractimport serves the staff's import of the insurer's contract
// records, with a report of rejected rows.
package main

import (
	"kontor/shared/env"
	"kontor/shared/insurance/insurancewire"
	"kontor/shared/logging"
	"kontor/shared/serve"
)

func main() {
	log := logging.New("contractimport")
	h := env.Must(log, insurancewire.Import)
	serve.HTTP(log, "contractimport", h.Routes())
}
