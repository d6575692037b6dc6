// Command export serves the person's complete data export (Art. 15, 20).
package main

import (
	"os"

	"kontor/shared/privacy/privacyapi"
	"kontor/shared/privacy/privacywire"
	"kontor/shared/serve"
)

func main() {
	svc, log := privacywire.MustService("export", privacywire.Store|privacywire.Accounts|privacywire.Modules)
	h := privacyapi.Handlers{Svc: svc, Region: os.Getenv("AWS_REGION")}
	serve.HTTP(log, "export", h.ExportRoutes())
}
