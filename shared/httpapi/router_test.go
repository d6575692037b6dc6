package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"kontor/shared/access"
	"kontor/shared/fault"
	"kontor/shared/ids"
	"kontor/shared/problem"
	"kontor/shared/ratelimit"
)

type body struct {
	Name string `json:"name"`
}

func event(method, path string) events.APIGatewayV2HTTPRequest {
	ev := events.APIGatewayV2HTTPRequest{RouteKey: method + " " + path, RawPath: path, Headers: map[string]string{}}
	ev.RequestContext.HTTP.Method = method
	ev.RequestContext.RequestID = "req-1"
	return ev
}

func withCSRF(ev events.APIGatewayV2HTTPRequest, token string) events.APIGatewayV2HTTPRequest {
	ev.Headers["x-csrf-token"] = token
	ev.Cookies = append(ev.Cookies, CSRFCookie+"="+token)
	return ev
}

func signedIn(ev events.APIGatewayV2HTTPRequest, p access.Principal) events.APIGatewayV2HTTPRequest {
	ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{Lambda: AuthorizerContext(p)}
	return ev
}

func testRouter(t *testing.T) *Router {
	t.Helper()
	echo := func(_ context.Context, r *Request) (Response, error) {
		var b body
		if err := r.DecodeJSON(&b, 64); err != nil {
			return Response{}, err
		}
		return JSON(http.StatusOK, b), nil
	}
	ok := func(_ context.Context, r *Request) (Response, error) {
		return JSON(http.StatusOK, map[string]string{"id": r.Principal.AccountID}), nil
	}
	return NewRouter(slog.New(slog.NewTextHandler(io.Discard, nil)), map[string]Route{
		"POST /echo":    {Handler: echo},
		"GET /me":       {Handler: ok, Access: Signed},
		"PUT /password": {Handler: ok, Access: SignedPending},
		"GET /admin":    {Handler: ok, Access: Signed, Role: access.RoleAdmin},
		"GET /manage":   {Handler: ok, Access: Signed, AnyRole: []string{access.RoleStaff, access.RoleAdmin}},
		"GET /panic":    {Handler: func(context.Context, *Request) (Response, error) { panic("boom") }},
		"GET /internal": {Handler: func(context.Context, *Request) (Response, error) { return Response{}, errors.New("db down") }},
	})
}

func decodeProblem(t *testing.T, resp events.APIGatewayV2HTTPResponse) problem.Body {
	t.Helper()
	if resp.Headers["Content-Type"] != "application/problem+json" {
		t.Fatalf("content type %q, body %s", resp.Headers["Content-Type"], resp.Body)
	}
	var b problem.Body
	if err := json.Unmarshal([]byte(resp.Body), &b); err != nil {
		t.Fatalf("problem body: %v", err)
	}
	return b
}

func TestBadBodiesGetProblemResponses(t *testing.T) {
	rt := testRouter(t)
	const tok = "Zm9vYmFyYmF6"
	cases := []struct {
		name, ctype, body string
		status            int
		code              problem.Code
	}{
		{"unknown field", "application/json", `{"name":"a","admin":true}`, 400, problem.CodeInvalidJSON},
		{"trailing data", "application/json", `{"name":"a"}{"name":"b"}`, 400, problem.CodeInvalidJSON},
		{"array", "application/json", `[{"name":"a"}]`, 400, problem.CodeInvalidJSON},
		{"malformed", "application/json", `{"name":`, 400, problem.CodeInvalidJSON},
		{"invalid utf-8", "application/json", "{\"name\":\"\xff\xfe\"}", 400, problem.CodeInvalidJSON},
		{"wrong type", "text/plain", `{"name":"a"}`, 415, problem.CodeUnsupportedMediaType},
		{"no type", "", `{"name":"a"}`, 415, problem.CodeUnsupportedMediaType},
		{"too large", "application/json", `{"name":"` + strings.Repeat("x", 100) + `"}`, 413, problem.CodeBodyTooLarge},
		{"null", "application/json", `null`, 400, problem.CodeInvalidJSON},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ev := withCSRF(event("POST", "/echo"), tok)
			if c.ctype != "" {
				ev.Headers["content-type"] = c.ctype
			}
			ev.Body = c.body
			resp, err := rt.Handle(context.Background(), ev)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d (%s)", resp.StatusCode, c.status, resp.Body)
			}
			if b := decodeProblem(t, resp); b.Code != c.code.ID {
				t.Fatalf("code %q, want %q", b.Code, c.code.ID)
			}
		})
	}
}

