// Package serve starts a function that serves HTTP API routes: the router with its
// request capture and, when a route applies abuse limits, the limiter (likewise the
// consent ledger for gates and the answers' store for Idempotency-Key). Whatever a
// route needs is built and checked at start-up, so a misconfigured route fails
// before the function serves anything, never in the middle of a request.
package serve

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambda/messages"

	"kontor/shared/env"
	"kontor/shared/fault"
	"kontor/shared/httpapi"
	"kontor/shared/idempotency"
	"kontor/shared/lambdainvoke"
	"kontor/shared/privacy"
	"kontor/shared/privacy/privacydb"
	"kontor/shared/privacy/protocol"
	"kontor/shared/ratelimit"
	"kontor/shared/requestlog/requestlogwire"
)

// Router builds the function's router over routes (feature names it in the request
// log) and checks it; it exits the process when configuration is missing.
func Router(log *slog.Logger, feature string, routes map[string]httpapi.Route) *httpapi.Router {
	rt := httpapi.NewRouter(log, routes).WithCapture(requestlogwire.MustCapture(log, feature))
	if rt.NeedsLimiter() {
		rt.WithLimiter(env.Must(log, func(ctx context.Context) (*ratelimit.Limiter, error) { return ratelimit.FromEnv(ctx) }))
	}
	if rt.NeedsLedger() {
		rt.WithLedger(env.Must(log, privacydb.FromEnv))
	}
	if rt.NeedsAnswers() {
		rt.WithAnswers(env.Must(log, idempotency.FromEnv))
	}
	if err := rt.Check(); err != nil {
		log.Error("init failed", slog.String("error", err.Error()))
		fmt.Fprintln(os.Stderr, "init failed:", err)
		os.Exit(1)
	}
	return rt
}

// HTTP serves routes as the function's Lambda handler.
func HTTP(log *slog.Logger, feature string, routes map[string]httpapi.Route) {
	lambda.Start(Router(log, feature, routes).Handle)
}

// Privacy serves the privacy protocol for the module(s) build returns: the handler
// of a module's privacy function, which the privacy core invokes. Each request is
// logged by module, operation and counts, never by subject.
func Privacy(log *slog.Logger, build func(context.Context) ([]privacy.Module, error)) {
	lambda.Start(privacyHandler(log, env.Must(log, build)))
}

// privacyHandler serves the privacy protocol for mods. An outage of the module's
// own storage is reported as such (lambdainvoke.UnavailableType, described without
// the error's text), so the invoking function answers 503, not 500.
func privacyHandler(log *slog.Logger, mods []privacy.Module) func(context.Context, protocol.Request) (protocol.Response, error) {
	return func(ctx context.Context, req protocol.Request) (protocol.Response, error) {
		resp, err := protocol.Serve(ctx, mods, req)
		if err != nil {
			what := err.Error()
			if fault.Unavailable(err) {
				what = fault.Describe(err)
			}
			log.ErrorContext(ctx, "privacy operation failed", slog.String("module", req.Module), slog.String("op", req.Op), slog.String("error", what))
			if fault.Unavailable(err) {
				return resp, messages.InvokeResponse_Error{Type: lambdainvoke.UnavailableType, Message: what}
			}
			return resp, err
		}
		log.InfoContext(ctx, "privacy operation done", slog.String("module", req.Module), slog.String("op", req.Op),
			slog.Any("counts", resp.Counts), slog.Int("deleted", resp.Deleted), slog.Int("skipped", resp.Skipped))
		return resp, nil
	}
}
