package httpapi

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"kontor/shared/access"
	"kontor/shared/fault"
	"kontor/shared/ids"
	"kontor/shared/problem"
	"kontor/shared/ratelimit"
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
	// Optional routes serve anyone and see the session when one is presented (the
	// CSRF token of GET /v1/csrf); the authorizer runs for them.
	Optional
)

// Route binds a handler to its access rule and, optionally, a required role and the
// abuse limits it applies before the handler runs (docs/limits.md).
type Route struct {
	Handler Handler
	Access  Access
	Role    string
	// AnyRole, instead of Role, admits a caller holding any one of these roles
	// (staff or an administrator).
	AnyRole []string
	// HiddenWithoutRole answers a caller without Role 404 not_found instead of 403
	// forbidden: the route's very existence is not told to who may not use it.
	HiddenWithoutRole bool
	Limits            []ratelimit.Rule
	// MaxBody, when set, bounds the request body in bytes: a larger one is answered
	// 413 body_too_large after the limits are counted and before the handler runs.
	MaxBody int
	// Gate, when set, is the consent and restriction check of the route.
	Gate *Gate
	// Recent routes need a fresh proof of the person: the session's last sign-in or
	// confirmation at most access.ProofWindow ago (erasure, account changes).
	Recent bool
	// Idempotency says whether the route honours an Idempotency-Key (idempotent.go).
	Idempotency Idempotency
	// Compress gzips the route's successful answers for a client that accepts it
	// (compress.go): only for public answers that carry no secret and nothing the
	// caller sent, so that the compressed length tells nothing (BREACH).
	Compress bool
}

// Limiter counts one event of a rule for a value and says how long to wait when the
// event is over the limit (ratelimit.Limiter).
type Limiter interface {
	Take(ctx context.Context, rule ratelimit.Rule, value string) (time.Duration, error)
}

// Router dispatches API Gateway events by route key ("POST /v1/accounts").
type Router struct {
	routes  map[string]Route
	log     *slog.Logger
	capture Capture
	limiter Limiter
	ledger  Ledger
	answers Answers
	// origin is the value the CloudFront distribution sends in OriginHeader
	// (OriginVerifyVariable); "" trusts no request to have come through it.
	origin string
}

// HandlerReserve is the part of the function's time the router keeps for itself: a
// handler's context ends this long before Lambda would stop the function, so a slow
// dependency is answered with a 503 problem instead of a timeout.
const HandlerReserve = 750 * time.Millisecond

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

// WithLimiter returns the router with the limiter its routes' limits count in.
func (rt *Router) WithLimiter(l Limiter) *Router {
	rt.limiter = l
	return rt
}

// NewRouter returns a router over routes that logs one line per request to log.
// The value a request must carry in OriginHeader to be taken as coming through the
// site's distribution is read from OriginVerifyVariable.
func NewRouter(log *slog.Logger, routes map[string]Route) *Router {
	return &Router{routes: routes, log: log, origin: os.Getenv(OriginVerifyVariable)}
}

// NeedsLimiter reports whether any route applies a limit.
func (rt *Router) NeedsLimiter() bool {
	for _, r := range rt.routes {
		if len(r.Limits) > 0 {
			return true
		}
	}
	return false
}

// Check reports a route that cannot work as configured: limits without a limiter, a
// per-account limit on a route without a session, or a limit no route value can
// fill. Functions call it at start-up, so such a route fails before serving.
func (rt *Router) Check() error {
	for key, r := range rt.routes {
		if r.Handler == nil {
			return fmt.Errorf("route %s has no handler", key)
		}
		if r.Gate != nil && (rt.ledger == nil || isPublic(r.Access)) {
			return fmt.Errorf("route %s has a gate but no ledger or no session to check it for", key)
		}
		if r.Recent && isPublic(r.Access) {
			return fmt.Errorf("route %s asks for a recent proof but needs no session", key)
		}
		if err := rt.checkIdempotency(key, r); err != nil {
			return err
		}
		for _, l := range r.Limits {
			switch {
			case rt.limiter == nil:
				return fmt.Errorf("route %s applies limit %s but the router has no limiter", key, l.Name)
			case l.Scope == ratelimit.PerAccount && isPublic(r.Access):
				return fmt.Errorf("route %s: per-account limit %s on a route without a session", key, l.Name)
			case l.Scope != ratelimit.PerAccount && l.Scope != ratelimit.PerClient && l.Scope != ratelimit.Global:
				return fmt.Errorf("route %s: limit %s counts by %s, which a route cannot", key, l.Name, l.Scope)
			}
		}
	}
	return nil
}

