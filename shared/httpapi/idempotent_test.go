package httpapi

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"kontor/shared/access"
	"kontor/shared/fault"
	"kontor/shared/idempotency"
	"kontor/shared/ids"
	"kontor/shared/problem"
)

// answers is an in-memory idempotency.Store for the router's tests: one key at a
// time is in flight (the tests run requests one after another).
type answers struct {
	kept    map[string]*keptAnswer
	current string
	down    bool
	// released counts keys given up after a failed handler.
	released int
}

type keptAnswer struct {
	fingerprint string
	done        bool
	resp        idempotency.Response
}

func (a *answers) Begin(_ context.Context, r idempotency.Request) (idempotency.Claim, error) {
	if a.down {
		return idempotency.Claim{}, fmt.Errorf("claim idempotency key: %w", fault.ErrUnavailable)
	}
	k := fmt.Sprintf("%s|%s|%s|%s", r.Scope.AccountID, r.Scope.ClientIP, r.Route, r.Key)
	a.current = k
	have, ok := a.kept[k]
	switch {
	case !ok:
		a.kept[k] = &keptAnswer{fingerprint: r.Fingerprint()}
		return idempotency.Claim{Outcome: idempotency.Run}, nil
	case have.fingerprint != r.Fingerprint():
		return idempotency.Claim{Outcome: idempotency.Mismatch}, nil
	case have.done:
		return idempotency.Claim{Outcome: idempotency.Replay, Stored: have.resp}, nil
	}
	return idempotency.Claim{Outcome: idempotency.InFlight}, nil
}

func (a *answers) Finish(_ context.Context, _ idempotency.Claim, resp idempotency.Response) error {
	a.kept[a.current].done, a.kept[a.current].resp = true, resp
	return nil
}

func (a *answers) Release(context.Context, idempotency.Claim) error {
	delete(a.kept, a.current)
	a.released++
	return nil
}

// idempotentRouter serves POST /things (optional key, anonymous), POST /me/things
// (required key, signed in) and POST /flaky, whose handler fails with an outage
// while failing is set; created counts the handlers' runs.
func idempotentRouter(t *testing.T) (*Router, *answers, *int, *bool) {
	t.Helper()
	created, failing := 0, false
	create := func(_ context.Context, r *Request) (Response, error) {
		var b body
		if err := r.DecodeJSON(&b, 64); err != nil {
			return Response{}, err
		}
		if failing {
			return Response{}, fmt.Errorf("create: %w", fault.ErrUnavailable)
		}
		created++
		return Response{Status: http.StatusCreated, Body: map[string]any{"n": created, "name": b.Name}, Headers: map[string]string{"Location": fmt.Sprintf("/things/%d", created)}}, nil
	}
	a := &answers{kept: map[string]*keptAnswer{}}
	rt := NewRouter(slog.New(slog.NewTextHandler(io.Discard, nil)), map[string]Route{
		"POST /things":    {Handler: create, Idempotency: IdempotencyOptional},
		"POST /me/things": {Handler: create, Access: Signed, Idempotency: IdempotencyRequired},
		"POST /plain":     {Handler: create},
	}).WithAnswers(a)
	if err := rt.Check(); err != nil {
		t.Fatal(err)
	}
	return rt, a, &created, &failing
}

// post is a POST of {"name": name} with the Idempotency-Key key ("" for none).
func post(path, key, name string) events.APIGatewayV2HTTPRequest {
	ev := withCSRF(event("POST", path), "Zm9vYmFyYmF6")
	ev.Headers["content-type"] = "application/json"
	ev.Body = `{"name":"` + name + `"}`
	ev.RequestContext.HTTP.SourceIP = "198.51.100.7"
	if key != "" {
		ev.Headers["idempotency-key"] = key
	}
	return ev
}

const key1 = "5f0c6b7e-8a64-4f1b-9d7c-2e3a4b5c6d7e"

