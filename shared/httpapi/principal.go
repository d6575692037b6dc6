package httpapi

import (
	"crypto/subtle"
	"fmt"
	"slices"
	"strings"
)

// Keys of the authorizer context. The authorizer writes them; functions read them
// through PrincipalFrom. Values are strings, as HTTP API simple responses carry them.
const (
	CtxAuthenticated      = "authenticated"
	CtxAccountID          = "accountId"
	CtxRoles              = "roles"
	CtxSessionID          = "sessionId"
	CtxCSRFDigest         = "csrfDigest"
	CtxMustChangePassword = "mustChangePassword"
)

// Roles known to Kontor.
const (
	RoleMember = "member"
	RoleAdmin  = "admin"
	// RoleStaff handles customers' requests (contact requests, later claims).
	RoleStaff = "staff"
)

// Principal is the signed-in person behind a request, as the authorizer resolved it.
type Principal struct {
	AccountID          string
	Roles              []string
	SessionID          string // digest of the session token, never the token
	CSRFDigest         string // digest of the CSRF token bound to the session
	MustChangePassword bool
	// Unavailable tells that the session could not be looked up (the store is down):
	// such a caller is neither signed in nor anonymous, and is answered 503.
	Unavailable bool
}

// ctxUnavailable is the authenticated value of a principal whose session could not
// be looked up.
const ctxUnavailable = "unavailable"

// Authenticated reports whether a session was found.
func (p Principal) Authenticated() bool { return p.AccountID != "" && p.SessionID != "" }

// HasRole reports whether the principal holds role.
func (p Principal) HasRole(role string) bool { return slices.Contains(p.Roles, role) }

// Context returns the authorizer context that describes p.
func (p Principal) Context() map[string]any {
	if p.Unavailable {
		return map[string]any{CtxAuthenticated: ctxUnavailable}
	}
	if !p.Authenticated() {
		return map[string]any{CtxAuthenticated: "false"}
	}
	return map[string]any{
		CtxAuthenticated:      "true",
		CtxAccountID:          p.AccountID,
		CtxRoles:              strings.Join(p.Roles, ","),
		CtxSessionID:          p.SessionID,
		CtxCSRFDigest:         p.CSRFDigest,
		CtxMustChangePassword: fmt.Sprint(p.MustChangePassword),
	}
}

// PrincipalFrom reads the authorizer context of a request. Anything malformed yields
// the zero Principal, which no route accepts as signed in.
func PrincipalFrom(ctx map[string]any) Principal {
	str := func(k string) string {
		s, _ := ctx[k].(string)
		return s
	}
	if str(CtxAuthenticated) == ctxUnavailable {
		return Principal{Unavailable: true}
	}
	if str(CtxAuthenticated) != "true" || str(CtxAccountID) == "" || str(CtxSessionID) == "" {
		return Principal{}
	}
	var roles []string
	for _, r := range strings.Split(str(CtxRoles), ",") {
		if r != "" {
			roles = append(roles, r)
		}
	}
	return Principal{
		AccountID:          str(CtxAccountID),
		Roles:              roles,
		SessionID:          str(CtxSessionID),
		CSRFDigest:         str(CtxCSRFDigest),
		MustChangePassword: str(CtxMustChangePassword) == "true",
	}
}

// equalDigest compares two digests in constant time.
func equalDigest(a, b string) bool {
	return len(a) == len(b) && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