// Handle is the Lambda handler: it checks access and CSRF, runs the route's handler
// and turns its result into an API Gateway response.
func (rt *Router) Handle(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (resp events.APIGatewayV2HTTPResponse, err error) {
	start := time.Now()
	ev = viaDistribution(ev, rt.origin)
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
	hctx := ctx
	if dl, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		hctx, cancel = context.WithDeadline(ctx, dl.Add(-HandlerReserve))
		defer cancel()
	}
	if err := rt.limit(hctx, req, route); err != nil {
		return rt.failure(ctx, req, err), nil
	}
	if route.MaxBody > 0 {
		b, err := req.Body()
		if err == nil && len(b) > route.MaxBody {
			err = problem.New(http.StatusRequestEntityTooLarge, problem.CodeBodyTooLarge)
		}
		if err != nil {
			return rt.failure(ctx, req, err), nil
		}
	}
	if route.Gate != nil {
		if err := rt.pass(hctx, req, route.Gate); err != nil {
			return rt.failure(ctx, req, err), nil
		}
	}
	if route.Idempotency != NotIdempotent {
		return rt.idempotent(ctx, hctx, req, route), nil
	}
	return rt.run(ctx, hctx, req, route), nil
}

// run runs the route's handler and turns its result into the answer.
func (rt *Router) run(ctx, hctx context.Context, req *Request, route Route) events.APIGatewayV2HTTPResponse {
	out, herr := route.Handler(hctx, req)
	if herr != nil {
		return rt.failure(ctx, req, herr)
	}
	ev := out.event(req.Lang)
	if route.Compress {
		ev = compressed(ev, req.Header("accept-encoding"))
	}
	return ev
}

// failure turns a handler's error into its answer: a problem as it is, an outage of
// a dependency as 503 with Retry-After, anything else as a 500 that is logged.
func (rt *Router) failure(ctx context.Context, req *Request, err error) events.APIGatewayV2HTTPResponse {
	if p, ok := problem.As(err); ok {
		return problemEvent(p, req.Lang, req.RequestID())
	}
	if fault.Unavailable(err) {
		rt.log.WarnContext(ctx, "dependency unavailable", slog.String("route", req.RouteKey()), slog.String("fault", fault.Describe(err)))
		p := problem.New(http.StatusServiceUnavailable, problem.CodeUnavailable)
		p.RetryAfterSeconds = fault.RetryAfterSeconds
		return problemEvent(p, req.Lang, req.RequestID())
	}
	rt.log.ErrorContext(ctx, "handler failed", slog.String("route", req.RouteKey()), slog.String("error", err.Error()))
	return problemEvent(problem.New(http.StatusInternalServerError, problem.CodeInternal), req.Lang, req.RequestID())
}

// limit counts the request against each of the route's limits, in the order the
// route lists them (per client before global, so a client over its own limit spends
// nothing of everyone's); the first one it exceeds answers 429 with Retry-After.
func (rt *Router) limit(ctx context.Context, req *Request, route Route) error {
	for _, l := range route.Limits {
		if rt.limiter == nil {
			return fmt.Errorf("route %s: limit %s without a limiter", req.RouteKey(), l.Name)
		}
		value := ratelimit.ClientKey(req.ClientIP())
		switch l.Scope {
		case ratelimit.PerAccount:
			value = req.Principal.AccountID
		case ratelimit.Global:
			value = ""
		}
		wait, err := rt.limiter.Take(ctx, l, value)
		if err != nil {
			return err
		}
		if wait > 0 {
			rt.log.WarnContext(ctx, "request limited", slog.String("route", req.RouteKey()), slog.String("limit", l.Name), slog.String("scope", string(l.Scope)))
			p := problem.New(http.StatusTooManyRequests, problem.CodeTooManyAttempts)
			p.RetryAfterSeconds = int((wait + time.Second - 1) / time.Second)
			return p
		}
	}
	return nil
}

// admit enforces the route's access rule, the CSRF proof and the recent proof of
// the person, in that order: an unauthenticated caller learns nothing about CSRF
// state, a forged request nothing about the session's proof.
func (rt *Router) admit(req *Request, route Route) *problem.Problem {
	if route.Access != Public && route.Access != Callback {
		if p := resolvePrincipal(req); p != nil {
			return p
		}
	}
	if !isPublic(route.Access) {
		if !req.Principal.Authenticated() {
			return problem.New(http.StatusUnauthorized, problem.CodeUnauthenticated)
		}
		if req.Principal.MustChangePassword && route.Access != SignedPending {
			return problem.New(http.StatusForbidden, problem.CodePasswordChangeRequired)
		}
		if !route.admits(req.Principal) {
			if route.HiddenWithoutRole {
				return problem.New(http.StatusNotFound, problem.CodeNotFound)
			}
			return problem.New(http.StatusForbidden, problem.CodeForbidden)
		}
	}
	if req.StateChanging() && route.Access != Callback && !csrfOK(req) {
		return problem.New(http.StatusForbidden, problem.CodeCSRF)
	}
	if route.Recent && !req.Principal.RecentlyConfirmed(time.Now()) {
		return problem.New(http.StatusForbidden, problem.CodeReauthenticationRequired)
	}
	return nil
}

// admits reports whether p holds the role the route asks for, or one of its
// AnyRole; a route asking for none admits everyone signed in.
func (r Route) admits(p access.Principal) bool {
	if r.Role == "" && len(r.AnyRole) == 0 {
		return true
	}
	return (r.Role != "" && p.HasRole(r.Role)) || slices.ContainsFunc(r.AnyRole, p.HasRole)
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

// isPublic reports whether a route needs no session.
func isPublic(a Access) bool { return a == Public || a == Callback || a == Optional }
