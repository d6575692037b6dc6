package httpapi

import (
	"context"
	"net/http"

	"kontor/shared/problem"
)

// Consent is one consent a route needs, and the problem it answers while the caller
// has not given it (a code the portal acts on by asking for that consent).
type Consent struct {
	Purpose string
	Missing problem.Code
}

// Gate guards a route with the caller's standing in the privacy ledger: the consents
// it needs, checked in order (the first missing one answers), and whether
// state-changing requests stop while the caller has restricted processing (Art. 18:
// the data is only stored, nothing is added). It is a property of the route, next
// to its access rule; the router checks it before the handler runs.
type Gate struct {
	Consents []Consent
	// WritesStopWhenRestricted answers a state-changing request 403
	// processing_restricted while processing is restricted.
	WritesStopWhenRestricted bool
}

// Ledger tells a person's standing: the consents given, each with the version of
// the text it was given to, and whether processing is restricted
// (privacydb.Store).
type Ledger interface {
	Standing(ctx context.Context, accountID string) (granted map[string]string, restricted bool, err error)
}

// WithLedger returns the router with the ledger its routes' gates read.
func (rt *Router) WithLedger(l Ledger) *Router {
	rt.ledger = l
	return rt
}

// NeedsLedger reports whether any route has a gate.
func (rt *Router) NeedsLedger() bool {
	for _, r := range rt.routes {
		if r.Gate != nil {
			return true
		}
	}
	return false
}

// pass checks the route's gate for the signed-in caller.
func (rt *Router) pass(ctx context.Context, req *Request, g *Gate) error {
	granted, restricted, err := rt.ledger.Standing(ctx, req.Principal.AccountID)
	if err != nil {
		return err
	}
	req.granted = granted
	for _, c := range g.Consents {
		if granted[c.Purpose] == "" {
			return problem.New(http.StatusForbidden, c.Missing)
		}
	}
	if g.WritesStopWhenRestricted && restricted && req.StateChanging() {
		return problem.New(http.StatusForbidden, problem.CodeProcessingRestricted)
	}
	return nil
}

// Consented reports whether the caller has given the consent to purpose, as the
// privacy ledger said when the route's gate was checked: a handler decides with it
// on what only some requests need (voluntary fields). On a route without a gate it
// is always false.
func (r *Request) Consented(purpose string) bool { return r.granted[purpose] != "" }

// ConsentVersion is the version of the text the caller's consent to purpose was
// given to ("" when not given): a consent to an older text still counts, for what
// that text named (docs/privacy.md).
func (r *Request) ConsentVersion(purpose string) string { return r.granted[purpose] }