// A request repeated with its Idempotency-Key gets the first answer, marked as
// replayed, and the handler does not run again; without a key on an optional
// route, every request runs.
func TestARepeatedKeyReplaysTheFirstAnswer(t *testing.T) {
	rt, _, created, _ := idempotentRouter(t)
	first, _ := rt.Handle(context.Background(), post("/things", key1, "a"))
	again, _ := rt.Handle(context.Background(), post("/things", `"`+key1+`"`, "a")) // the draft's sf-string form
	if first.StatusCode != http.StatusCreated || *created != 1 {
		t.Fatalf("first: %d %s, %d created", first.StatusCode, first.Body, *created)
	}
	if again.StatusCode != first.StatusCode || again.Body != first.Body || again.Headers["Location"] != "/things/1" ||
		again.Headers[idempotency.ReplayedHeader] != "true" || first.Headers[idempotency.ReplayedHeader] != "" {
		t.Fatalf("repeat: %d %s %v", again.StatusCode, again.Body, again.Headers)
	}
	for _, h := range []string{"Content-Security-Policy", "Strict-Transport-Security", "Cache-Control", "Content-Type"} {
		if again.Headers[h] != first.Headers[h] {
			t.Errorf("replayed %s %q, first %q", h, again.Headers[h], first.Headers[h])
		}
	}
	for range 2 {
		_, _ = rt.Handle(context.Background(), post("/things", "", "a"))
	}
	if *created != 3 {
		t.Fatalf("requests without a key ran %d times, want 2", *created-1)
	}
}

// The key is the caller's: the same key from another client, or of another
// account, is another key.
func TestKeysAreScopedToTheCaller(t *testing.T) {
	rt, _, created, _ := idempotentRouter(t)
	_, _ = rt.Handle(context.Background(), post("/things", key1, "a"))
	other := post("/things", key1, "a")
	other.RequestContext.HTTP.SourceIP = "203.0.113.9"
	if r, _ := rt.Handle(context.Background(), other); r.StatusCode != http.StatusCreated || r.Headers[idempotency.ReplayedHeader] != "" {
		t.Fatalf("another client's key: %d %v", r.StatusCode, r.Headers)
	}
	anna := access.Principal{AccountID: "a1", SessionID: "s1", CSRFDigest: ids.Digest("Zm9vYmFyYmF6")}
	ben := access.Principal{AccountID: "a2", SessionID: "s2", CSRFDigest: ids.Digest("Zm9vYmFyYmF6")}
	_, _ = rt.Handle(context.Background(), signedIn(post("/me/things", key1, "a"), anna))
	if r, _ := rt.Handle(context.Background(), signedIn(post("/me/things", key1, "a"), ben)); r.StatusCode != http.StatusCreated || r.Headers[idempotency.ReplayedHeader] != "" {
		t.Fatalf("another account's key: %d %v", r.StatusCode, r.Headers)
	}
	if *created != 4 {
		t.Fatalf("%d created, want 4", *created)
	}
}

// What the router answers instead of running the handler: a malformed key (400),
// a missing key on a route that requires one (400), the key of another request
// (422), the key of a request still running (409 with Retry-After), a store that
// is down (503).
func TestKeyProblems(t *testing.T) {
	anna := access.Principal{AccountID: "a1", SessionID: "s1", CSRFDigest: ids.Digest("Zm9vYmFyYmF6")}
	cases := []struct {
		name       string
		prepare    func(rt *Router, a *answers)
		ev         events.APIGatewayV2HTTPRequest
		status     int
		code       problem.Code
		retryAfter string
	}{
		{"too short", nil, post("/things", "abc", "a"), 400, problem.CodeIdempotencyKeyInvalid, ""},
		{"bad characters", nil, post("/things", strings.Repeat("ä", 20), "a"), 400, problem.CodeIdempotencyKeyInvalid, ""},
		{"too long", nil, post("/things", strings.Repeat("k", idempotency.MaxKeyLen+1), "a"), 400, problem.CodeIdempotencyKeyInvalid, ""},
		{"missing where required", nil, signedIn(post("/me/things", "", "a"), anna), 400, problem.CodeIdempotencyKeyMissing, ""},
		{"another request under the key", func(rt *Router, _ *answers) {
			_, _ = rt.Handle(context.Background(), post("/things", key1, "a"))
		}, post("/things", key1, "b"), 422, problem.CodeIdempotencyKeyReused, ""},
		{"first request still running", func(rt *Router, a *answers) {
			_, _ = a.Begin(context.Background(), idempotency.Request{Scope: idempotency.Scope{ClientIP: "198.51.100.7"}, Route: "POST /things", Key: key1,
				Method: "POST", Path: "/things", Body: []byte(`{"name":"a"}`)})
		}, post("/things", key1, "a"), 409, problem.CodeIdempotencyKeyInUse, "1"},
		{"store down", func(_ *Router, a *answers) { a.down = true }, post("/things", key1, "a"), 503, problem.CodeUnavailable, "5"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rt, a, created, _ := idempotentRouter(t)
			if c.prepare != nil {
				c.prepare(rt, a)
			}
			before := *created
			resp, _ := rt.Handle(context.Background(), c.ev)
			if resp.StatusCode != c.status || decodeProblem(t, resp).Code != c.code.ID || resp.Headers["Retry-After"] != c.retryAfter {
				t.Fatalf("%d %s Retry-After %q, want %d %s %q", resp.StatusCode, resp.Body, resp.Headers["Retry-After"], c.status, c.code.ID, c.retryAfter)
			}
			if *created != before {
				t.Fatal("the handler ran")
			}
		})
	}
}