func TestValidBodyIsEchoed(t *testing.T) {
	ev := withCSRF(event("POST", "/echo"), "Zm9vYmFyYmF6")
	ev.Headers["content-type"] = "application/json; charset=utf-8"
	ev.Body = `{"name":"Grüße"}`
	resp, _ := testRouter(t).Handle(context.Background(), ev)
	if resp.StatusCode != 200 || resp.Body != `{"name":"Grüße"}` || resp.Headers["Cache-Control"] != "no-store" {
		t.Fatalf("got %d %s %v", resp.StatusCode, resp.Body, resp.Headers)
	}
}

func TestCSRFIsRequiredOnStateChangingRequests(t *testing.T) {
	rt := testRouter(t)
	session := access.Principal{AccountID: "a1", SessionID: "s1", CSRFDigest: ids.Digest("bound-token"), Roles: []string{access.RoleMember}, MustChangePassword: true}
	cases := []struct {
		name string
		ev   events.APIGatewayV2HTTPRequest
		want int
	}{
		{"no token at all", event("POST", "/echo"), 403},
		{"header without cookie", func() events.APIGatewayV2HTTPRequest {
			ev := event("POST", "/echo")
			ev.Headers["x-csrf-token"] = "abc"
			return ev
		}(), 403},
		{"cookie and header differ", func() events.APIGatewayV2HTTPRequest {
			ev := event("POST", "/echo")
			ev.Headers["x-csrf-token"] = "abc"
			ev.Cookies = []string{CSRFCookie + "=abd"}
			return ev
		}(), 403},
		{"duplicate cookie", func() events.APIGatewayV2HTTPRequest {
			ev := withCSRF(event("POST", "/echo"), "abc")
			ev.Cookies = append(ev.Cookies, CSRFCookie+"=evil")
			return ev
		}(), 403},
		{"signed in but token not the session's", signedIn(withCSRF(event("PUT", "/password"), "other-token"), session), 403},
		{"signed in with the session's token", signedIn(withCSRF(event("PUT", "/password"), "bound-token"), session), 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, _ := rt.Handle(context.Background(), c.ev)
			if resp.StatusCode != c.want {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.want, resp.Body)
			}
			if c.want == 403 && decodeProblem(t, resp).Code != problem.CodeCSRF.ID {
				t.Fatalf("wrong code: %s", resp.Body)
			}
		})
	}
}

func TestAccessRules(t *testing.T) {
	rt := testRouter(t)
	member := access.Principal{AccountID: "a1", SessionID: "s1", Roles: []string{access.RoleMember}}
	pending := member
	pending.MustChangePassword = true
	admin := access.Principal{AccountID: "a2", SessionID: "s2", Roles: []string{access.RoleMember, access.RoleAdmin}}
	staff := access.Principal{AccountID: "a3", SessionID: "s3", Roles: []string{access.RoleMember, access.RoleStaff}}
	cases := []struct {
		name string
		ev   events.APIGatewayV2HTTPRequest
		want int
		code problem.Code
	}{
		{"no session", event("GET", "/me"), 401, problem.CodeUnauthenticated},
		{"anonymous context", signedIn(event("GET", "/me"), access.Principal{}), 401, problem.CodeUnauthenticated},
		{"member", signedIn(event("GET", "/me"), member), 200, problem.Code{}},
		// Promise: HKC-2 — nothing but the password change works until it is done.
		{"temporary password blocks other routes", signedIn(event("GET", "/me"), pending), 403, problem.CodePasswordChangeRequired},
		{"member on admin route", signedIn(event("GET", "/admin"), member), 403, problem.CodeForbidden},
		{"admin on admin route", signedIn(event("GET", "/admin"), admin), 200, problem.Code{}},
		{"staff on admin route", signedIn(event("GET", "/admin"), staff), 403, problem.CodeForbidden},
		{"member on a route for any of two roles", signedIn(event("GET", "/manage"), member), 403, problem.CodeForbidden},
		{"staff on a route for any of two roles", signedIn(event("GET", "/manage"), staff), 200, problem.Code{}},
		{"admin on a route for any of two roles", signedIn(event("GET", "/manage"), admin), 200, problem.Code{}},
		{"unknown route", event("GET", "/nope"), 404, problem.CodeNotFound},
		{"panic", event("GET", "/panic"), 500, problem.CodeInternal},
		{"internal error", event("GET", "/internal"), 500, problem.CodeInternal},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp, err := rt.Handle(context.Background(), c.ev)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != c.want {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.want, resp.Body)
			}
			if !c.code.IsZero() {
				b := decodeProblem(t, resp)
				if b.Code != c.code.ID || strings.Contains(b.Detail, "boom") || strings.Contains(b.Detail, "db down") {
					t.Fatalf("problem %+v", b)
				}
			}
		})
	}
}

