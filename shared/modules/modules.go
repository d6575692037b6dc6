// Package modules is Kontor's module list: every module that stores personal data,
// its declarations and how the privacy core reaches its data. The registry, the
// record of processing, the consent purposes and the privacy core's remotes are all
// built from this one list; nothing else names the modules one by one.
package modules

import (
	"context"
	"os"
	"strings"
	"time"

	"kontor/shared/classifieds"
	"kontor/shared/contact"
	"kontor/shared/evidence"
	"kontor/shared/idempotency"
	"kontor/shared/identity"
	"kontor/shared/insurance"
	"kontor/shared/mail"
	"kontor/shared/network"
	"kontor/shared/privacy"
	"kontor/shared/privacy/protocol"
	"kontor/shared/privacy/rights"
	"kontor/shared/problem"
	"kontor/shared/ratelimit"
	"kontor/shared/requestlog"
)

// Module is one entry of the list.
type Module struct {
	// Name is the module's name, as its kinds name it (Kind.Module).
	Name string
	// Kinds declares the module's personal data.
	Kinds func() []privacy.Kind
	// Function is the template logical id of the module's privacy function, which
	// alone outside the module reaches its data; "" when nothing of the module can
	// be found for a person (the request log keeps no account reference) or when the
	// privacy core keeps it itself (the privacy module).
	Function string
	// Purposes are the consents the module asks for.
	Purposes []privacy.Purpose
	// Withdraws tells that data of the module rests on a consent (its own purposes or
	// the privacy module's) and is deleted when the consent is withdrawn.
	Withdraws bool
	// Deactivates tells that the module ends sign-in: the first step of an erasure.
	Deactivates bool
	// Resolves tells that the module knows accounts (privacy.Resolver).
	Resolves bool
	// Problems are the module's own problem codes (the shared ones are
	// problem.Codes()).
	Problems []problem.Code
}

// Core is the name of the privacy module, which the privacy core keeps in process.
const Core = "privacy"

// List returns every module, in the order exports and erasures visit them: the
// module that ends sign-in first.
func List() []Module {
	return []Module{
		{Name: "identity", Kinds: identity.PrivacyKinds, Function: "IdentityPrivacyFunction", Deactivates: true, Resolves: true, Problems: identity.Problems()},
		{Name: "mail", Kinds: mail.PrivacyKinds, Function: "MailPrivacyFunction"},
		{Name: "evidence", Kinds: evidence.Module{}.Kinds, Function: "EvidencePrivacyFunction"},
		{Name: "contact", Kinds: contact.PrivacyKinds, Function: "ContactPrivacyFunction", Problems: contact.Problems()},
		{Name: "requestlog", Kinds: requestlog.Module{}.Kinds},
		{Name: "insurance", Kinds: insurance.Kinds, Function: "InsurancePrivacyFunction", Purposes: insurance.Purposes(), Withdraws: true, Problems: insurance.Problems()},
		{Name: "limits", Kinds: ratelimit.Module{}.Kinds, Function: "LimitsPrivacyFunction"},
		{Name: "idempotency", Kinds: idempotency.Module{}.Kinds, Function: "IdempotencyPrivacyFunction"},
		{Name: "network", Kinds: network.Kinds, Function: "NetworkPrivacyFunction", Purposes: network.Purposes(), Withdraws: true, Problems: network.Problems()},
		{Name: "classifieds", Kinds: classifieds.Kinds, Function: "ClassifiedsPrivacyFunction", Problems: classifieds.Problems()},
		{Name: Core, Kinds: rights.SelfModule{}.Kinds, Purposes: rights.CorePurposes(), Problems: rights.Problems()},
	}
}

// EnvName is the environment variable that carries the physical name of a module's
// privacy function: IDENTITY_PRIVACY_FUNCTION.
func (m Module) EnvName() string { return strings.ToUpper(m.Name) + "_PRIVACY_FUNCTION" }

// Kinds returns every declared kind, module by module.
func Kinds() []privacy.Kind {
	var out []privacy.Kind
	for _, m := range List() {
		out = append(out, m.Kinds()...)
	}
	return out
}

// Problems returns every problem code: the shared ones, then module by module.
func Problems() []problem.Code {
	out := problem.Codes()
	for _, m := range List() {
		out = append(out, m.Problems...)
	}
	return out
}

// Purposes returns every consent purpose, module by module.
func Purposes() []privacy.Purpose {
	var out []privacy.Purpose
	for _, m := range List() {
		out = append(out, m.Purposes...)
	}
	return out
}

// Declared is a module as far as its declarations go: for the record of
// processing, and for a module without a privacy function, whose data cannot be
// found, exported or erased per person (it keeps no account reference) and which
// ends it on its own schedule.
type Declared struct{ Module }

var _ privacy.Module = Declared{}

// Name implements privacy.Module.
func (d Declared) Name() string { return d.Module.Name }

// Kinds implements privacy.Module.
func (d Declared) Kinds() []privacy.Kind { return d.Module.Kinds() }

// Export implements privacy.Module: nothing is attributable to a person.
func (d Declared) Export(context.Context, privacy.Subject) (map[string]any, error) {
	out := map[string]any{}
	for _, k := range d.Module.Kinds() {
		out[k.ID] = nil
	}
	return out, nil
}

// Erase implements privacy.Module: nothing is attributable to a person.
func (d Declared) Erase(context.Context, privacy.Subject) error { return nil }

// Sweep implements privacy.Module: the module deletes on its own schedule.
func (d Declared) Sweep(context.Context, time.Time, *privacy.Held) (map[string]int, error) {
	return map[string]int{}, nil
}

// Remotes returns the modules with a privacy function as the core reaches them,
// through invoker and the function names in the environment (EnvName); a module
// without a function is Declared. The privacy module itself is left out: the core
// keeps it in process.
func Remotes(invoker protocol.Invoker) ([]protocol.Remote, []Declared, error) {
	var rs []protocol.Remote
	var ds []Declared
	for _, m := range List() {
		switch {
		case m.Name == Core:
		case m.Function == "":
			ds = append(ds, Declared{m})
		default:
			fn := os.Getenv(m.EnvName())
			if fn == "" {
				return nil, nil, &MissingFunctionError{Module: m.Name, Env: m.EnvName()}
			}
			rs = append(rs, protocol.Remote{Module: m.Name, Declared: m.Kinds, Invoker: invoker, Function: fn})
		}
	}
	return rs, ds, nil
}

// MissingFunctionError is a module privacy function the environment does not name.
type MissingFunctionError struct{ Module, Env string }

func (e *MissingFunctionError) Error() string {
	return "environment variable " + e.Env + " (the privacy function of module " + e.Module + ") is not set"
}
