// Command stats serves the admin's statistics, raw request records (security mode)
// and sign-in evidence.
package main

import (
	"kontor/shared/logging"
	"kontor/shared/requestlog/requestlogwire"
	"kontor/shared/serve"
)

func main() {
	log := logging.New("stats")
	h := requestlogwire.MustHandlers(log)
	serve.HTTP(log, "stats", h.Routes())
}
