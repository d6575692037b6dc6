// Command ratings serves the classifieds' ratings of advertisers: rating, the
// public list while the advertiser has a published listing, one's own ratings and
// their withdrawal (docs/classifieds.md).
package main

import (
	"kontor/shared/classifieds/classifiedswire"
	"kontor/shared/env"
	"kontor/shared/logging"
	"kontor/shared/serve"
)

func main() {
	log := logging.New("ratings")
	h := env.Must(log, classifiedswire.Ratings)
	serve.HTTP(log, "ratings", h.Routes())
}
