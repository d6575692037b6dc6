// Command holds serves the admin's legal holds.
package main

import (
	"os"

	"kontor/shared/privacy/privacyapi"
	"kontor/shared/privacy/privacywire"
	"kontor/shared/serve"
)

func main() {
	svc, log := privacywire.MustService("holds", privacywire.Store|privacywire.Accounts|privacywire.Mail)
	h := privacyapi.Handlers{Svc: svc, Region: os.Getenv("AWS_REGION")}
	serve.HTTP(log, "holds", h.HoldRoutes())
}
