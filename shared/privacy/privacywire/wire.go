// Package privacywire builds the rights service from a function's environment, so
// each privacy function's main.go stays wiring only.
package privacywire

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/contact"
	"kontor/shared/env"
	"kontor/shared/evidence"
	"kontor/shared/identity/identitydb"
	"kontor/shared/identity/identityprivacy"
	"kontor/shared/insurance"
	"kontor/shared/lambdainvoke"
	"kontor/shared/logging"
	"kontor/shared/mail"
	"kontor/shared/privacy"
	"kontor/shared/privacy/privacydb"
	"kontor/shared/privacy/rights"
	"kontor/shared/ratelimit"
	"kontor/shared/requestlog"
)

// Need says which parts a function uses; each reads its own environment variables.
type Need uint8

// Parts of the service.
const (
	Store    Need = 1 << iota // PRIVACY_TABLE
	Accounts                  // IDENTITY_TABLE (read)
	Modules                   // IDENTITY_TABLE, SESSION_TABLE, OUTBOX_TABLE, PRIVACY_TABLE, LIMIT_TABLE, …: every module's data
	Mail                      // OUTBOX_TABLE
	Withdraw                  // INSURANCE_PRIVACY_FUNCTION: modules that delete data on consent withdrawal
)

// paramEnv maps template parameters reported in the record of processing to the
// environment variables that carry them.
var paramEnv = map[string]string{
	"SessionAbsoluteHours":   "SESSION_ABSOLUTE_HOURS",
	"SessionIdleMinutes":     "SESSION_IDLE_MINUTES",
	"ContractRetentionYears": "CONTRACT_RETENTION_YEARS",
	"ClaimRetentionDays":     "CLAIM_RETENTION_DAYS",
	"LogRetentionDays":       "LOG_RETENTION_DAYS",
	"RequestLogMode":         "REQUEST_LOG_MODE",
	"EvidenceRetentionDays":  "EVIDENCE_RETENTION_DAYS",
}

// AllModules returns every module of the registry on the given tables. With empty
// names it serves declarations only (the record of processing).
func AllModules(db *dynamodb.Client, t Tables, store *privacydb.Store) []privacy.Module {
	return []privacy.Module{
		&identityprivacy.Module{DB: db, Identity: t.Identity, Sessions: t.Sessions},
		&mail.Module{DB: db, Table: t.Outbox},
		evidence.Module{Log: &evidence.Log{DB: db, Table: t.Evidence}},
		contact.Module{Store: &contact.Store{DB: db, Table: t.Contact, Now: func() time.Time { return time.Now().UTC() }}},
		requestlog.Module{},
		ratelimit.Module{DB: db, Table: t.Limits},
		insurance.Remote{Invoker: t.Invoker, Function: t.InsurancePrivacy},
		rights.SelfModule{Store: store},
	}
}

// Tables names each module's table, and the function that carries out privacy
// operations for a module whose data no other function may reach.
type Tables struct {
	Identity, Sessions, Outbox, Evidence, Contact, Limits string
	// InsurancePrivacy is the insurance module's privacy function, called with
	// Invoker.
	InsurancePrivacy string
	Invoker          insurance.Invoker
}

// Service builds the rights service with the parts named by need.
func Service(ctx context.Context, log *slog.Logger, need Need) (*rights.Service, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return nil, err
	}
	db := dynamodb.NewFromConfig(cfg)
	var r env.Reader
	svc := &rights.Service{Now: func() time.Time { return time.Now().UTC() }, Log: log, Params: map[string]string{}}
	for p, e := range paramEnv {
		if v := os.Getenv(e); v != "" {
			svc.Params[p] = v
		}
	}
	store := &privacydb.Store{DB: db}
	if need&(Store|Modules) != 0 {
		store.Table = r.String("PRIVACY_TABLE")
	}
	svc.Store = store
	if need&Accounts != 0 {
		svc.Accounts = &identitydb.Store{DB: db, Table: r.String("IDENTITY_TABLE")}
	}
	if need&Mail != 0 {
		svc.Mail = &mail.Outbox{DB: db, Table: r.String("OUTBOX_TABLE"), Now: svc.Now}
	}
	if need&Modules != 0 {
		svc.Modules = AllModules(db, Tables{
			Identity: r.String("IDENTITY_TABLE"), Sessions: r.String("SESSION_TABLE"),
			Outbox: r.String("OUTBOX_TABLE"), Evidence: r.String("EVIDENCE_TABLE"), Contact: r.String("CONTACT_TABLE"),
			Limits:           r.String("LIMIT_TABLE"),
			InsurancePrivacy: r.String("INSURANCE_PRIVACY_FUNCTION"), Invoker: lambdainvoke.Client{Config: cfg},
		}, store)
		svc.Deactivator = svc.Modules[0].(rights.Deactivator)
	} else {
		t := Tables{}
		if need&Withdraw != 0 {
			t.InsurancePrivacy, t.Invoker = r.String("INSURANCE_PRIVACY_FUNCTION"), lambdainvoke.Client{Config: cfg}
		}
		svc.Modules = AllModules(db, t, store)
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	return svc, nil
}

// MustService is Service for main: it exits when configuration is missing.
func MustService(function string, need Need) (*rights.Service, *slog.Logger) {
	log := logging.New(function)
	return env.Must(log, func(ctx context.Context) (*rights.Service, error) { return Service(ctx, log, need) }), log
}
