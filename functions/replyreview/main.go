// Command replyreview serves the review of withheld replies (HGK-10): the
// advertiser's and the replier's requests, the staff's queue and decisions
// (docs/classifieds.md, "Review of withheld replies").
package main

import (
	"kontor/shared/classifieds/classifiedswire"
	"kontor/shared/env"
	"kontor/shared/logging"
	"kontor/shared/serve"
)

func main() {
	log := logging.New("replyreview")
	h := env.Must(log, classifiedswire.ReplyReview)
	serve.HTTP(log, "replyreview", h.Routes())
}
