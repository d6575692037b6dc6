// Command alerts serves the classifieds' alerts for new listings: creating one
// with or without an account, its confirmation, and the account's own alerts
// (docs/classifieds.md).
package main

import (
	"kontor/shared/classifieds/classifiedswire"
	"kontor/shared/env"
	"kontor/shared/logging"
	"kontor/shared/serve"
)

func main() {
	log := logging.New("alerts")
	h := env.Must(log, classifiedswire.Alerts)
	serve.HTTP(log, "alerts", h.Routes())
}
