// Package serve starts a function that serves HTTP API routes: the router with its
// request capture and, when a route applies abuse limits, the limiter. Whatever a
// route needs is built and checked at start-up, so a misconfigured route fails
// before the function serves anything, never in the middle of a request.
package serve

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"kontor/shared/env"
	"kontor/shared/httpapi"
	"kontor/shared/ratelimit"
	"kontor/shared/requestlog"
)

// Router builds the function's router over routes (feature names it in the request
// log) and checks it; it exits the process when configuration is missing.
func Router(log *slog.Logger, feature string, routes map[string]httpapi.Route) *httpapi.Router {
	rt := httpapi.NewRouter(log, routes).WithCapture(requestlog.MustCapture(log, feature))
	if rt.NeedsLimiter() {
		rt.WithLimiter(env.Must(log, func(ctx context.Context) (*ratelimit.Limiter, error) { return ratelimit.FromEnv(ctx) }))
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
