// Command processing serves the published record of processing (Art. 30).
package main

import (
	"os"

	"kontor/shared/privacy/privacyapi"
	"kontor/shared/privacy/privacywire"
	"kontor/shared/serve"
)

func main() {
	svc, log := privacywire.MustService("processing", 0)
	h := privacyapi.Handlers{Svc: svc, Region: os.Getenv("AWS_REGION")}
	serve.HTTP(log, "processing", h.ProcessingRoutes())
}
