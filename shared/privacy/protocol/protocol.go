// Package protocol is how the privacy core reaches a module's data: every module
// that stores personal data runs a privacy function of its own, the only function
// besides the module's that can read its tables, and the core invokes it to export,
// erase, sweep, withdraw a consent's data, deactivate an account or name a person.
// Serve is that function's handler; Remote is the module as the core sees it, its
// declarations compiled in and every operation carried out by the module's function.
package protocol

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"kontor/shared/privacy"
)

// Operations of a module's privacy function.
const (
	OpExport     = "export"
	OpErase      = "erase"
	OpSweep      = "sweep"
	OpWithdraw   = "withdraw"
	OpDeactivate = "deactivate"
	OpPerson     = "person"
	// OpProvision creates (or finds) the account of a person another module has
	// proven (the identity module): it mails the link to set a password, or, for an
	// address the module confirmed itself (NewAccount.EmailConfirmed), activates the
	// account with a generated password and mails nothing.
	OpProvision = "provision"
)

// Request is the event of a module's privacy function.
type Request struct {
	Module    string `json:"module"`
	Op        string `json:"op"`
	AccountID string `json:"accountId,omitempty"`
	Email     string `json:"email,omitempty"`
	Purpose   string `json:"purpose,omitempty"`
	// Now and Held are set for a sweep: the time it runs for, and the persons whose
	// data stays (legal holds and restrictions, known to the core only).
	Now  time.Time `json:"now,omitzero"`
	Held []string  `json:"held,omitempty"`
	// Account is set for OpProvision.
	Account *NewAccount `json:"account,omitempty"`
}

// NewAccount is a person another module has proven, to be given an account.
type NewAccount struct {
	Email          string `json:"email"`
	Language       string `json:"language"`
	TermsVersion   string `json:"termsVersion"`
	PrivacyVersion string `json:"privacyVersion"`
	// EmailConfirmed says the caller has proven the address itself (a mailed link
	// the person followed): the account is created active, with a generated
	// password nobody knows and no mail, or the existing account's id is returned.
	EmailConfirmed bool `json:"emailConfirmed"`
}

// Provisioner is the module that gives proven people an account (identity): it
// creates it, or finds the one with the address, and returns its id.
type Provisioner interface {
	Provision(ctx context.Context, a NewAccount) (string, error)
}

// Response is its answer.
type Response struct {
	Export  map[string]json.RawMessage `json:"export,omitempty"`
	Deleted int                        `json:"deleted,omitempty"`
	Counts  map[string]int             `json:"counts,omitempty"`
	Skipped int                        `json:"skipped,omitempty"`
	Person  *privacy.Person            `json:"person,omitempty"`
	// Unknown says that OpPerson found no such account.
	Unknown bool `json:"unknown,omitempty"`
	// AccountID answers OpProvision.
	AccountID string `json:"accountId,omitempty"`
}

// ErrUnsupported is an operation the module does not offer.
var ErrUnsupported = errors.New("protocol: operation not offered by the module")

// Serve carries out one request on the function's modules (most functions serve
// one): the handler of a module's privacy function.
func Serve(ctx context.Context, mods []privacy.Module, req Request) (Response, error) {
	var m privacy.Module
	for _, x := range mods {
		if x.Name() == req.Module {
			m = x
		}
	}
	if m == nil {
		return Response{}, fmt.Errorf("protocol: no module %q here", req.Module)
	}
	s := privacy.Subject{AccountID: req.AccountID, Email: req.Email}
	switch req.Op {
	case OpExport:
		data, err := m.Export(ctx, s)
		if err != nil {
			return Response{}, err
		}
		out := make(map[string]json.RawMessage, len(data))
		for k, v := range data {
			b, err := json.Marshal(v)
			if err != nil {
				return Response{}, fmt.Errorf("export %s: %w", k, err)
			}
			out[k] = b
		}
		return Response{Export: out}, nil
	case OpErase:
		kept, err := privacy.EraseKeeping(ctx, m, s)
		return Response{Counts: kept}, err
	case OpSweep:
		held := privacy.NewHeld(req.Held...)
		now := req.Now
		if now.IsZero() {
			now = time.Now().UTC()
		}
		counts, err := m.Sweep(ctx, now, held)
		return Response{Counts: counts, Skipped: held.Skipped()}, err
	case OpWithdraw:
		w, ok := m.(privacy.Withdrawer)
		if !ok {
			return Response{}, nil // nothing of this module rests on a consent
		}
		n, err := w.OnWithdraw(ctx, s, req.Purpose)
		return Response{Deleted: n}, err
	case OpDeactivate:
		d, ok := m.(privacy.Deactivator)
		if !ok {
			return Response{}, fmt.Errorf("%w: %s %s", ErrUnsupported, req.Module, req.Op)
		}
		return Response{}, d.Deactivate(ctx, s)
	case OpPerson:
		r, ok := m.(privacy.Resolver)
		if !ok {
			return Response{}, fmt.Errorf("%w: %s %s", ErrUnsupported, req.Module, req.Op)
		}
		p, err := r.Person(ctx, req.AccountID)
		if errors.Is(err, privacy.ErrUnknownPerson) {
			return Response{Unknown: true}, nil
		}
		if err != nil {
			return Response{}, err
		}
		return Response{Person: &p}, nil
	case OpProvision:
		pv, ok := m.(Provisioner)
		if !ok || req.Account == nil {
			return Response{}, fmt.Errorf("%w: %s %s", ErrUnsupported, req.Module, req.Op)
		}
		id, err := pv.Provision(ctx, *req.Account)
		return Response{AccountID: id}, err
	}
	return Response{}, fmt.Errorf("%w: %q", ErrUnsupported, req.Op)
}

