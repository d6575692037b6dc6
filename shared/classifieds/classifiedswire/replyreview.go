package classifiedswire

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/classifieds"
	"kontor/shared/classifieds/classifiedsapi"
	"kontor/shared/env"
	"kontor/shared/identity/identitywire"
	"kontor/shared/logging"
	"kontor/shared/mail"
	"kontor/shared/privacy/privacydb"
)

// ReplyReview builds the reply review function's handlers: the classifieds table
// (the replies and the review queue), the outbox (OUTBOX_TABLE) for a released
// reply's mail to its advertiser, whose address the identity module gives
// (IDENTITY_PRIVACY_FUNCTION), APP_BASE_URL for the mail's link, and
// PRIVACY_TABLE for the audit log of the staff's decisions.
func ReplyReview(ctx context.Context) (classifiedsapi.ReplyReview, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return classifiedsapi.ReplyReview{}, err
	}
	people, err := identitywire.People(ctx)
	if err != nil {
		return classifiedsapi.ReplyReview{}, err
	}
	var r env.Reader
	db := dynamodb.NewFromConfig(cfg)
	st := store(cfg, &r)
	log := logging.New("replyreview")
	// A released reply's mail is the advertiser's own (solicited by their
	// listing): no per-recipient limit, as on first delivery.
	replies := &classifieds.Replies{Store: st, Listings: st, People: people, Now: now, BaseURL: r.String("APP_BASE_URL"),
		Mail: &mail.Outbox{DB: db, Table: r.String("OUTBOX_TABLE"), Now: now, Log: log}}
	svc := &classifieds.ReplyReview{Replies: replies, Queue: st, Audit: &privacydb.Store{DB: db, Table: r.String("PRIVACY_TABLE")}, Now: now, Log: log}
	return classifiedsapi.ReplyReview{Svc: svc}, r.Err()
}