func TestLanguageNegotiation(t *testing.T) {
	cases := []struct{ cookie, accept, want string }{
		{"", "", "de"},
		{"en", "de-DE", "en"},
		{"fr", "en-GB,en;q=0.9", "en"},
		{"", "fr-FR, en;q=0.5, de;q=0.8", "de"},
		{"", "de;q=0, en;q=0.1", "en"},
		{"", "ja", "de"},
	}
	for _, c := range cases {
		if got := negotiateLang(c.cookie, c.accept); got != c.want {
			t.Errorf("negotiateLang(%q, %q) = %q, want %q", c.cookie, c.accept, got, c.want)
		}
	}
}

func TestProblemIsInCallersLanguage(t *testing.T) {
	ev := event("GET", "/me")
	ev.Headers["accept-language"] = "en-US"
	resp, _ := testRouter(t).Handle(context.Background(), ev)
	if b := decodeProblem(t, resp); b.Detail != "Please sign in." || resp.Headers["Content-Language"] != "en" {
		t.Fatalf("got %+v", b)
	}
}

func TestCookiesHoldNoPersonalDataAndAreSessionCookies(t *testing.T) {
	// Promise: AHK-4 — only session cookies: session, CSRF and language.
	for _, c := range []string{SetSessionCookie(ids.NewToken()), SetCSRFCookie(ids.NewToken()), SetLangCookie("en")} {
		if strings.Contains(c, "Expires") || strings.Contains(c, "Max-Age") {
			t.Errorf("cookie is persistent: %s", c)
		}
		if !strings.Contains(c, "Secure") || !strings.Contains(c, "SameSite=Lax") {
			t.Errorf("cookie lacks Secure/SameSite: %s", c)
		}
	}
	if !strings.Contains(SetSessionCookie("x"), "HttpOnly") {
		t.Error("session cookie readable by script")
	}
	if c := ClearSessionCookie(); !strings.Contains(c, "Max-Age=0") {
		t.Errorf("clearing cookie does not expire it: %s", c)
	}
}

// A Callback route is reached without session or CSRF proof (its handler
// authenticates the caller), and never sees a principal even when the authorizer
// context claims one.
func TestCallbackRoutesNeedNoCSRFAndCarryNoPrincipal(t *testing.T) {
	var seen access.Principal
	rt := NewRouter(slog.New(slog.NewTextHandler(io.Discard, nil)), map[string]Route{
		"POST /callback": {Access: Callback, Handler: func(_ context.Context, r *Request) (Response, error) {
			seen = r.Principal
			return NoContent(), nil
		}},
		"POST /public": {Access: Public, Handler: func(context.Context, *Request) (Response, error) { return NoContent(), nil }},
	})
	ev := signedIn(event("POST", "/callback"), access.Principal{AccountID: "a1", SessionID: "s1", Roles: []string{access.RoleAdmin}})
	resp, _ := rt.Handle(context.Background(), ev)
	if resp.StatusCode != http.StatusNoContent || seen.AccountID != "" {
		t.Fatalf("callback: %d %+v", resp.StatusCode, seen)
	}
	// A public route still needs the CSRF proof.
	if resp, _ := rt.Handle(context.Background(), event("POST", "/public")); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("public without CSRF: %d", resp.StatusCode)
	}
}

// countingLimiter allows max events per value.
type countingLimiter struct {
	max    int
	counts map[string]int
	err    error
}