// Invoker calls a function synchronously (lambdainvoke.Client).
type Invoker interface {
	Invoke(ctx context.Context, function string, payload []byte) ([]byte, error)
}

// Remote is a module as the privacy core sees it: its declarations compiled in,
// every operation carried out by its privacy function.
type Remote struct {
	Module   string
	Declared func() []privacy.Kind
	Invoker  Invoker
	Function string // the module's privacy function (name or ARN)
}

var (
	_ privacy.Module      = Remote{}
	_ privacy.Withdrawer  = Remote{}
	_ privacy.Deactivator = Remote{}
	_ privacy.Resolver    = Remote{}
	_ Provisioner         = Remote{}
)

// Name implements privacy.Module.
func (r Remote) Name() string { return r.Module }

// Kinds implements privacy.Module.
func (r Remote) Kinds() []privacy.Kind { return r.Declared() }

// Call sends one request to the module's function.
func (r Remote) Call(ctx context.Context, req Request) (Response, error) {
	if r.Invoker == nil || r.Function == "" {
		return Response{}, fmt.Errorf("privacy function of module %s not configured", r.Module)
	}
	req.Module = r.Module
	b, err := json.Marshal(req)
	if err != nil {
		return Response{}, err
	}
	out, err := r.Invoker.Invoke(ctx, r.Function, b)
	if err != nil {
		return Response{}, fmt.Errorf("module %s %s: %w", r.Module, req.Op, err)
	}
	var resp Response
	if err := json.Unmarshal(out, &resp); err != nil {
		return Response{}, fmt.Errorf("module %s %s: answer: %w", r.Module, req.Op, err)
	}
	return resp, nil
}

// Export implements privacy.Module.
func (r Remote) Export(ctx context.Context, s privacy.Subject) (map[string]any, error) {
	resp, err := r.Call(ctx, Request{Op: OpExport, AccountID: s.AccountID, Email: s.Email})
	if err != nil {
		return nil, err
	}
	out := make(map[string]any, len(resp.Export))
	for k, v := range resp.Export {
		out[k] = v
	}
	return out, nil
}

// Erase implements privacy.Module.
func (r Remote) Erase(ctx context.Context, s privacy.Subject) error {
	_, err := r.Call(ctx, Request{Op: OpErase, AccountID: s.AccountID, Email: s.Email})
	return err
}

// EraseKeeping implements privacy.Keeper: the module's answer counts what it kept.
func (r Remote) EraseKeeping(ctx context.Context, s privacy.Subject) (map[string]int, error) {
	resp, err := r.Call(ctx, Request{Op: OpErase, AccountID: s.AccountID, Email: s.Email})
	return resp.Counts, err
}

// Sweep implements privacy.Module: the held persons travel with the request, and
// what the module kept for them is counted here.
func (r Remote) Sweep(ctx context.Context, now time.Time, held *privacy.Held) (map[string]int, error) {
	req := Request{Op: OpSweep, Now: now}
	if held != nil {
		req.Held = held.IDs()
	}
	resp, err := r.Call(ctx, req)
	if held != nil {
		held.AddSkipped(resp.Skipped)
	}
	return resp.Counts, err
}

// OnWithdraw implements privacy.Withdrawer.
func (r Remote) OnWithdraw(ctx context.Context, s privacy.Subject, purpose string) (int, error) {
	resp, err := r.Call(ctx, Request{Op: OpWithdraw, AccountID: s.AccountID, Email: s.Email, Purpose: purpose})
	return resp.Deleted, err
}

// Deactivate implements privacy.Deactivator.
func (r Remote) Deactivate(ctx context.Context, s privacy.Subject) error {
	_, err := r.Call(ctx, Request{Op: OpDeactivate, AccountID: s.AccountID, Email: s.Email})
	return err
}

// Person implements privacy.Resolver.
func (r Remote) Person(ctx context.Context, accountID string) (privacy.Person, error) {
	resp, err := r.Call(ctx, Request{Op: OpPerson, AccountID: accountID})
	if err != nil {
		return privacy.Person{}, err
	}
	if resp.Unknown || resp.Person == nil {
		return privacy.Person{}, privacy.ErrUnknownPerson
	}
	return *resp.Person, nil
}

// Provision implements Provisioner.
func (r Remote) Provision(ctx context.Context, a NewAccount) (string, error) {
	resp, err := r.Call(ctx, Request{Op: OpProvision, Account: &a})
	if err != nil {
		return "", err
	}
	if resp.AccountID == "" {
		return "", fmt.Errorf("module %s provision: no account id", r.Module)
	}
	return resp.AccountID, nil
}
