package httpapi

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"kontor/shared/fault"
	"kontor/shared/idempotency"
	"kontor/shared/problem"
	"kontor/shared/ratelimit"
)

// Idempotency says whether a creating route honours the Idempotency-Key header
// (draft-ietf-httpapi-idempotency-key-header): a request repeated with the same key
// gets the first answer, marked Idempotent-Replayed, and does nothing again.
type Idempotency int

const (
	// NotIdempotent routes ignore the header.
	NotIdempotent Idempotency = iota
	// IdempotencyOptional routes honour a key whenever one is sent.
	IdempotencyOptional
	// IdempotencyRequired routes refuse a request without a key (400
	// idempotency_key_missing): a second run would do harm.
	IdempotencyRequired
)

// Answers keeps the answers of requests under their keys (idempotency.Store).
type Answers interface {
	Begin(ctx context.Context, r idempotency.Request) (idempotency.Claim, error)
	Finish(ctx context.Context, c idempotency.Claim, resp idempotency.Response) error
	Release(ctx context.Context, c idempotency.Claim) error
}

// WithAnswers returns the router with the store its idempotent routes keep their
// answers in.
func (rt *Router) WithAnswers(a Answers) *Router {
	rt.answers = a
	return rt
}

// NeedsAnswers reports whether any route honours an Idempotency-Key.
func (rt *Router) NeedsAnswers() bool {
	for _, r := range rt.routes {
		if r.Idempotency != NotIdempotent {
			return true
		}
	}
	return false
}

// checkIdempotency refuses an idempotent route the router cannot serve: without a
// store, for a method that changes nothing, or for a callback, whose caller
// authenticates in the handler and has no scope for its keys.
func (rt *Router) checkIdempotency(key string, r Route) error {
	if r.Idempotency == NotIdempotent {
		return nil
	}
	switch {
	case rt.answers == nil:
		return fmt.Errorf("route %s honours Idempotency-Key but the router has no store for answers", key)
	case r.Access == Callback:
		return fmt.Errorf("route %s: a callback cannot honour Idempotency-Key", key)
	case !strings.HasPrefix(key, http.MethodPost+" ") && !strings.HasPrefix(key, http.MethodPut+" ") &&
		!strings.HasPrefix(key, http.MethodPatch+" ") && !strings.HasPrefix(key, http.MethodDelete+" "):
		return fmt.Errorf("route %s: only a route that changes something honours Idempotency-Key", key)
	}
	return nil
}

// answerReserve is what the router keeps of the function's time to keep or
// release a key after the handler (whose context ends HandlerReserve early).
const answerReserve = 150 * time.Millisecond

// idempotent serves a route that honours Idempotency-Key. The key is claimed after
// the route's limits and gate (a refused request claims nothing, and the limits
// bound what anonymous callers can store), then the handler runs; its answer is
// kept, unless it is a 5xx: then the key is released and a repeat runs again.
func (rt *Router) idempotent(ctx, hctx context.Context, req *Request, route Route) events.APIGatewayV2HTTPResponse {
	raw := req.Header(idempotency.Header)
	if raw == "" {
		if route.Idempotency == IdempotencyRequired {
			return problemEvent(problem.New(http.StatusBadRequest, problem.CodeIdempotencyKeyMissing), req.Lang, req.RequestID())
		}
		return rt.run(ctx, hctx, req, route)
	}
	key, err := idempotency.ParseKey(raw)
	if err != nil {
		return problemEvent(problem.New(http.StatusBadRequest, problem.CodeIdempotencyKeyInvalid), req.Lang, req.RequestID())
	}
	body, err := req.Body()
	if err != nil {
		return rt.failure(ctx, req, err)
	}
	scope := idempotency.Scope{AccountID: req.Principal.AccountID}
	if isPublic(route.Access) {
		scope = idempotency.Scope{ClientIP: ratelimit.ClientKey(req.ClientIP())}
	}
	claim, err := rt.answers.Begin(hctx, idempotency.Request{Scope: scope, Route: req.RouteKey(), Key: key,
		Method: req.Event.RequestContext.HTTP.Method, Path: req.Event.RawPath, Body: body})
	if err != nil {
		return rt.failure(ctx, req, err)
	}
	switch claim.Outcome {
	case idempotency.Replay:
		return replayed(claim.Stored)
	case idempotency.InFlight:
		p := problem.New(http.StatusConflict, problem.CodeIdempotencyKeyInUse)
		p.RetryAfterSeconds = idempotency.InFlightRetryAfter
		return problemEvent(p, req.Lang, req.RequestID())
	case idempotency.Mismatch:
		return problemEvent(problem.New(http.StatusUnprocessableEntity, problem.CodeIdempotencyKeyReused), req.Lang, req.RequestID())
	}

	actx := ctx
	if dl, ok := ctx.Deadline(); ok {
		var cancel context.CancelFunc
		actx, cancel = context.WithDeadline(ctx, dl.Add(-answerReserve))
		defer cancel()
	}
	defer func() {
		if v := recover(); v != nil {
			rt.release(actx, req, claim)
			panic(v) // Handle answers 500
		}
	}()
	resp := rt.run(ctx, hctx, req, route)
	if resp.StatusCode >= http.StatusInternalServerError {
		rt.release(actx, req, claim)
		return resp
	}
	if err := rt.answers.Finish(actx, claim, idempotency.Response{Status: resp.StatusCode, Headers: resp.Headers, Body: resp.Body}); err != nil {
		// The work is done and answered; a repeat within the key's lease meets it
		// in flight, a later one runs again.
		rt.log.WarnContext(ctx, "idempotent answer not kept", slog.String("route", req.RouteKey()), slog.String("requestId", req.RequestID()), slog.String("why", describe(err)))
	}
	return resp
}

// describe names an error for a log line: an outage by operation and kind, else
// the store's own text, which names no key.
func describe(err error) string {
	if fault.Unavailable(err) {
		return fault.Describe(err)
	}
	return err.Error()
}

func (rt *Router) release(ctx context.Context, req *Request, claim idempotency.Claim) {
	if err := rt.answers.Release(ctx, claim); err != nil {
		rt.log.WarnContext(ctx, "idempotency key not released", slog.String("route", req.RouteKey()), slog.String("requestId", req.RequestID()), slog.String("why", describe(err)))
	}
}

// replayed is a kept answer as it goes out again.
func replayed(s idempotency.Response) events.APIGatewayV2HTTPResponse {
	h := map[string]string{"Cache-Control": "no-store"}
	securityHeaders(h) // the kept headers hold these already
	for k, v := range s.Headers {
		h[k] = v
	}
	h[idempotency.ReplayedHeader] = "true"
	return events.APIGatewayV2HTTPResponse{StatusCode: s.Status, Headers: h, Body: s.Body}
}