func (l *countingLimiter) Take(_ context.Context, rule ratelimit.Rule, value string) (time.Duration, error) {
	if l.err != nil {
		return 0, l.err
	}
	k := rule.Name + "/" + value
	if l.counts[k] >= l.max {
		return 90 * time.Second, nil
	}
	l.counts[k]++
	return 0, nil
}

func TestLimitsAnswer429WithRetryAfterPerClientAndPerAccount(t *testing.T) {
	ok := func(context.Context, *Request) (Response, error) { return NoContent(), nil }
	perClient := ratelimit.Rule{Name: "c", Scope: ratelimit.PerClient, Max: 2, Window: time.Hour}
	perAccount := ratelimit.Rule{Name: "a", Scope: ratelimit.PerAccount, Max: 2, Window: time.Hour}
	lim := &countingLimiter{max: 2, counts: map[string]int{}}
	rt := NewRouter(slog.New(slog.NewTextHandler(io.Discard, nil)), map[string]Route{
		"GET /public": {Handler: ok, Limits: []ratelimit.Rule{perClient}},
		"GET /mine":   {Handler: ok, Access: Signed, Limits: []ratelimit.Rule{perAccount}},
	}).WithLimiter(lim)
	if err := rt.Check(); err != nil {
		t.Fatal(err)
	}
	from := func(ip string) events.APIGatewayV2HTTPRequest {
		ev := event("GET", "/public")
		ev.RequestContext.HTTP.SourceIP = ip
		return ev
	}
	for range 2 {
		if resp, _ := rt.Handle(context.Background(), from("192.0.2.1")); resp.StatusCode != 204 {
			t.Fatalf("within the limit: %d", resp.StatusCode)
		}
	}
	resp, _ := rt.Handle(context.Background(), from("192.0.2.1"))
	if resp.StatusCode != 429 || resp.Headers["Retry-After"] != "90" || decodeProblem(t, resp).Code != problem.CodeTooManyAttempts.ID {
		t.Fatalf("over the limit: %d %v %s", resp.StatusCode, resp.Headers, resp.Body)
	}
	if resp, _ := rt.Handle(context.Background(), from("192.0.2.2")); resp.StatusCode != 204 {
		t.Fatalf("another client: %d", resp.StatusCode)
	}
	member := access.Principal{AccountID: "a1", SessionID: "s1", Roles: []string{access.RoleMember}}
	for i, want := range []int{204, 204, 429} {
		if resp, _ := rt.Handle(context.Background(), signedIn(event("GET", "/mine"), member)); resp.StatusCode != want {
			t.Fatalf("account request %d: %d, want %d", i+1, resp.StatusCode, want)
		}
	}
	// The limit is counted after admission: an anonymous caller gets 401, not a count.
	if resp, _ := rt.Handle(context.Background(), event("GET", "/mine")); resp.StatusCode != 401 {
		t.Fatalf("anonymous: %d", resp.StatusCode)
	}
}

func TestMisconfiguredLimitsFailTheCheck(t *testing.T) {
	ok := func(context.Context, *Request) (Response, error) { return NoContent(), nil }
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	perAccount := ratelimit.Rule{Name: "a", Scope: ratelimit.PerAccount, Max: 1, Window: time.Hour}
	if err := NewRouter(log, map[string]Route{"GET /x": {Handler: ok, Access: Signed, Limits: []ratelimit.Rule{perAccount}}}).Check(); err == nil {
		t.Error("limits without a limiter passed the check")
	}
	lim := &countingLimiter{counts: map[string]int{}}
	if err := NewRouter(log, map[string]Route{"GET /x": {Handler: ok, Limits: []ratelimit.Rule{perAccount}}}).WithLimiter(lim).Check(); err == nil {
		t.Error("a per-account limit on a public route passed the check")
	}
	if err := NewRouter(log, map[string]Route{"GET /x": {Handler: ok, Limits: []ratelimit.Rule{ratelimit.MailToAddress}}}).WithLimiter(lim).Check(); err == nil {
		t.Error("a per-address limit on a route passed the check")
	}
}

