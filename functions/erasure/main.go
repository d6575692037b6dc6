// Command erasure serves erasure (deactivation) and objection.
package main

import (
	"os"

	"kontor/shared/privacy/privacyapi"
	"kontor/shared/privacy/privacywire"
	"kontor/shared/serve"
)

func main() {
	svc, log := privacywire.MustService("erasure", privacywire.Store|privacywire.Accounts|privacywire.Modules)
	h := privacyapi.Handlers{Svc: svc, Region: os.Getenv("AWS_REGION")}
	serve.HTTP(log, "erasure", h.ErasureRoutes())
}
