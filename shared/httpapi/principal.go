package httpapi

import (
	"crypto/subtle"
	"fmt"
	"strings"
	"time"

	"kontor/shared/access"
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
	// CtxConfirmedAt is the session's last proof of the person, RFC 3339; absent when
	// there is none.
	CtxConfirmedAt = "confirmedAt"
)

// ctxUnavailable is the authenticated value of a principal whose session could not
// be looked up.
const ctxUnavailable = "unavailable"

// AuthorizerContext returns the authorizer context that describes p.
func AuthorizerContext(p access.Principal) map[string]any {
	if p.Unavailable {
		return map[string]any{CtxAuthenticated: ctxUnavailable}
	}
	if !p.Authenticated() {
		return map[string]any{CtxAuthenticated: "false"}
	}
	ctx := map[string]any{
		CtxAuthenticated:      "true",
		CtxAccountID:          p.AccountID,
		CtxRoles:              strings.Join(p.Roles, ","),
		CtxSessionID:          p.SessionID,
		CtxCSRFDigest:         p.CSRFDigest,
		CtxMustChangePassword: fmt.Sprint(p.MustChangePassword),
	}
	if !p.ConfirmedAt.IsZero() {
		ctx[CtxConfirmedAt] = p.ConfirmedAt.UTC().Format(time.RFC3339Nano)
	}
	return ctx
}

// PrincipalFrom reads the authorizer context of a request. Anything malformed yields
// the zero Principal, which no route accepts as signed in.
func PrincipalFrom(ctx map[string]any) access.Principal {
	str := func(k string) string {
		s, _ := ctx[k].(string)
		return s
	}
	if str(CtxAuthenticated) == ctxUnavailable {
		return access.Principal{Unavailable: true}
	}
	if str(CtxAuthenticated) != "true" || str(CtxAccountID) == "" || str(CtxSessionID) == "" {
		return access.Principal{}
	}
	var roles []string
	for _, r := range strings.Split(str(CtxRoles), ",") {
		if r != "" {
			roles = append(roles, r)
		}
	}
	// A malformed time is no proof.
	confirmed, _ := time.Parse(time.RFC3339Nano, str(CtxConfirmedAt))
	return access.Principal{
		AccountID:          str(CtxAccountID),
		Roles:              roles,
		SessionID:          str(CtxSessionID),
		CSRFDigest:         str(CtxCSRFDigest),
		MustChangePassword: str(CtxMustChangePassword) == "true",
		ConfirmedAt:        confirmed,
	}
}

// equalDigest compares two digests in constant time.
func equalDigest(a, b string) bool {
	return len(a) == len(b) && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
