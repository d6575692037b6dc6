package local

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"kontor/infra/template"
)

func testGateway() *gateway {
	g := &gateway{}
	for _, r := range []template.Route{
		{Method: "GET", Path: "/v1/me"}, {Method: "PUT", Path: "/v1/me/password"},
		{Method: "GET", Path: "/v1/items/{id}"}, {Method: "GET", Path: "/v1/files/{path+}", Public: true},
	} {
		g.routes = append(g.routes, route{Route: r, fn: "Fn", segments: strings.Split(strings.Trim(r.Path, "/"), "/")})
	}
	return g
}

func TestRouteMatching(t *testing.T) {
	g := testGateway()
	cases := []struct {
		method, path, want string
		params             map[string]string
	}{
		{"GET", "/v1/me", "GET /v1/me", nil},
		{"PUT", "/v1/me/password", "PUT /v1/me/password", nil},
		{"GET", "/v1/items/42", "GET /v1/items/{id}", map[string]string{"id": "42"}},
		{"GET", "/v1/files/a/b/c.pdf", "GET /v1/files/{path+}", map[string]string{"path": "a/b/c.pdf"}},
		{"POST", "/v1/me", "", nil},
		{"GET", "/v1/items/", "", nil},
		{"GET", "/v1/me/extra", "", nil},
	}
	for _, c := range cases {
		r, params, ok := g.match(c.method, c.path)
		if c.want == "" {
			if ok {
				t.Errorf("%s %s matched %s", c.method, c.path, r.Key())
			}
			continue
		}
		if !ok || r.Key() != c.want {
			t.Errorf("%s %s: got %v %s", c.method, c.path, ok, r.Key())
			continue
		}
		for k, v := range c.params {
			if params[k] != v {
				t.Errorf("%s: param %s = %q", c.path, k, params[k])
			}
		}
	}
}

func TestEventLooksLikeAPIGatewayPayload2(t *testing.T) {
	req := httptest.NewRequest("POST", "http://127.0.0.1:3000/v1/me/password?x=1&x=2", strings.NewReader(`{"a":1}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Add("X-Multi", "a")
	req.Header.Add("X-Multi", "b")
	req.Header.Set("Cookie", "a=1; b=2")
	req.RemoteAddr = "127.0.0.9:5555"
	r, params, _ := testGateway().match("PUT", "/v1/me/password")
	ev := buildEvent(req, r, params, []byte(`{"a":1}`))
	if ev.Version != "2.0" || ev.RouteKey != "PUT /v1/me/password" || ev.RequestContext.HTTP.SourceIP != "127.0.0.9" {
		t.Fatalf("event %+v", ev)
	}
	if len(ev.Cookies) != 2 || ev.Cookies[1] != "b=2" || ev.Headers["cookie"] != "" {
		t.Fatalf("cookies %v, cookie header %q", ev.Cookies, ev.Headers["cookie"])
	}
	if ev.Headers["x-multi"] != "a,b" || ev.QueryStringParameters["x"] != "1,2" || ev.RawQueryString != "x=1&x=2" {
		t.Fatalf("headers/query %v %v", ev.Headers, ev.QueryStringParameters)
	}
	if ev.IsBase64Encoded || ev.Body != `{"a":1}` {
		t.Fatalf("json body encoded: %+v", ev.Body)
	}
	bin := buildEvent(req, r, nil, []byte{0xff, 0xd8, 0xff})
	if !bin.IsBase64Encoded || bin.Body != base64.StdEncoding.EncodeToString([]byte{0xff, 0xd8, 0xff}) {
		t.Fatalf("binary body not base64: %+v", bin.Body)
	}
}

func TestResponseMapping(t *testing.T) {
	w := httptest.NewRecorder()
	writeResponse(w, []byte(`{"statusCode":201,"headers":{"Content-Type":"application/json"},"cookies":["a=1; Path=/","b=2"],"body":"eyJvayI6dHJ1ZX0=","isBase64Encoded":true}`))
	if w.Code != 201 || w.Body.String() != `{"ok":true}` || len(w.Header().Values("Set-Cookie")) != 2 {
		t.Fatalf("got %d %q %v", w.Code, w.Body.String(), w.Header())
	}
	w = httptest.NewRecorder()
	writeResponse(w, []byte(`not json`))
	if w.Code != http.StatusInternalServerError {
		t.Fatalf("malformed response gave %d", w.Code)
	}
}

func TestRateExpressions(t *testing.T) {
	for expr, ok := range map[string]bool{"rate(5 minutes)": true, "rate(1 hour)": true, "rate(2 days)": true, "cron(0 3 * * ? *)": false, "rate(0 minutes)": false} {
		if _, got := rate(expr); got != ok {
			t.Errorf("rate(%q) ok = %v", expr, got)
		}
	}
}
