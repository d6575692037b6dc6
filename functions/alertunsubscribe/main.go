// Command alertunsubscribe serves the one-click links in alert mails (RFC 8058):
// a page asking to confirm, and the POST that ends the alert without sign-in.
package main

import (
	"kontor/shared/classifieds/classifiedswire"
	"kontor/shared/env"
	"kontor/shared/logging"
	"kontor/shared/serve"
)

func main() {
	log := logging.New("alertunsubscribe")
	h := env.Must(log, classifiedswire.AlertUnsubscribe)
	serve.HTTP(log, "alertunsubscribe", h.Routes())
}
