// Command processing serves the published record of processing (Art. 30).
package main

import (
	"kontor/shared/logging"
	"kontor/shared/privacy/privacywire"
	"kontor/shared/serve"
)

func main() {
	log := logging.New("processing")
	h := privacywire.Must(log, privacywire.Processing)
	serve.HTTP(log, "processing", h.ProcessingRoutes())
}
