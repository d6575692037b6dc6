// Package privacywire builds each privacy function's parts from its environment and
// the module list, so each privacy function's main.go stays wiring only. There is
// one builder per function; each reads the variables its routes need and fails at
// start-up when one is missing, so no route meets a missing part in the middle of a
// request. The core reaches no module's table: every module's data goes through that
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
	"kontor/shared/mail"
	"kontor/shared/modules"
	"kontor/shared/privacy"
	"kontor/shared/privacy/privacyapi"
	"kontor/shared/privacy/privacydb"
	"kontor/shared/privacy/protocol"
	"kontor/shared/privacy/rights"
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
	// The reply spam filter (HGK-10): withheld replies' keeping, model, thresholds.
	"WithheldReplyDays": "WITHHELD_REPLY_DAYS",
	"SpamModel":         "SPAM_MODEL",
	"SpamHamThreshold":  "SPAM_HAM_THRESHOLD",
	"SpamSpamThreshold": "SPAM_SPAM_THRESHOLD",
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

// Function names a module's privacy function: from the environment in a privacy
// function, the stack's names in a test.
type Function func(modules.Module) string

func remote(invoker protocol.Invoker, function Function, m modules.Module) protocol.Remote {
	return protocol.Remote{Module: m.Name, Declared: m.Kinds, Invoker: invoker, Function: function(m)}
}

// reach gives svc the privacy function of the module that knows accounts (who an
// account is) and, with withdraw, those of the modules whose data rests on a consent.
func reach(svc *rights.Service, invoker protocol.Invoker, function Function, withdraw bool) {
	for _, m := range modules.List() {
		if m.Function == "" {
			continue
		}
		if m.Resolves {
			svc.People = remote(invoker, function, m)
		}
		if withdraw && m.Withdraws {
			svc.Withdrawers = append(svc.Withdrawers, remote(invoker, function, m))
		}
	}
}

// EveryModule gives svc every module as the core reaches it: each module's privacy
// function through invoker (export, erasure, sweep, deactivation, withdrawal, who an
// account is), a module without one as its declarations, and the privacy module's
// own data on self, last.
func EveryModule(svc *rights.Service, self rights.SelfStore, invoker protocol.Invoker, function Function) {
	reach(svc, invoker, function, true)
	svc.Modules = nil
	for _, m := range modules.List() {
		switch {
		case m.Name == modules.Core:
		case m.Function == "":
			svc.Modules = append(svc.Modules, modules.Declared{Module: m})
		default:
			rm := remote(invoker, function, m)
			svc.Modules = append(svc.Modules, rm)
			if m.Deactivates {
				svc.Deactivators = append(svc.Deactivators, rm)
			}
		}
	}
	svc.Modules = append(svc.Modules, rights.SelfModule{Store: self})
}

// parts is what a privacy function is built from: its AWS configuration, its
// environment and the service every builder starts with (the module list's
// declarations and purposes, the parameters in force).
type parts struct {
	svc     *rights.Service
	db      *dynamodb.Client
	invoker protocol.Invoker
	r       env.Reader
}

// store is the privacy table (PRIVACY_TABLE).
func (p *parts) store() *privacydb.Store {
	return &privacydb.Store{DB: p.db, Table: p.r.String("PRIVACY_TABLE")}
}

// function names a module's privacy function from the environment (EnvName).
func (p *parts) function(m modules.Module) string { return p.r.String(m.EnvName()) }

// service builds a function's service: fill gives it the parts the function uses,
// reading their variables; a missing one fails the build.
func service(ctx context.Context, log *slog.Logger, fill func(p *parts)) (*rights.Service, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return nil, err
	}
	svc := &rights.Service{Now: func() time.Time { return time.Now().UTC() }, Log: log, Params: map[string]string{},
		Purposes: modules.Purposes(), Modules: Declarations()}
	for p, e := range paramEnv {
		if v := os.Getenv(e); v != "" {
			svc.Params[p] = v
		}
	}
	p := &parts{svc: svc, db: dynamodb.NewFromConfig(cfg), invoker: lambdainvoke.Client{Config: cfg}}
	fill(p)
	if err := p.r.Err(); err != nil {
		return nil, err
	}
	return svc, nil
}

// handlers builds the handlers of a function that serves routes.
func handlers(ctx context.Context, log *slog.Logger, fill func(p *parts)) (privacyapi.Handlers, error) {
	svc, err := service(ctx, log, fill)
	if err != nil {
		return privacyapi.Handlers{}, err
	}
	return privacyapi.Handlers{Svc: svc, Region: os.Getenv("AWS_REGION")}, nil
}

// Export builds the export function: every module's data, and the person's flags
// and hold.
func Export(ctx context.Context, log *slog.Logger) (privacyapi.Handlers, error) {
	return handlers(ctx, log, func(p *parts) {
		st := p.store()
		p.svc.Flags, p.svc.LegalHolds = st, st
		EveryModule(p.svc, st, p.invoker, p.function)
	})
}

// Consents builds the consents function: the consent ledger and the flags, who an
// account is, and the modules that delete what rested on a withdrawn consent.
func Consents(ctx context.Context, log *slog.Logger) (privacyapi.Handlers, error) {
	return handlers(ctx, log, func(p *parts) {
		st := p.store()
		p.svc.Ledger, p.svc.Flags = st, st
		reach(p.svc, p.invoker, p.function, true)
	})
}

// Erasure builds the erasure function: erasure jobs over every module, objections
// (flags, and the withdrawal of the marketing consent), holds.
func Erasure(ctx context.Context, log *slog.Logger) (privacyapi.Handlers, error) {
	return handlers(ctx, log, func(p *parts) {
		st := p.store()
		p.svc.Ledger, p.svc.Flags, p.svc.LegalHolds, p.svc.Jobs = st, st, st, st
		EveryModule(p.svc, st, p.invoker, p.function)
	})
}

// Holds builds the holds function: legal holds and the audit log, who an account
// is, and the outbox (OUTBOX_TABLE) that tells the person.
func Holds(ctx context.Context, log *slog.Logger) (privacyapi.Handlers, error) {
	return handlers(ctx, log, func(p *parts) {
		st := p.store()
		p.svc.LegalHolds, p.svc.AuditLog = st, st
		reach(p.svc, p.invoker, p.function, false)
		p.svc.Mail = &mail.Outbox{DB: p.db, Table: p.r.String("OUTBOX_TABLE"), Now: p.svc.Now, Log: log}
	})
}

// Processing builds the processing-record function: the module list's declarations
// and purposes, and the parameters in force.
func Processing(ctx context.Context, log *slog.Logger) (privacyapi.Handlers, error) {
	return handlers(ctx, log, func(*parts) {})
}

// Retention builds the retention sweep: every module's sweep, the held and
// restricted persons it skips, the erasure jobs it resumes and its receipts.
func Retention(ctx context.Context, log *slog.Logger) (*rights.Service, error) {
	return service(ctx, log, func(p *parts) {
		st := p.store()
		p.svc.Flags, p.svc.LegalHolds, p.svc.Jobs, p.svc.Receipts = st, st, st, st
		EveryModule(p.svc, st, p.invoker, p.function)
	})
}

// Must builds a function's part for main at start-up: it exits when configuration
// is missing.
func Must[T any](log *slog.Logger, build func(context.Context, *slog.Logger) (T, error)) T {
	return env.Must(log, func(ctx context.Context) (T, error) { return build(ctx, log) })
}
