// Command listingstats serves an advertiser the distinct visitors per day of
// their listings (HGK-13, docs/classifieds.md).
package main

import (
	"kontor/shared/classifieds/classifiedswire"
	"kontor/shared/env"
	"kontor/shared/logging"
	"kontor/shared/serve"
)

func main() {
	log := logging.New("listingstats")
	h := env.Must(log, classifiedswire.ListingStats)
	serve.HTTP(log, "listingstats", h.Routes())
}
