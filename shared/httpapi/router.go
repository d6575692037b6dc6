package httpapi

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"kontor/shared/ids"
	"kontor/shared/problem"
)

// Handler serves one route. A returned error that is a problem.Problem is shown to
// the caller; any other error becomes a 500 with no detail and is logged.
type Handler func(ctx context.Context, r *Request) (Response, error)

// Access says who may call a route.
type Access int

const (
	// Public routes need no session.
	Public Access = iota
	// Signed routes need a session whose temporary password has been changed.
	Signed
	// SignedPending routes need a session, and also serve one that still has to change
	// its temporary password (only password change and logout, HKC-2).
	SignedPending
	// Callback routes are called server to server (a provider's signed callback):
	// no session and no CSRF proof; the handler must authenticate the caller itself.
	Callback
)

// Route binds a handler to its access rule and, optionally, a required role.
type Route struct {
	Handler Handler
	Access  Access
	Role    string
}

// Router dispatches API Gateway events by route key ("POST /v1/accounts").
type Router struct {
	routes  map[string]Route
	log     *slog.Logger
	capture Capture
}

// Capture receives every request's automatically transmitted data with the status
// it got; public tells whether the route needs no session. It runs once the response
// is ready and must not hold it up: the request log hands the record to a background
// write (requestlog.Writer) and returns.
type Capture func(ctx context.Context, ev events.APIGatewayV2HTTPRequest, status int, public bool) error

// WithCapture returns the router with request capture (the request log).
func (rt *Router) WithCapture(c Capture) *Router {
	rt.capture = c
	return rt
}

// NewRouter returns a router over routes that logs one line per request to log.
func NewRouter(log *slog.Logger, routes map[string]Route) *Router {
	return &Router{routes: routes, log: log}
}

// Handle is the Lambda handler: it checks access and CSRF, runs the route's handler
// and turns its result into an API Gateway response.
func (rt *Router) Handle(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (resp events.APIGatewayV2HTTPResponse, err error) {
	start := time.Now()
	req := &Request{Event: ev}
	req.Lang = negotiateLang(req.Cookie(LangCookie), req.Header("accept-language"))
	defer func() {
		if v := recover(); v != nil {
			rt.log.ErrorContext(ctx, "handler panic", slog.String("route", ev.RouteKey), slog.String("panic", fmt.Sprint(v)))
			resp = problemEvent(problem.New(http.StatusInternalServerError, problem.CodeInternal), req.Lang, req.RequestID())
		}
		if rt.capture != nil {
			if err := rt.capture(ctx, ev, resp.StatusCode, isPublic(rt.routes[ev.RouteKey].Access)); err != nil {
				rt.log.WarnContext(ctx, "request capture failed", slog.String("requestId", req.RequestID()))
			}
		}
		rt.log.InfoContext(ctx, "request",
			slog.String("route", ev.RouteKey),
			slog.Int("status", resp.StatusCode),
			slog.Int64("ms", time.Since(start).Milliseconds()),
			slog.String("requestId", req.RequestID()))
	}()

	route, ok := rt.routes[ev.RouteKey]
	if !ok {
		return problemEvent(problem.New(http.StatusNotFound, problem.CodeNotFound), req.Lang, req.RequestID()), nil
	}
	if p := rt.admit(req, route); p != nil {
		return problemEvent(p, req.Lang, req.RequestID()), nil
	}
	out, herr := route.Handler(ctx, req)
	if herr != nil {
		if p, ok := problem.As(herr); ok {
			return problemEvent(p, req.Lang, req.RequestID()), nil
		}
		rt.log.ErrorContext(ctx, "handler failed", slog.String("route", ev.RouteKey), slog.String("error", herr.Error()))
		return problemEvent(problem.New(http.StatusInternalServerError, problem.CodeInternal), req.Lang, req.RequestID()), nil
	}
	return out.event(req.Lang), nil
}

// admit enforces the route's access rule and the CSRF proof, in that order: an
// unauthenticated caller learns nothing about CSRF state.
func (rt *Router) admit(req *Request, route Route) *problem.Problem {
	if route.Access != Public && route.Access != Callback {
		if ev := req.Event.RequestContext.Authorizer; ev != nil {
			req.Principal = PrincipalFrom(ev.Lambda)
		}
		if !req.Principal.Authenticated() {
			return problem.New(http.StatusUnauthorized, problem.CodeUnauthenticated)
		}
		if req.Principal.MustChangePassword && route.Access != SignedPending {
			return problem.New(http.StatusForbidden, problem.CodePasswordChangeRequired)
		}
		if route.Role != "" && !req.Principal.HasRole(route.Role) {
			return problem.New(http.StatusForbidden, problem.CodeForbidden)
		}
	}
	if req.StateChanging() && route.Access != Callback && !csrfOK(req) {
		return problem.New(http.StatusForbidden, problem.CodeCSRF)
	}
	return nil
}

// csrfOK checks the double-submitted token: header and cookie present and equal, and
// for a signed-in caller also the token bound to the session at login.
func csrfOK(req *Request) bool {
	header, cookie := req.Header(CSRFHeader), req.Cookie(CSRFCookie)
	if !cookieValueOK(header) || !equalDigest(header, cookie) {
		return false
	}
	if req.Principal.Authenticated() {
		return equalDigest(ids.Digest(header), req.Principal.CSRFDigest)
	}
	return true
}

func isPublic(a Access) bool { return a == Public || a == Callback }
