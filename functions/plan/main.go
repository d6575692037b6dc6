// Command plans serves the classifieds' flat-rate plans and their orders (HGK-6,
// CP-4, docs/classifieds.md).
package main

import (
	"kontor/shared/classifieds/classifiedswire"
	"kontor/shared/env"
	"kontor/shared/logging"
	"kontor/shared/serve"
)

func main() {
	log := logging.New("plans")
	h := env.Must(log, classifiedswire.Plans)
	serve.HTTP(log, "plans", h.Routes())
}