// A dependency that is down is answered 503 with Retry-After, never 500 and never
// "please sign in"; a caller whose session the authorizer could not read is not
// anonymous.
func TestOutagesAre503WithRetryAfter(t *testing.T) {
	down := func(context.Context, *Request) (Response, error) {
		return Response{}, fmt.Errorf("load: %w", context.DeadlineExceeded)
	}
	rt := NewRouter(slog.New(slog.NewTextHandler(io.Discard, nil)), map[string]Route{
		"GET /down": {Handler: down},
		"GET /me":   {Handler: func(context.Context, *Request) (Response, error) { return NoContent(), nil }, Access: Signed},
		"GET /lim":  {Handler: func(context.Context, *Request) (Response, error) { return NoContent(), nil }, Limits: []ratelimit.Rule{{Name: "x", Scope: ratelimit.PerClient, Max: 1, Window: time.Hour}}},
	}).WithLimiter(&countingLimiter{err: fmt.Errorf("count: %w", fault.ErrUnavailable)})
	for _, ev := range []events.APIGatewayV2HTTPRequest{
		event("GET", "/down"),
		signedIn(event("GET", "/me"), access.Principal{Unavailable: true}),
		func() events.APIGatewayV2HTTPRequest {
			e := event("GET", "/lim")
			e.RequestContext.HTTP.SourceIP = "192.0.2.7"
			return e
		}(),
	} {
		resp, _ := rt.Handle(context.Background(), ev)
		if resp.StatusCode != 503 || resp.Headers["Retry-After"] == "" || decodeProblem(t, resp).Code != problem.CodeUnavailable.ID {
			t.Fatalf("%s: %d %v %s", ev.RouteKey, resp.StatusCode, resp.Headers, resp.Body)
		}
	}
}

