package classifiedswire

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/classifieds"
	"kontor/shared/classifieds/classifiedsapi"
	"kontor/shared/env"
	"kontor/shared/evidence"
	"kontor/shared/identity/identitywire"
	"kontor/shared/logging"
	"kontor/shared/mail"
	"kontor/shared/ratelimit"
	"kontor/shared/spam"
)

// Replies builds the replies function's handlers: the classifieds table, the
// evidence log (EVIDENCE_TABLE), the outbox with its per-recipient limit
// (OUTBOX_TABLE, LIMIT_TABLE, APP_BASE_URL), the identity module for the
// advertiser's address (IDENTITY_PRIVACY_FUNCTION, OpPerson), the spam filter's
// model and thresholds (SPAM_MODEL, SPAM_HAM_THRESHOLD, SPAM_SPAM_THRESHOLD) and
// how long withheld replies are kept (WITHHELD_REPLY_DAYS).
func Replies(ctx context.Context) (classifiedsapi.Replies, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return classifiedsapi.Replies{}, err
	}
	people, err := identitywire.People(ctx)
	if err != nil {
		return classifiedsapi.Replies{}, err
	}
	filter, err := SpamFilter()
	if err != nil {
		return classifiedsapi.Replies{}, err
	}
	var r env.Reader
	db := dynamodb.NewFromConfig(cfg)
	st := store(cfg, &r)
	lim := &ratelimit.Limiter{DB: db, Table: r.String("LIMIT_TABLE"), Now: now}
	svc := &classifieds.Replies{Store: st, Listings: st, People: people, Filter: filter, Limiter: lim,
		Evidence:    &evidence.Log{DB: db, Table: r.String("EVIDENCE_TABLE"), Retention: r.Days("EVIDENCE_RETENTION_DAYS", evidence.DefaultRetention)},
		Mail:        &mail.Outbox{DB: db, Table: r.String("OUTBOX_TABLE"), Now: now, Log: logging.New("replies"), Limiter: lim},
		WithheldFor: r.Days("WITHHELD_REPLY_DAYS", classifieds.DefaultWithheldFor), BaseURL: r.String("APP_BASE_URL"), Now: now}
	return classifiedsapi.Replies{Svc: svc}, r.Err()
}

// SpamFilter is the shipped model with the operator's thresholds. SPAM_MODEL
// names the model the operator deployed (the template's parameter SpamModel,
// reported by the record of processing): a function whose embedded model is
// another refuses to start rather than judge with a model nobody declared.
func SpamFilter() (*spam.Filter, error) {
	th := spam.DefaultThresholds
	for _, v := range []struct {
		name string
		to   *float64
	}{{"SPAM_HAM_THRESHOLD", &th.Ham}, {"SPAM_SPAM_THRESHOLD", &th.Spam}} {
		if s := os.Getenv(v.name); s != "" {
			f, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return nil, fmt.Errorf("environment variable %s=%q is not a number", v.name, s)
			}
			*v.to = f
		}
	}
	f, err := spam.Shipped(th)
	if err != nil {
		return nil, err
	}
	if want := os.Getenv("SPAM_MODEL"); want != "" && want != f.Identity().Model {
		return nil, fmt.Errorf("SPAM_MODEL is %s, the function holds %s", want, f.Identity().Model)
	}
	return f, nil
}
