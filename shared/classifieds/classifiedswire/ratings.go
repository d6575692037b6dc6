package classifiedswire

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/classifieds"
	"kontor/shared/classifieds/classifiedsapi"
	"kontor/shared/env"
	"kontor/shared/evidence"
	"kontor/shared/identity"
	"kontor/shared/lambdainvoke"
	"kontor/shared/logging"
	"kontor/shared/mail"
	"kontor/shared/privacy/protocol"
	"kontor/shared/ratelimit"
)

// Ratings builds the ratings function's handlers: the classifieds table and the
// evidence log (EVIDENCE_TABLE, EVIDENCE_RETENTION_DAYS) for published ratings.
func Ratings(ctx context.Context) (classifiedsapi.Ratings, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return classifiedsapi.Ratings{}, err
	}
	var r env.Reader
	db := dynamodb.NewFromConfig(cfg)
	ev := &evidence.Log{DB: db, Table: r.String("EVIDENCE_TABLE"), Retention: r.Days("EVIDENCE_RETENTION_DAYS", evidence.DefaultRetention)}
	st := store(cfg, &r)
	svc := &classifieds.Ratings{Store: st, Evidence: ev, Now: now}
	// Without an account: the confirmation mail through the outbox (with its
	// per-recipient limit), the account through the identity module's privacy
	// function (OpProvision).
	outbox := &mail.Outbox{DB: db, Table: r.String("OUTBOX_TABLE"), Now: now, Log: logging.New("ratings"),
		Limiter: &ratelimit.Limiter{DB: db, Table: r.String("LIMIT_TABLE"), Now: now}}
	accounts := protocol.Remote{Module: "identity", Declared: identity.PrivacyKinds, Invoker: lambdainvoke.Client{Config: cfg}, Function: r.String("IDENTITY_PRIVACY_FUNCTION")}
	conf := &classifieds.Confirmations{Ratings: svc, Pending: st, Mail: outbox, Accounts: accounts,
		BaseURL: r.String("APP_BASE_URL"), TermsVersion: r.String("TERMS_VERSION"), PrivacyVersion: r.String("PRIVACY_VERSION")}
	return classifiedsapi.Ratings{Svc: svc, Confirm: conf}, r.Err()
}

// Advertiser builds the advertiser function's handlers on the classifieds table.
func Advertiser(ctx context.Context) (classifiedsapi.Advertiser, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return classifiedsapi.Advertiser{}, err
	}
	var r env.Reader
	return classifiedsapi.Advertiser{Svc: &classifieds.Advertisers{Store: store(cfg, &r), Now: now}}, r.Err()
}
