// Command erasure serves erasure (deactivation) and objection.
package main

import (
	"kontor/shared/logging"
	"kontor/shared/privacy/privacywire"
	"kontor/shared/serve"
)

func main() {
	log := logging.New("erasure")
	h := privacywire.Must(log, privacywire.Erasure)
	serve.HTTP(log, "erasure", h.ErasureRoutes())
}
