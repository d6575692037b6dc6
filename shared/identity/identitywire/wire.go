// Package identitywire builds the identity module's functions from their
// environment, one builder a function: each returns exactly what its function
// serves, built with the parts its routes use, and each part reads its own
// environment variables. A missing variable fails the builder, so the function stops
// at start-up; no route meets a part its function was built without.
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
	"kontor/shared/httpapi"
	"kontor/shared/identity"
	"kontor/shared/identity/identityapi"
	"kontor/shared/identity/identitydb"
	"kontor/shared/identity/identityprivacy"
	"kontor/shared/lambdainvoke"
	"kontor/shared/logging"
	"kontor/shared/mail"
	"kontor/shared/network"
	"kontor/shared/privacy"
	"kontor/shared/privacy/privacydb"
	"kontor/shared/privacy/protocol"
	"kontor/shared/ratelimit"
)

func now() time.Time { return time.Now().UTC() }

// parts builds an identity service part by part, each from its own variables; the
// first missing one is the builder's error.
type parts struct {
	r   env.Reader
	cfg aws.Config
	db  *dynamodb.Client
	svc *identity.Service
}

func newParts(ctx context.Context, log *slog.Logger) (*parts, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return nil, err
	}
	return &parts{cfg: cfg, db: dynamodb.NewFromConfig(cfg), svc: &identity.Service{Now: now, Log: log}}, nil
}

// accounts is the identity table (IDENTITY_TABLE): accounts, email claims, mailed
// links, sign-in failures and device credentials.
func (p *parts) accounts() *parts {
	st := &identitydb.Store{DB: p.db, Table: p.r.String("IDENTITY_TABLE")}
	p.svc.Store, p.svc.DeviceStore = st, st
	return p
}

// sessions is the session table and its timeouts (SESSION_TABLE,
// SESSION_IDLE_MINUTES, SESSION_ABSOLUTE_HOURS).
func (p *parts) sessions() *parts {
	p.svc.Sessions = &identitydb.Sessions{DB: p.db, Table: p.r.String("SESSION_TABLE")}
	p.svc.Timeouts = identity.Timeouts{
		Idle:     p.r.Minutes("SESSION_IDLE_MINUTES", identity.DefaultIdleTimeout),
		Absolute: p.r.Hours("SESSION_ABSOLUTE_HOURS", identity.DefaultAbsoluteTimeout),
	}
	return p
}

// mail is the outbox with its per-recipient limit and the portal's address for
// mailed links (OUTBOX_TABLE, LIMIT_TABLE, APP_BASE_URL).
func (p *parts) mail() *parts {
	p.svc.BaseURL = p.r.String("APP_BASE_URL")
	p.svc.Mail = &mail.Outbox{DB: p.db, Table: p.r.String("OUTBOX_TABLE"), Now: now, Log: p.svc.Log,
		Limiter: &ratelimit.Limiter{DB: p.db, Table: p.r.String("LIMIT_TABLE"), Now: now}}
	return p
}

// terms are the current versions a registration accepts (TERMS_VERSION,
// PRIVACY_VERSION).
func (p *parts) terms() *parts {
	p.svc.TermsVersion, p.svc.PrivacyVersion = p.r.String("TERMS_VERSION"), p.r.String("PRIVACY_VERSION")
	return p
}

// evidence is the sign-in evidence log (EVIDENCE_TABLE, EVIDENCE_RETENTION_DAYS).
func (p *parts) evidence() *parts {
	p.svc.Evidence = &evidence.Log{DB: p.db, Table: p.r.String("EVIDENCE_TABLE"), Retention: p.r.Days("EVIDENCE_RETENTION_DAYS", evidence.DefaultRetention)}
	return p
}

// audit is the privacy module's audit log of admin actions (PRIVACY_TABLE).
func (p *parts) audit() *parts {
	p.svc.Audit = &privacydb.Store{DB: p.db, Table: p.r.String("PRIVACY_TABLE")}
	return p
}

// network is the network module's privacy function (NETWORK_PRIVACY_FUNCTION),
// which erases a person's network data when the network role is taken away.
func (p *parts) network() *parts {
	p.svc.Network = protocol.Remote{Module: "network", Declared: network.Kinds, Invoker: lambdainvoke.Client{Config: p.cfg},
		Function: p.r.String("NETWORK_PRIVACY_FUNCTION")}
	return p
}

// service is the service as built, or the first variable that was missing.
func (p *parts) service() (*identity.Service, error) {
	if err := p.r.Err(); err != nil {
		return nil, err
	}
	return p.svc, nil
}

