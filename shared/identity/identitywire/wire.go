// Package identitywire builds the identity service from a function's environment,
// so each function's main.go stays a few lines of wiring.
package identitywire

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/env"
	"kontor/shared/evidence"
	"kontor/shared/identity"
	"kontor/shared/identity/identitydb"
	"kontor/shared/identity/identityprivacy"
	"kontor/shared/lambdainvoke"
	"kontor/shared/logging"
	"kontor/shared/mail"
	"kontor/shared/privacy"
	"kontor/shared/privacy/privacydb"
	"kontor/shared/privacy/protocol"
	"kontor/shared/ratelimit"
)

// Need says which parts of the service a function uses; each part reads its own
// environment variables, and a function gets IAM rights only for those.
type Need uint8

// Parts of the service.
const (
	Accounts Need = 1 << iota // IDENTITY_TABLE
	Sessions                  // SESSION_TABLE, SESSION_IDLE_MINUTES, SESSION_ABSOLUTE_HOURS
	Mail                      // OUTBOX_TABLE, APP_BASE_URL, LIMIT_TABLE (mail per recipient)
	Terms                     // TERMS_VERSION, PRIVACY_VERSION
	Evidence                  // EVIDENCE_TABLE, EVIDENCE_RETENTION_DAYS
	Audit                     // PRIVACY_TABLE (the audit log)
)

// Service builds the identity service with the parts named by need.
func Service(ctx context.Context, log *slog.Logger, need Need) (*identity.Service, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return nil, err
	}
	db := dynamodb.NewFromConfig(cfg)
	var r env.Reader
	svc := &identity.Service{Now: func() time.Time { return time.Now().UTC() }, Log: log}
	if need&Accounts != 0 {
		st := &identitydb.Store{DB: db, Table: r.String("IDENTITY_TABLE")}
		svc.Store, svc.DeviceStore = st, st
	}
	if need&Sessions != 0 {
		svc.Sessions = &identitydb.Sessions{DB: db, Table: r.String("SESSION_TABLE")}
		svc.Timeouts = identity.Timeouts{
			Idle:     r.Minutes("SESSION_IDLE_MINUTES", identity.DefaultIdleTimeout),
			Absolute: r.Hours("SESSION_ABSOLUTE_HOURS", identity.DefaultAbsoluteTimeout),
		}
	}
	if need&Mail != 0 {
		svc.BaseURL = r.String("APP_BASE_URL")
		svc.Mail = &mail.Outbox{DB: db, Table: r.String("OUTBOX_TABLE"), Now: svc.Now, Log: log,
			Limiter: &ratelimit.Limiter{DB: db, Table: r.String("LIMIT_TABLE"), Now: svc.Now}}
	}
	if need&Evidence != 0 {
		svc.Evidence = &evidence.Log{DB: db, Table: r.String("EVIDENCE_TABLE"), Retention: r.Days("EVIDENCE_RETENTION_DAYS", evidence.DefaultRetention)}
	}
	if need&Audit != 0 {
		svc.Audit = &privacydb.Store{DB: db, Table: r.String("PRIVACY_TABLE")}
	}
	if need&Terms != 0 {
		svc.TermsVersion, svc.PrivacyVersion = r.String("TERMS_VERSION"), r.String("PRIVACY_VERSION")
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	return svc, nil
}

// MustService is Service for main: it exits when configuration is missing.
func MustService(function string, need Need) (*identity.Service, *slog.Logger) {
	log := logging.New(function)
	return env.Must(log, func(ctx context.Context) (*identity.Service, error) { return Service(ctx, log, need) }), log
}

// Local administrator seeded by the local stack (make run); never used in AWS.
const (
	LocalAdminEmail    = "admin@kontor.local"
	LocalAdminPassword = "kontor-local-admin" // #nosec G101 -- the local stack's seeded administrator, never created in AWS
)

// SeedLocalAdmin creates the local administrator in table unless it exists, and
// reports whether it was created.
func SeedLocalAdmin(ctx context.Context, cfg aws.Config, table string) (bool, error) {
	svc := &identity.Service{
		Store: &identitydb.Store{DB: dynamodb.NewFromConfig(cfg), Table: table},
		Now:   func() time.Time { return time.Now().UTC() },
	}
	_, _, err := svc.CreateAdmin(ctx, identity.AdminInput{Email: LocalAdminEmail, Language: "en", Password: LocalAdminPassword})
	if errors.Is(err, identity.ErrEmailTaken) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("seed local admin: %w", err)
	}
	return true, nil
}

// Privacy builds the identity module's privacy function on IDENTITY_TABLE and
// SESSION_TABLE: export, erasure, the sweep, deactivation, who an account is, and
// accounts for people another module has proven (with the mail that sets the
// password: OUTBOX_TABLE, LIMIT_TABLE, TERMS_VERSION, PRIVACY_VERSION).
func Privacy(ctx context.Context) ([]privacy.Module, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return nil, err
	}
	svc, err := Service(ctx, logging.New("identityprivacy"), Accounts|Mail|Terms)
	if err != nil {
		return nil, err
	}
	var r env.Reader
	m := &identityprivacy.Module{DB: dynamodb.NewFromConfig(cfg), Identity: r.String("IDENTITY_TABLE"), Sessions: r.String("SESSION_TABLE"), Accounts: svc}
	return []privacy.Module{m}, r.Err()
}

// People is the identity module as other modules reach it: who an account is,
// answered by the identity module's privacy function (IDENTITY_PRIVACY_FUNCTION), so
// no other module's function reads the identity table.
func People(ctx context.Context) (protocol.Remote, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return protocol.Remote{}, err
	}
	var r env.Reader
	rm := protocol.Remote{Module: "identity", Declared: identity.PrivacyKinds, Invoker: lambdainvoke.Client{Config: cfg}, Function: r.String("IDENTITY_PRIVACY_FUNCTION")}
	return rm, r.Err()
}
