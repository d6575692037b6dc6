package httpapi

import (
	"net/http"

	"kontor/shared/fault"
	"kontor/shared/problem"
)

// resolvePrincipal fills the request's principal from the authorizer context. A
// session store the authorizer could not read is answered 503: the caller is neither
// signed out nor signed in, and an answer as either could undo their session's state.
func resolvePrincipal(req *Request) *problem.Problem {
	if ev := req.Event.RequestContext.Authorizer; ev != nil {
		req.Principal = PrincipalFrom(ev.Lambda)
		req.Principal.Lang = req.Lang
	}
	if req.Principal.Unavailable {
		p := problem.New(http.StatusServiceUnavailable, problem.CodeUnavailable)
		p.RetryAfterSeconds = fault.RetryAfterSeconds
		return p
	}
	return nil
}