// A handler that fails with a 5xx releases the key: the repeat runs again and
// its success is kept. A problem the handler answers (4xx) is kept like a success.
func TestAFailedRequestReleasesItsKey(t *testing.T) {
	rt, a, created, failing := idempotentRouter(t)
	*failing = true
	if r, _ := rt.Handle(context.Background(), post("/things", key1, "a")); r.StatusCode != http.StatusServiceUnavailable || a.released != 1 {
		t.Fatalf("failing: %d, %d released", r.StatusCode, a.released)
	}
	*failing = false
	if r, _ := rt.Handle(context.Background(), post("/things", key1, "a")); r.StatusCode != http.StatusCreated || r.Headers[idempotency.ReplayedHeader] != "" || *created != 1 {
		t.Fatalf("repeat after the failure: %d %v, %d created", r.StatusCode, r.Headers, *created)
	}
	const key2 = "0b9e1c2d-3f4a-4b5c-8d6e-7f8091a2b3c4"
	bad := post("/things", key2, "a")
	bad.Body = `{"name":`
	first, _ := rt.Handle(context.Background(), bad)
	again, _ := rt.Handle(context.Background(), bad)
	if first.StatusCode != http.StatusBadRequest || again.StatusCode != http.StatusBadRequest || again.Headers[idempotency.ReplayedHeader] != "true" {
		t.Fatalf("invalid body: %d, then %d %v", first.StatusCode, again.StatusCode, again.Headers)
	}
}

// A handler that panics releases the key as well (and is answered 500).
func TestAPanickingHandlerReleasesItsKey(t *testing.T) {
	a := &answers{kept: map[string]*keptAnswer{}}
	rt := NewRouter(slog.New(slog.NewTextHandler(io.Discard, nil)), map[string]Route{
		"POST /things": {Handler: func(context.Context, *Request) (Response, error) { panic("boom") }, Idempotency: IdempotencyOptional},
	}).WithAnswers(a)
	if r, _ := rt.Handle(context.Background(), post("/things", key1, "a")); r.StatusCode != http.StatusInternalServerError || a.released != 1 || len(a.kept) != 0 {
		t.Fatalf("%d, %d released, %d kept", r.StatusCode, a.released, len(a.kept))
	}
}

// A route that honours Idempotency-Key cannot start without the store, on a
// callback, or on a method that changes nothing.
func TestMisconfiguredIdempotencyFailsTheCheck(t *testing.T) {
	h := func(context.Context, *Request) (Response, error) { return NoContent(), nil }
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for name, c := range map[string]struct {
		routes map[string]Route
		store  bool
	}{
		"no store":    {map[string]Route{"POST /x": {Handler: h, Idempotency: IdempotencyOptional}}, false},
		"on callback": {map[string]Route{"POST /x": {Handler: h, Access: Callback, Idempotency: IdempotencyRequired}}, true},
		"on a read":   {map[string]Route{"GET /x": {Handler: h, Idempotency: IdempotencyOptional}}, true},
	} {
		rt := NewRouter(log, c.routes)
		if c.store {
			rt.WithAnswers(&answers{})
		}
		if rt.Check() == nil {
			t.Errorf("%s: Check passed", name)
		}
	}
	if rt := NewRouter(log, map[string]Route{"POST /x": {Handler: h}}); rt.NeedsAnswers() || rt.Check() != nil {
		t.Error("a route without idempotency needs a store")
	}
}
