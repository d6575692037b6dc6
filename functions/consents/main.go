// Command consents serves the consent ledger and the restriction of processing.
package main

import (
	"os"

	"kontor/shared/privacy/privacyapi"
	"kontor/shared/privacy/privacywire"
	"kontor/shared/serve"
)

func main() {
	svc, log := privacywire.MustService("consents", privacywire.Store|privacywire.Accounts|privacywire.Withdraw)
	h := privacyapi.Handlers{Svc: svc, Region: os.Getenv("AWS_REGION")}
	serve.HTTP(log, "consents", h.ConsentRoutes())
}
