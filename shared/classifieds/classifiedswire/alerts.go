package classifiedswire

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/classifieds"
	"kontor/shared/classifieds/classifiedsapi"
	"kontor/shared/env"
	"kontor/shared/identity"
	"kontor/shared/lambdainvoke"
	"kontor/shared/logging"
	"kontor/shared/mail"
	"kontor/shared/privacy/protocol"
	"kontor/shared/ratelimit"
)

// Alerts builds the alerts function's handlers: the classifieds table, the
// outbox with its per-recipient limit (OUTBOX_TABLE, LIMIT_TABLE,
// APP_BASE_URL), the limits table for alerts per address, the lapse of
// unconfirmed alerts (ALERT_CONFIRM_DAYS), the texts a new account accepts
// (TERMS_VERSION, PRIVACY_VERSION) and the identity module, which creates
// accounts (IDENTITY_PRIVACY_FUNCTION).
func Alerts(ctx context.Context) (classifiedsapi.Alerts, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return classifiedsapi.Alerts{}, err
	}
	var r env.Reader
	db := dynamodb.NewFromConfig(cfg)
	lim := &ratelimit.Limiter{DB: db, Table: r.String("LIMIT_TABLE"), Now: now}
	outbox := &mail.Outbox{DB: db, Table: r.String("OUTBOX_TABLE"), Now: now, Log: logging.New("alerts"), Limiter: lim}
	accounts := protocol.Remote{Module: "identity", Declared: identity.PrivacyKinds, Invoker: lambdainvoke.Client{Config: cfg}, Function: r.String("IDENTITY_PRIVACY_FUNCTION")}
	svc := &classifieds.Alerts{Store: store(cfg, &r), Mail: outbox, Accounts: accounts, Limiter: lim, Now: now,
		ConfirmFor: r.Days("ALERT_CONFIRM_DAYS", classifieds.DefaultAlertConfirm),
		BaseURL:    r.String("APP_BASE_URL"), TermsVersion: r.String("TERMS_VERSION"), PrivacyVersion: r.String("PRIVACY_VERSION")}
	return classifiedsapi.Alerts{Svc: svc}, r.Err()
}