// A handler's context ends before the function's, so the router can still answer.
func TestHandlerDeadlineLeavesTimeToAnswer(t *testing.T) {
	var left time.Duration
	rt := NewRouter(slog.New(slog.NewTextHandler(io.Discard, nil)), map[string]Route{
		"GET /t": {Handler: func(ctx context.Context, _ *Request) (Response, error) {
			dl, _ := ctx.Deadline()
			left = time.Until(dl)
			return NoContent(), nil
		}},
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, _ = rt.Handle(ctx, event("GET", "/t"))
	if left > 10*time.Second-HandlerReserve || left < 8*time.Second {
		t.Fatalf("handler had %v of 10s", left)
	}
}

type ledger struct {
	granted    map[string]string
	restricted bool
}

func (l *ledger) Standing(context.Context, string) (map[string]string, bool, error) {
	return l.granted, l.restricted, nil
}

func TestGateAnswersTheFirstMissingConsentAndStopsWritesWhileRestricted(t *testing.T) {
	first := problem.Define("first_consent_required", "Erste fehlt.", "First missing.")
	second := problem.Define("second_consent_required", "Zweite fehlt.", "Second missing.")
	g := &Gate{Consents: []Consent{{Purpose: "one", Missing: first}, {Purpose: "two", Missing: second}}, WritesStopWhenRestricted: true}
	ok := func(context.Context, *Request) (Response, error) { return NoContent(), nil }
	l := &ledger{}
	rt := NewRouter(slog.New(slog.NewTextHandler(io.Discard, nil)), map[string]Route{
		"GET /mine":  {Handler: ok, Access: Signed, Gate: g},
		"POST /mine": {Handler: ok, Access: Signed, Gate: g},
	}).WithLedger(l)
	if err := rt.Check(); err != nil {
		t.Fatal(err)
	}
	const token = "Zm9vYmFyYmF6"
	member := access.Principal{AccountID: "a1", SessionID: "s1", Roles: []string{access.RoleMember}, CSRFDigest: ids.Digest(token)}
	call := func(method string) (int, string) {
		ev := signedIn(event(method, "/mine"), member)
		if method == "POST" {
			ev = withCSRF(ev, token)
		}
		resp, _ := rt.Handle(context.Background(), ev)
		if resp.StatusCode == 204 {
			return 204, ""
		}
		return resp.StatusCode, decodeProblem(t, resp).Code
	}
	for _, c := range []struct {
		granted    map[string]string
		restricted bool
		method     string
		status     int
		code       string
	}{
		{nil, false, "GET", 403, first.ID},
		{map[string]string{"two": "1"}, false, "GET", 403, first.ID},
		{map[string]string{"one": "1"}, false, "GET", 403, second.ID},
		{map[string]string{"one": "1", "two": "1"}, false, "GET", 204, ""},
		{map[string]string{"one": "1", "two": "1"}, false, "POST", 204, ""},
		{map[string]string{"one": "1", "two": "1"}, true, "GET", 204, ""},
		{map[string]string{"one": "1", "two": "1"}, true, "POST", 403, problem.CodeProcessingRestricted.ID},
	} {
		l.granted, l.restricted = c.granted, c.restricted
		if status, code := call(c.method); status != c.status || code != c.code {
			t.Fatalf("%v restricted=%v %s: %d %s, want %d %s", c.granted, c.restricted, c.method, status, code, c.status, c.code)
		}
	}
	// A gate needs a ledger and a session to check it for.
	if err := NewRouter(slog.New(slog.NewTextHandler(io.Discard, nil)), map[string]Route{"GET /mine": {Handler: ok, Access: Signed, Gate: g}}).Check(); err == nil {
		t.Fatal("a gated route without a ledger passed the check")
	}
	if err := NewRouter(slog.New(slog.NewTextHandler(io.Discard, nil)), map[string]Route{"GET /open": {Handler: ok, Gate: g}}).WithLedger(l).Check(); err == nil {
		t.Fatal("a gated public route passed the check")
	}
}

// Every response carries the site's security headers; a page's policy allows
// exactly its own inline styles by hash and never a script.
func TestEveryResponseCarriesTheSecurityHeaders(t *testing.T) {
	const style = "body{margin:0}"
	page := "<!doctype html><html><head><style>" + style + "</style></head><body><script>alert(1)</script></body></html>"
	rt := NewRouter(slog.New(slog.NewTextHandler(io.Discard, nil)), map[string]Route{
		"GET /page": {Handler: func(context.Context, *Request) (Response, error) { return HTML(http.StatusOK, page), nil }},
		"GET /json": {Handler: func(context.Context, *Request) (Response, error) {
			return JSON(http.StatusOK, map[string]int{"n": 1}), nil
		}},
		"GET /fail": {Handler: func(context.Context, *Request) (Response, error) {
			return Response{}, problem.New(http.StatusNotFound, problem.CodeNotFound)
		}},
	})
	sum := sha256.Sum256([]byte(style))
	hash := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	for _, path := range []string{"/page", "/json", "/fail"} {
		resp, _ := rt.Handle(context.Background(), event("GET", path))
		h := resp.Headers
		for k, v := range map[string]string{"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cross-Origin-Opener-Policy": "same-origin"} {
			if h[k] != v {
				t.Errorf("%s: %s is %q, want %q", path, k, h[k], v)
			}
		}
		csp := h["Content-Security-Policy"]
		if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "script-src") {
			t.Errorf("%s: Content-Security-Policy %q", path, csp)
		}
		if (path == "/page") != strings.Contains(csp, "style-src "+hash) {
			t.Errorf("%s: Content-Security-Policy %q, style hash %s", path, csp, hash)
		}
	}
}

// A global limit counts every client together; a route's per-client limit comes
// first, so a client past its own limit spends nothing of the global budget.
func TestGlobalLimitCountsAllClientsTogether(t *testing.T) {
	ok := func(context.Context, *Request) (Response, error) { return NoContent(), nil }
	perClient := ratelimit.Rule{Name: "c", Scope: ratelimit.PerClient, Max: 2, Window: time.Hour}
	all := ratelimit.Rule{Name: "c.all", Scope: ratelimit.Global, Max: 2, Window: time.Hour}
	lim := &countingLimiter{max: 2, counts: map[string]int{}} // 2 per rule and value
	rt := NewRouter(slog.New(slog.NewTextHandler(io.Discard, nil)), map[string]Route{
		"GET /public": {Handler: ok, Limits: []ratelimit.Rule{perClient, all}},
	}).WithLimiter(lim)
	if err := rt.Check(); err != nil {
		t.Fatal(err)
	}
	from := func(ip string) int {
		ev := event("GET", "/public")
		ev.RequestContext.HTTP.SourceIP = ip
		resp, _ := rt.Handle(context.Background(), ev)
		return resp.StatusCode
	}
	for i, c := range []struct {
		ip   string
		want int
	}{{"192.0.2.1", 204}, {"192.0.2.1", 204}, {"192.0.2.1", 429}, {"192.0.2.2", 429}} {
		if got := from(c.ip); got != c.want {
			t.Fatalf("request %d from %s: %d, want %d", i+1, c.ip, got, c.want)
		}
	}
	if lim.counts["c.all/"] != 2 {
		t.Fatalf("global counter %d, want 2 (keyed without the client: %v)", lim.counts["c.all/"], lim.counts)
	}
}

// A route's body cap answers 413 before its handler runs (after the limits count).
func TestBodyCapAnswers413BeforeTheHandler(t *testing.T) {
	ran := false
	h := func(context.Context, *Request) (Response, error) { ran = true; return NoContent(), nil }
	rt := NewRouter(slog.New(slog.NewTextHandler(io.Discard, nil)), map[string]Route{
		"POST /small": {Handler: h, MaxBody: 10},
	})
	ev := withCSRF(event("POST", "/small"), "Zm9vYmFyYmF6")
	ev.Body = `{"name":"longer than ten"}`
	resp, _ := rt.Handle(context.Background(), ev)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || ran || decodeProblem(t, resp).Code != problem.CodeBodyTooLarge.ID {
		t.Fatalf("over the cap: %d ran=%v %s", resp.StatusCode, ran, resp.Body)
	}
	ev.Body = `{}`
	if resp, _ := rt.Handle(context.Background(), ev); resp.StatusCode != http.StatusNoContent || !ran {
		t.Fatalf("within the cap: %d ran=%v", resp.StatusCode, ran)
	}
}

// A route hidden from those without its role answers them 404 not_found, as for a
// route that does not exist; signed out it is still 401, and with the role it runs.
func TestRouteHiddenWithoutRoleAnswers404(t *testing.T) {
	ok := func(context.Context, *Request) (Response, error) { return NoContent(), nil }
	rt := NewRouter(slog.New(slog.NewTextHandler(io.Discard, nil)), map[string]Route{
		"GET /hidden": {Handler: ok, Access: Signed, Role: access.RoleNetwork, HiddenWithoutRole: true},
	})
	member := access.Principal{AccountID: "a1", SessionID: "s1", Roles: []string{access.RoleMember}}
	network := access.Principal{AccountID: "a2", SessionID: "s2", Roles: []string{access.RoleMember, access.RoleNetwork}}
	for _, c := range []struct {
		name string
		ev   events.APIGatewayV2HTTPRequest
		want int
	}{
		{"anonymous", event("GET", "/hidden"), 401},
		{"without the role", signedIn(event("GET", "/hidden"), member), 404},
		{"with the role", signedIn(event("GET", "/hidden"), network), 204},
	} {
		resp, err := rt.Handle(context.Background(), c.ev)
		if err != nil || resp.StatusCode != c.want {
			t.Fatalf("%s: %d %v, want %d: %s", c.name, resp.StatusCode, err, c.want, resp.Body)
		}
		if c.want == 404 && decodeProblem(t, resp).Code != problem.CodeNotFound.ID {
			t.Fatalf("%s: %s", c.name, resp.Body)
		}
	}
}

// A handler behind a gate learns which consents the caller has given, and to
// which version of their text.
func TestGateTellsTheHandlerTheConsentsGiven(t *testing.T) {
	seen := map[string]bool{}
	version := ""
	h := func(_ context.Context, r *Request) (Response, error) {
		seen["one"], seen["two"] = r.Consented("one"), r.Consented("two")
		version = r.ConsentVersion("one") + "|" + r.ConsentVersion("two")
		return NoContent(), nil
	}
	rt := NewRouter(slog.New(slog.NewTextHandler(io.Discard, nil)), map[string]Route{
		"GET /mine": {Handler: h, Access: Signed, Gate: &Gate{WritesStopWhenRestricted: true}},
	}).WithLedger(&ledger{granted: map[string]string{"one": "2026-01"}})
	member := access.Principal{AccountID: "a1", SessionID: "s1", Roles: []string{access.RoleMember}}
	resp, _ := rt.Handle(context.Background(), signedIn(event("GET", "/mine"), member))
	if resp.StatusCode != 204 || !seen["one"] || seen["two"] || version != "2026-01|" {
		t.Fatalf("%d %v %q", resp.StatusCode, seen, version)
	}
	if (&Request{}).Consented("one") {
		t.Fatal("a request without a gate reports a consent")
	}
}
