// Command watchlist serves the classifieds' anonymous watch list (HGK-11,
// docs/classifieds.md).
package main

import (
	"kontor/shared/classifieds/classifiedswire"
	"kontor/shared/env"
	"kontor/shared/logging"
	"kontor/shared/serve"
)

func main() {
	log := logging.New("watchlist")
	h := env.Must(log, classifiedswire.Watchlist)
	serve.HTTP(log, "watchlist", h.Routes())
}
