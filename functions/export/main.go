// Command export serves the person's complete data export (Art. 15, 20).
package main

import (
	"kontor/shared/logging"
	"kontor/shared/privacy/privacywire"
	"kontor/shared/serve"
)

func main() {
	log := logging.New("export")
	h := privacywire.Must(log, privacywire.Export)
	serve.HTTP(log, "export", h.ExportRoutes())
}
