// Package privacywire builds the privacy core's rights service from a function's
// environment and the module list, so each privacy function's main.go stays wiring
// only. The core reaches no module's table: every module's data goes through that
// module's privacy function (shared/privacy/protocol).
package privacywire

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/env"
	"kontor/shared/lambdainvoke"
	"kontor/shared/logging"
	"kontor/shared/mail"
	"kontor/shared/modules"
	"kontor/shared/privacy"
	"kontor/shared/privacy/privacydb"
	"kontor/shared/privacy/protocol"
	"kontor/shared/privacy/rights"
)

// Need says which parts a function uses; each reads its own environment variables.
type Need uint8

// Parts of the service.
const (
	Store    Need = 1 << iota // PRIVACY_TABLE
	Accounts                  // the identity module's privacy function: who an account is
	Modules                   // every module's privacy function: export, erase, sweep
	Mail                      // OUTBOX_TABLE
	Withdraw                  // the privacy functions of modules whose data rests on a consent
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

// Declarations returns every module of the list as far as its declarations go,
// the privacy module's own data last (declarations only: no table).
func Declarations() []privacy.Module {
	var out []privacy.Module
	for _, m := range modules.List() {
		if m.Name == modules.Core {
			continue
		}
		out = append(out, modules.Declared{Module: m})
	}
	return append(out, rights.SelfModule{})
}

// Assemble fills svc's module parts named by need from the module list: each
// module's remote through invoker, its function named by function (the environment
// in a privacy function; the stack's names in a test). Without Modules, svc.Modules
// are the declarations only.
func Assemble(svc *rights.Service, invoker protocol.Invoker, function func(modules.Module) string, need Need) {
	svc.Purposes = modules.Purposes()
	svc.Modules = Declarations()
	remote := func(m modules.Module) protocol.Remote {
		return protocol.Remote{Module: m.Name, Declared: m.Kinds, Invoker: invoker, Function: function(m)}
	}
	for _, m := range modules.List() {
		if m.Function == "" {
			continue
		}
		if need&(Accounts|Modules) != 0 && m.Resolves {
			svc.People = remote(m)
		}
		if need&(Withdraw|Modules) != 0 && m.Withdraws {
			svc.Withdrawers = append(svc.Withdrawers, remote(m))
		}
	}
	if need&Modules == 0 {
		return
	}
	svc.Modules = nil
	for _, m := range modules.List() {
		switch {
		case m.Name == modules.Core:
		case m.Function == "":
			svc.Modules = append(svc.Modules, modules.Declared{Module: m})
		default:
			rm := remote(m)
			svc.Modules = append(svc.Modules, rm)
			if m.Deactivates {
				svc.Deactivators = append(svc.Deactivators, rm)
			}
		}
	}
	svc.Modules = append(svc.Modules, rights.SelfModule{Store: svc.Store})
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
	svc.Store = &privacydb.Store{DB: db}
	if need&(Store|Modules) != 0 {
		svc.Store.Table = r.String("PRIVACY_TABLE")
	}
	Assemble(svc, lambdainvoke.Client{Config: cfg}, func(m modules.Module) string { return r.String(m.EnvName()) }, need)
	if need&Mail != 0 {
		svc.Mail = &mail.Outbox{DB: db, Table: r.String("OUTBOX_TABLE"), Now: svc.Now, Log: log}
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
