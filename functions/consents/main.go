// Command consents serves the consent ledger and the restriction of processing.
package main

import (
	"kontor/shared/logging"
	"kontor/shared/privacy/privacywire"
	"kontor/shared/serve"
)

func main() {
	log := logging.New("consents")
	h := privacywire.Must(log, privacywire.Consents)
	serve.HTTP(log, "consents", h.ConsentRoutes())
}
