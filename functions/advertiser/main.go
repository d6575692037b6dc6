// Command advertiser serves an advertiser's own data: username, salutation, name
// and billing address (docs/classifieds.md).
package main

import (
	"kontor/shared/classifieds/classifiedswire"
	"kontor/shared/env"
	"kontor/shared/logging"
	"kontor/shared/serve"
)

func main() {
	log := logging.New("advertiser")
	h := env.Must(log, classifiedswire.Advertiser)
	serve.HTTP(log, "advertiser", h.Routes())
}
