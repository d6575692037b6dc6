// Package access says who is calling: the principal a request runs for, with its
// account, roles, session and language, and the roles Kontor knows. It belongs to
// the domain: services decide with it, whatever transport brought the request.
package access

import (
	"slices"
	"time"
)

// Roles known to Kontor.
const (
	RoleMember = "member"
	RoleAdmin  = "admin"
	// RoleStaff handles customers' requests (contact requests, claims).
	RoleStaff = "staff"
	// RoleNetwork opens the members' network (profiles; docs/network.md). An
	// account without it gets 404 on every network route.
	RoleNetwork = "network"
)

// Principal is the signed-in person behind a request, as the authorizer resolved it,
// and the language the request is answered in.
type Principal struct {
	AccountID          string
	Roles              []string
	SessionID          string // digest of the session token, never the token
	CSRFDigest         string // digest of the CSRF token bound to the session
	MustChangePassword bool
	// ConfirmedAt is when the person last proved who they are in this session: the
	// sign-in with the password, or a confirmation since (zero: never).
	ConfirmedAt time.Time
	// Unavailable tells that the session could not be looked up (the store is down):
	// such a caller is neither signed in nor anonymous.
	Unavailable bool
	// Lang is "de" or "en".
	Lang string
}

// Authenticated reports whether a session was found.
func (p Principal) Authenticated() bool { return p.AccountID != "" && p.SessionID != "" }

// HasRole reports whether the principal holds role.
func (p Principal) HasRole(role string) bool { return slices.Contains(p.Roles, role) }

// ProofWindow is how long a proof of the person (a password sign-in or a
// confirmation of the session) counts as recent for erasure, objection to all
// processing, an email change and new device credentials.
const ProofWindow = 10 * time.Minute

// RecentlyConfirmed reports whether the session's last proof is at most ProofWindow
// old at now.
func (p Principal) RecentlyConfirmed(now time.Time) bool {
	return p.Authenticated() && !p.ConfirmedAt.IsZero() && now.Sub(p.ConfirmedAt) <= ProofWindow
}