// routes builds a function's routes (of) on a service with the parts that with adds.
func routes(ctx context.Context, log *slog.Logger, with func(*parts) *parts, of func(identityapi.Handlers) map[string]httpapi.Route) (map[string]httpapi.Route, error) {
	p, err := newParts(ctx, log)
	if err != nil {
		return nil, err
	}
	svc, err := with(p).service()
	if err != nil {
		return nil, err
	}
	return of(identityapi.Handlers{Svc: svc}), nil
}

// AccountRoutes builds the accounts function: registration and the confirmation
// links (the identity table, mail, the terms' versions).
func AccountRoutes(ctx context.Context, log *slog.Logger) (map[string]httpapi.Route, error) {
	return routes(ctx, log, func(p *parts) *parts { return p.accounts().mail().terms() }, identityapi.Handlers.AccountRoutes)
}

// MemberRoutes builds the members function: the admin's invitations and the
// network role given and taken away (the identity and session tables, mail, the
// audit log, the network's privacy function).
func MemberRoutes(ctx context.Context, log *slog.Logger) (map[string]httpapi.Route, error) {
	return routes(ctx, log, func(p *parts) *parts { return p.accounts().sessions().mail().audit().network() }, identityapi.Handlers.MemberRoutes)
}

// SessionRoutes builds the sessions function: sign-in with a password, a device
// credential or a mailed link, sign-out (the identity and session tables, the
// evidence log, mail for the sign-in links).
func SessionRoutes(ctx context.Context, log *slog.Logger) (map[string]httpapi.Route, error) {
	return routes(ctx, log, func(p *parts) *parts { return p.accounts().sessions().evidence().mail() }, identityapi.Handlers.SessionRoutes)
}

// PasswordRoutes builds the password function: the forgotten password and the
// change, which end every session (the identity and session tables, mail).
func PasswordRoutes(ctx context.Context, log *slog.Logger) (map[string]httpapi.Route, error) {
	return routes(ctx, log, func(p *parts) *parts { return p.accounts().sessions().mail() }, identityapi.Handlers.PasswordRoutes)
}

// MeRoutes builds the me function: the own profile, whose email change is mailed
// (the identity table, mail).
func MeRoutes(ctx context.Context, log *slog.Logger) (map[string]httpapi.Route, error) {
	return routes(ctx, log, func(p *parts) *parts { return p.accounts().mail() }, identityapi.Handlers.MeRoutes)
}

// DeviceRoutes builds the devices function: the own device credentials (the
// identity table).
func DeviceRoutes(ctx context.Context, log *slog.Logger) (map[string]httpapi.Route, error) {
	return routes(ctx, log, (*parts).accounts, identityapi.Handlers.DeviceRoutes)
}

// Authorizer builds the API's authorizer: sessions resolved from the cookie (the
// session table and its timeouts).
func Authorizer(ctx context.Context, log *slog.Logger) (*identity.Authorizer, error) {
	p, err := newParts(ctx, log)
	if err != nil {
		return nil, err
	}
	svc, err := p.sessions().service()
	if err != nil {
		return nil, err
	}
	return &identity.Authorizer{Sessions: svc.Sessions, Idle: svc.Timeouts.Idle, Now: svc.Now, Log: log}, nil
}

// Accounts builds the service on the identity table alone (IDENTITY_TABLE): what
// creating an administrator needs, and nothing that sends mail or starts sessions.
func Accounts(ctx context.Context, log *slog.Logger) (*identity.Service, error) {
	p, err := newParts(ctx, log)
	if err != nil {
		return nil, err
	}
	return p.accounts().service()
}

// Must runs a builder for main: it exits when configuration is missing.
func Must[T any](function string, build func(context.Context, *slog.Logger) (T, error)) (T, *slog.Logger) {
	log := logging.New(function)
	return env.Must(log, func(ctx context.Context) (T, error) { return build(ctx, log) }), log
}

// MustService is Must for a command that uses the service itself (kontor-admin with
// Accounts).
func MustService(function string, build func(context.Context, *slog.Logger) (*identity.Service, error)) (*identity.Service, *slog.Logger) {
	return Must(function, build)
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
		Now:   now,
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
// password: OUTBOX_TABLE, LIMIT_TABLE, APP_BASE_URL, TERMS_VERSION, PRIVACY_VERSION).
func Privacy(ctx context.Context) ([]privacy.Module, error) {
	p, err := newParts(ctx, logging.New("identityprivacy"))
	if err != nil {
		return nil, err
	}
	p.accounts().mail().terms()
	identityTable, sessionTable := p.r.String("IDENTITY_TABLE"), p.r.String("SESSION_TABLE")
	svc, err := p.service()
	if err != nil {
		return nil, err
	}
	return []privacy.Module{&identityprivacy.Module{DB: p.db, Identity: identityTable, Sessions: sessionTable, Accounts: svc}}, nil
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
