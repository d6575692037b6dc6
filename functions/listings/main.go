// Command listings serves the classifieds' listings: publishing, browsing and the
// advertiser's own list (docs/classifieds.md).
package main

import (
	"kontor/shared/classifieds/classifiedswire"
	"kontor/shared/env"
	"kontor/shared/logging"
	"kontor/shared/serve"
)

func main() {
	log := logging.New("listings")
	h := env.Must(log, classifiedswire.Listings)
	serve.HTTP(log, "listings", h.Routes())
}
