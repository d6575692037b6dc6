// Command holds serves the admin's legal holds.
package main

import (
	"kontor/shared/logging"
	"kontor/shared/privacy/privacywire"
	"kontor/shared/serve"
)

func main() {
	log := logging.New("holds")
	h := privacywire.Must(log, privacywire.Holds)
	serve.HTTP(log, "holds", h.HoldRoutes())
}
