// Package classifiedswire builds the classifieds module's parts from a function's
// environment: one builder per function.
package classifiedswire

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/classifieds"
	"kontor/shared/classifieds/classifiedsapi"
	"kontor/shared/classifieds/classifiedsdb"
	"kontor/shared/classifieds/classifiedsprivacy"
	"kontor/shared/env"
	"kontor/shared/evidence"
	"kontor/shared/identity/identitywire"
	"kontor/shared/logging"
	"kontor/shared/mail"
	"kontor/shared/privacy"
	"kontor/shared/ratelimit"
)

func now() time.Time { return time.Now().UTC() }

// store is the classifieds table (CLASSIFIEDS_TABLE).
func store(cfg aws.Config, r *env.Reader) *classifiedsdb.Store {
	return &classifiedsdb.Store{DB: dynamodb.NewFromConfig(cfg), Table: r.String("CLASSIFIEDS_TABLE")}
}

// Privacy builds the module's privacy function on CLASSIFIEDS_TABLE and the
// photo bucket (photos.go).
func Privacy(ctx context.Context) ([]privacy.Module, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return nil, err
	}
	var r env.Reader
	st := store(cfg, &r)
	return []privacy.Module{classifiedsprivacy.Module{Store: st, Now: now, Photos: photoService(cfg, &r, st), InvoiceFiles: invoiceBucket(cfg, &r)}}, r.Err()
}

// Listings builds the listings function's handlers: the classifieds table, the
// operator's maximum of public days (LISTING_MAX_DAYS), the evidence log
// (EVIDENCE_TABLE), the outbox with its per-recipient limit (OUTBOX_TABLE,
// LIMIT_TABLE, APP_BASE_URL), the texts a new account accepts (TERMS_VERSION,
// PRIVACY_VERSION) and the identity module, which creates accounts
// (IDENTITY_PRIVACY_FUNCTION).
func Listings(ctx context.Context) (classifiedsapi.Listings, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return classifiedsapi.Listings{}, err
	}
	people, err := identitywire.People(ctx)
	if err != nil {
		return classifiedsapi.Listings{}, err
	}
	var r env.Reader
	db := dynamodb.NewFromConfig(cfg)
	st := store(cfg, &r)
	svc := &classifieds.Listings{Store: st, Pending: st, Now: now, MaxDays: r.Count("LISTING_MAX_DAYS", classifieds.DefaultMaxDays),
		Evidence: &evidence.Log{DB: db, Table: r.String("EVIDENCE_TABLE"), Retention: r.Days("EVIDENCE_RETENTION_DAYS", evidence.DefaultRetention)},
		Accounts: people, BaseURL: r.String("APP_BASE_URL"),
		Mail: &mail.Outbox{DB: db, Table: r.String("OUTBOX_TABLE"), Now: now, Log: logging.New("listings"),
			Limiter: &ratelimit.Limiter{DB: db, Table: r.String("LIMIT_TABLE"), Now: now}},
		TermsVersion: r.String("TERMS_VERSION"), PrivacyVersion: r.String("PRIVACY_VERSION"), Advertisers: st,
		Alerts: classifieds.AlertQueue{Store: st}}
	svc.Offers = offerGate(st, &r) // plans.go
	return classifiedsapi.Listings{Svc: svc, Extras: &classifieds.ViewExtras{Photos: st}}, r.Err()
}

// Watchlist builds the watch-list function's handlers: the classifieds table and
// the limits table (LIMIT_TABLE), in which new lists are counted.
func Watchlist(ctx context.Context) (classifiedsapi.Watchlist, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return classifiedsapi.Watchlist{}, err
	}
	var r env.Reader
	lim := &ratelimit.Limiter{DB: dynamodb.NewFromConfig(cfg), Table: r.String("LIMIT_TABLE"), Now: now}
	return classifiedsapi.Watchlist{Svc: &classifieds.Watchlist{Store: store(cfg, &r), Now: now}, Limiter: lim}, r.Err()
}

// ListingStats builds the statistics function's handlers: the classifieds table
// and the request log's closed-day totals (REQUEST_LOG_TABLE).
func ListingStats(ctx context.Context) (classifiedsapi.ListingStats, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return classifiedsapi.ListingStats{}, err
	}
	var r env.Reader
	svc := &classifieds.ListingStats{Listings: &classifieds.Listings{Store: store(cfg, &r), Now: now},
		Counts: &classifiedsdb.Visitors{DB: dynamodb.NewFromConfig(cfg), Table: r.String("REQUEST_LOG_TABLE")}}
	return classifiedsapi.ListingStats{Svc: svc}, r.Err()
}
