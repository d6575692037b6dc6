package classifiedswire

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/classifieds"
	"kontor/shared/classifieds/classifiedsapi"
	"kontor/shared/env"
	"kontor/shared/identity/identitywire"
	"kontor/shared/mail"
	"kontor/shared/privacy"
)

// AlertDelivery builds the alert matching and digest: the classifieds table
// (CLASSIFIEDS_TABLE), the subscribers' addresses and languages from the
// identity module (IDENTITY_PRIVACY_FUNCTION), the outbox (OUTBOX_TABLE) and the
// site's address for the links (APP_BASE_URL).
func AlertDelivery(ctx context.Context, log *slog.Logger) (*classifieds.AlertDelivery, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return nil, err
	}
	people, err := identitywire.People(ctx)
	if err != nil {
		return nil, err
	}
	var r env.Reader
	d := NewAlertDelivery(cfg, &r, people, log)
	return d, r.Err()
}

// NewAlertDelivery builds the delivery on a configuration (also the bench's).
func NewAlertDelivery(cfg aws.Config, r *env.Reader, people privacy.Resolver, log *slog.Logger) *classifieds.AlertDelivery {
	db := dynamodb.NewFromConfig(cfg)
	st := store(cfg, r)
	return &classifieds.AlertDelivery{Store: st, Listings: st, People: people, Now: now, Log: log, BaseURL: r.String("APP_BASE_URL"),
		Outbox: &mail.Outbox{DB: db, Table: r.String("OUTBOX_TABLE"), Now: now, Log: log}}
}

// AlertUnsubscribe builds the one-click links' handlers: the classifieds table
// only (the token names the alert).
func AlertUnsubscribe(ctx context.Context) (classifiedsapi.AlertUnsubscribe, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return classifiedsapi.AlertUnsubscribe{}, err
	}
	var r env.Reader
	st := store(cfg, &r)
	return classifiedsapi.AlertUnsubscribe{Svc: &classifieds.AlertDelivery{Store: st, Listings: st, Now: now}}, r.Err()
}

// MatchAlerts is the match function's handler: it matches the listings queued
// since the last run; it runs every minute (a new listing waits at most that
// long for its mails). Runs do not overlap (reserved concurrency 1).
func MatchAlerts(d *classifieds.AlertDelivery, log *slog.Logger) func(context.Context, json.RawMessage) (int, error) {
	return func(ctx context.Context, _ json.RawMessage) (int, error) {
		n, err := d.Run(ctx)
		log.InfoContext(ctx, "alert matching", slog.Int("delivered", n))
		if err != nil {
			return n, fmt.Errorf("alert matching: %w", err)
		}
		return n, nil
	}
}

// SendDigests is the digest function's handler: once a day, one mail per daily
// alert with its matches.
func SendDigests(d *classifieds.AlertDelivery, log *slog.Logger) func(context.Context, json.RawMessage) (int, error) {
	return func(ctx context.Context, _ json.RawMessage) (int, error) {
		n, err := d.Digest(ctx)
		log.InfoContext(ctx, "alert digests", slog.Int("queued", n))
		if err != nil {
			return n, fmt.Errorf("alert digests: %w", err)
		}
		return n, nil
	}
}
