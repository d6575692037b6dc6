// Command invoices serves an advertiser their invoices and short-lived download
// links to the PDFs (docs/classifieds.md, "Invoices").
package main

import (
	"kontor/shared/classifieds/classifiedswire"
	"kontor/shared/env"
	"kontor/shared/logging"
	"kontor/shared/serve"
)

func main() {
	log := logging.New("invoices")
	h := env.Must(log, classifiedswire.Invoices)
	serve.HTTP(log, "invoices", h.Routes())
}
