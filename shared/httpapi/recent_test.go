package httpapi

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"kontor/shared/access"
	"kontor/shared/ids"
	"kontor/shared/problem"
)

// A route that needs a recent proof passes a session whose last proof is at most
// access.ProofWindow old and answers 403 reauthentication_required otherwise, after
// the access and CSRF checks; the proof travels from the authorizer to the router.
func TestRecentRoutesNeedARecentProofOfThePerson(t *testing.T) {
	ok := func(_ context.Context, r *Request) (Response, error) { return NoContent(), nil }
	rt := NewRouter(slog.New(slog.NewTextHandler(io.Discard, nil)), map[string]Route{
		"DELETE /me": {Handler: ok, Access: Signed, Recent: true},
		"PATCH /me":  {Handler: ok, Access: Signed},
	})
	if err := rt.Check(); err != nil {
		t.Fatal(err)
	}
	session := func(confirmed time.Time) access.Principal {
		return access.Principal{AccountID: "a1", SessionID: "s1", CSRFDigest: ids.Digest("tok"), Roles: []string{access.RoleMember}, ConfirmedAt: confirmed}
	}
	now := time.Now()
	cases := []struct {
		name string
		ev   events.APIGatewayV2HTTPRequest
		want int
		code problem.Code
	}{
		{"proof just now", signedIn(withCSRF(event("DELETE", "/me"), "tok"), session(now)), 204, problem.Code{}},
		{"proof inside the window", signedIn(withCSRF(event("DELETE", "/me"), "tok"), session(now.Add(-access.ProofWindow+time.Minute))), 204, problem.Code{}},
		{"proof too old", signedIn(withCSRF(event("DELETE", "/me"), "tok"), session(now.Add(-access.ProofWindow-time.Minute))), 403, problem.CodeReauthenticationRequired},
		{"no proof at all", signedIn(withCSRF(event("DELETE", "/me"), "tok"), session(time.Time{})), 403, problem.CodeReauthenticationRequired},
		{"old proof on an ordinary route", signedIn(withCSRF(event("PATCH", "/me"), "tok"), session(time.Time{})), 204, problem.Code{}},
		{"forged request learns nothing of the proof", signedIn(withCSRF(event("DELETE", "/me"), "other"), session(time.Time{})), 403, problem.CodeCSRF},
		{"no session", withCSRF(event("DELETE", "/me"), "tok"), 401, problem.CodeUnauthenticated},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, _ := rt.Handle(context.Background(), c.ev)
			if resp.StatusCode != c.want {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.want, resp.Body)
			}
			if !c.code.IsZero() && decodeProblem(t, resp).Code != c.code.ID {
				t.Fatalf("wrong code: %s", resp.Body)
			}
		})
	}
	if p := PrincipalFrom(AuthorizerContext(session(now))); !p.ConfirmedAt.Equal(now.UTC().Truncate(time.Nanosecond)) {
		t.Fatalf("proof lost on the way: %v", p.ConfirmedAt)
	}
	bad := AuthorizerContext(session(now))
	bad[CtxConfirmedAt] = "yesterday"
	if p := PrincipalFrom(bad); !p.ConfirmedAt.IsZero() || !p.Authenticated() {
		t.Fatalf("malformed proof read as %+v", p)
	}
}

// A route that asks for a recent proof but needs no session cannot start.
func TestRecentOnARouteWithoutASessionFailsTheCheck(t *testing.T) {
	ok := func(context.Context, *Request) (Response, error) { return NoContent(), nil }
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, a := range []Access{Public, Callback, Optional} {
		if err := NewRouter(log, map[string]Route{"POST /x": {Handler: ok, Access: a, Recent: true}}).Check(); err == nil {
			t.Errorf("access %d with Recent passed the check", a)
		}
	}
}

// An Optional route serves anyone and sees the session when there is one; a session
// store the authorizer could not read is a 503, not "signed out".
func TestOptionalRoutesSeeTheSessionWhenOneIsPresented(t *testing.T) {
	who := func(_ context.Context, r *Request) (Response, error) {
		return JSON(http.StatusOK, map[string]string{"id": r.Principal.AccountID}), nil
	}
	rt := NewRouter(slog.New(slog.NewTextHandler(io.Discard, nil)), map[string]Route{"GET /csrf": {Handler: who, Access: Optional}})
	if resp, _ := rt.Handle(context.Background(), event("GET", "/csrf")); resp.StatusCode != 200 || resp.Body != `{"id":""}` {
		t.Fatalf("anonymous: %d %s", resp.StatusCode, resp.Body)
	}
	member := access.Principal{AccountID: "a1", SessionID: "s1", Roles: []string{access.RoleMember}, MustChangePassword: true}
	if resp, _ := rt.Handle(context.Background(), signedIn(event("GET", "/csrf"), member)); resp.StatusCode != 200 || resp.Body != `{"id":"a1"}` {
		t.Fatalf("signed in: %d %s", resp.StatusCode, resp.Body)
	}
	if resp, _ := rt.Handle(context.Background(), signedIn(event("GET", "/csrf"), access.Principal{Unavailable: true})); resp.StatusCode != 503 {
		t.Fatalf("store down: %d %s", resp.StatusCode, resp.Body)
	}
}
