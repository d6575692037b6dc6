// Command replies serves replies to classified listings without an account:
// sending one (checked by the spam filter, mailed to the advertiser or
// withheld), the advertiser's list and deletion, and the replier's deletion
// through their link (docs/classifieds.md, HGK-9, HGK-10).
package main

import (
	"kontor/shared/classifieds/classifiedswire"
	"kontor/shared/env"
	"kontor/shared/logging"
	"kontor/shared/serve"
)

func main() {
	log := logging.New("replies")
	h := env.Must(log, classifiedswire.Replies)
	serve.HTTP(log, "replies", h.Routes())
}
