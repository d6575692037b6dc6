package classifieds

import (
	"context"
	"net/http"
	"time"

	"kontor/shared/problem"
	"kontor/shared/ratelimit"
)

// Throttle counts one event against rule for value (the handler's own limits,
// beyond those the route names); over the limit it is the route limits' 429
// too_many_attempts with Retry-After.
func Throttle(ctx context.Context, lim Limiter, rule ratelimit.Rule, value string) error {
	wait, err := lim.Take(ctx, rule, value)
	if err != nil {
		return err
	}
	if wait > 0 {
		p := problem.New(http.StatusTooManyRequests, problem.CodeTooManyAttempts)
		p.RetryAfterSeconds = int((wait + time.Second - 1) / time.Second)
		return p
	}
	return nil
}
