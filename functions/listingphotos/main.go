// Command listingphotos serves the photos of classifieds listings: declared,
// uploaded by presigned PUT, checked and re-encoded, public while the listing is
// (docs/classifieds.md).
package main

import (
	"kontor/shared/classifieds/classifiedswire"
	"kontor/shared/env"
	"kontor/shared/logging"
	"kontor/shared/serve"
)

func main() {
	log := logging.New("listingphotos")
	h := env.Must(log, classifiedswire.Photos)
	serve.HTTP(log, "listingphotos", h.Routes())
}
