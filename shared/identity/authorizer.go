package identity

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"kontor/shared/access"
	"kontor/shared/fault"
	"kontor/shared/httpapi"
	"kontor/shared/ids"
)

// Authorizer is the HTTP API REQUEST authorizer. It resolves the session cookie to a
// principal and always allows the call: the function behind the route decides, so a
// missing or expired session gets Kontor's own 401 problem response instead of API
// Gateway's bare 403 (docs/decisions.md). Nothing is cached: a revoked session stops
// working with the next request.
type Authorizer struct {
	Sessions SessionStore
	Idle     time.Duration
	Now      func() time.Time
	Log      *slog.Logger
}

// AuthorizeTimeout bounds the session lookup: past it the caller is answered 503
// by the function, instead of API Gateway giving up on the authorizer.
const AuthorizeTimeout = 3 * time.Second

// Handle is the Lambda handler.
func (a *Authorizer) Handle(ctx context.Context, ev events.APIGatewayV2CustomAuthorizerV2Request) (events.APIGatewayV2CustomAuthorizerSimpleResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, AuthorizeTimeout)
	defer cancel()
	p, err := a.resolve(ctx, httpapi.CookieValue(ev.Cookies, httpapi.SessionCookie))
	if err != nil {
		// A store failure must not let anyone in, nor tell a signed-in person they
		// are signed out: the function answers 503. Logged without the cookie.
		a.Log.ErrorContext(ctx, "authorizer store failure", slog.String("fault", fault.Describe(err)))
		p = access.Principal{Unavailable: true}
	}
	return events.APIGatewayV2CustomAuthorizerSimpleResponse{IsAuthorized: true, Context: httpapi.AuthorizerContext(p)}, nil
}

func (a *Authorizer) resolve(ctx context.Context, token string) (access.Principal, error) {
	if !ids.PlausibleToken(token) {
		return access.Principal{}, nil
	}
	s, err := a.Sessions.Session(ctx, ids.Digest(token))
	if errors.Is(err, ErrNotFound) {
		return access.Principal{}, nil
	}
	if err != nil {
		return access.Principal{}, err
	}
	now := a.Now()
	if !s.Live(now) {
		return access.Principal{}, nil
	}
	if s.NeedsTouch(now) {
		if err := a.Sessions.Touch(ctx, s.ID, now, s.Touched(now, a.Idle)); err != nil {
			if errors.Is(err, ErrNotFound) {
				return access.Principal{}, nil
			}
			// The session is valid; failing to extend it only shortens it.
			a.Log.WarnContext(ctx, "session touch failed", slog.String("fault", fault.Describe(err)))
		}
	}
	return s.Principal(), nil
}
