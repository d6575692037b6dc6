package integration

import (
	"net/http"
	"strings"
	"testing"

	"kontor/shared/httpapi"
	"kontor/shared/ids"
)

// Bad input of every kind gets a clear 4xx problem response and changes nothing.
func TestBadInputGetsProblemAndChangesNothing(t *testing.T) {
	member, email := signUp(t, "badinput")
	regBody := `{"email":"` + newEmail("bad") + `","acceptedTermsVersion":"2026-01","acceptedPrivacyVersion":"2026-01"}`
	long := strings.Repeat("ä", 5000)

	type tc struct {
		name, method, path, ctype, body string
		signed                          bool
		status                          int
		code                            string
		prepare                         func(c *client)
	}
	cases := []tc{
		{name: "malformed JSON", method: "POST", path: "/v1/accounts", ctype: "application/json", body: `{"email":`, status: 400, code: "invalid_json"},
		{name: "unknown field", method: "POST", path: "/v1/accounts", ctype: "application/json", body: strings.Replace(regBody, `{`, `{"admin":true,`, 1), status: 400, code: "invalid_json"},
		{name: "two documents", method: "POST", path: "/v1/accounts", ctype: "application/json", body: regBody + regBody, status: 400, code: "invalid_json"},
		{name: "wrong content type", method: "POST", path: "/v1/accounts", ctype: "text/plain", body: regBody, status: 415, code: "unsupported_media_type"},
		{name: "form content type", method: "POST", path: "/v1/sessions", ctype: "application/x-www-form-urlencoded", body: "email=a&password=b", status: 415, code: "unsupported_media_type"},
		{name: "oversized body", method: "POST", path: "/v1/accounts", ctype: "application/json", body: `{"email":"` + strings.Repeat("a", 8000) + `"}`, status: 413, code: "body_too_large"},
		{name: "invalid UTF-8", method: "POST", path: "/v1/accounts", ctype: "application/json", body: "{\"email\":\"\xc3\x28@example.org\",\"acceptedTermsVersion\":\"2026-01\",\"acceptedPrivacyVersion\":\"2026-01\"}", status: 400, code: "invalid_json"},
		{name: "very long string", method: "POST", path: "/v1/accounts", ctype: "application/json", body: `{"email":"` + strings.Repeat("b", 300) + `@example.org","acceptedTermsVersion":"2026-01","acceptedPrivacyVersion":"2026-01"}`, status: 400, code: "validation_failed"},
		{name: "invalid email", method: "POST", path: "/v1/accounts", ctype: "application/json", body: `{"email":"not an address","acceptedTermsVersion":"2026-01","acceptedPrivacyVersion":"2026-01"}`, status: 400, code: "validation_failed"},
		{name: "header injection in email", method: "POST", path: "/v1/password/forgot", ctype: "application/json", body: `{"email":"a@example.org\r\nBcc: b@example.org"}`, status: 400, code: "validation_failed"},
		{name: "missing CSRF token", method: "POST", path: "/v1/accounts", ctype: "application/json", body: regBody, status: 403, code: "csrf_token_invalid", prepare: func(c *client) { c.noCSRF = true }},
		{name: "CSRF header not matching cookie", method: "POST", path: "/v1/sessions", ctype: "application/json", body: `{"email":"` + email + `","password":"` + goodPassword + `"}`, status: 403, code: "csrf_token_invalid", prepare: func(c *client) {
			c.cookies[httpapi.CSRFCookie] = ids.NewToken()
			c.noCSRF = true
		}},
		{name: "garbage token", method: "POST", path: "/v1/accounts/confirm", ctype: "application/json", body: `{"token":"<script>","password":"` + goodPassword + `"}`, status: 400, code: "token_invalid"},
		{name: "unknown token", method: "POST", path: "/v1/password/reset", ctype: "application/json", body: `{"token":"` + ids.NewToken() + `","password":"` + goodPassword + `"}`, status: 400, code: "token_invalid"},
		{name: "long name", method: "PATCH", path: "/v1/me", ctype: "application/json", body: `{"firstName":"` + long[:600] + `"}`, signed: true, status: 400, code: "validation_failed"},
		{name: "control characters in name", method: "PATCH", path: "/v1/me", ctype: "application/json", body: `{"lastName":"A\u0000B"}`, signed: true, status: 400, code: "validation_failed"},
		{name: "wrong type of field", method: "PATCH", path: "/v1/me", ctype: "application/json", body: `{"firstName":42}`, signed: true, status: 400, code: "invalid_json"},
		{name: "weak new password", method: "PUT", path: "/v1/me/password", ctype: "application/json", body: `{"currentPassword":"` + goodPassword + `","newPassword":"` + email + `"}`, signed: true, status: 400, code: "validation_failed"},
		{name: "wrong CSRF on signed request", method: "PATCH", path: "/v1/me", ctype: "application/json", body: `{"firstName":"Eve"}`, signed: true, status: 403, code: "csrf_token_invalid", prepare: func(c *client) {
			c.noCSRF = true
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cl := newClient(t)
			if c.signed {
				cl.cookies = map[string]string{}
				for k, v := range member.cookies {
					cl.cookies[k] = v
				}
			} else {
				cl.csrf()
			}
			if c.prepare != nil {
				c.prepare(cl)
			}
			before := snapshot(t)
			p0 := profile(t, member)
			var header map[string]string
			if c.signed && cl.noCSRF {
				header = map[string]string{httpapi.CSRFHeader: ids.NewToken()}
			}
			r := cl.raw(c.method, c.path, c.ctype, []byte(c.body), header)
			want(t, r, c.status, c.code)
			if b := r.problem(t); b.Detail == "" || b.Type != "urn:kontor:problem:"+c.code || strings.Contains(string(r.Body), "goroutine") {
				t.Fatalf("unclear problem: %s", r.Body)
			}
			after := snapshot(t)
			for k, v := range before {
				if after[k] != v {
					t.Fatalf("%s changed from %d to %d items", k, v, after[k])
				}
			}
			if p1 := profile(t, member); p1.FirstName != p0.FirstName || p1.LastName != p0.LastName || p1.Email != p0.Email {
				t.Fatalf("profile changed: %+v → %+v", p0, p1)
			}
		})
	}
}

func TestGarbageCookiesAreTreatedAsSignedOut(t *testing.T) {
	for _, v := range []string{"x", strings.Repeat("A", 43), strings.Repeat("z", 4000), "%00%ff", ids.NewToken()} {
		c := newClient(t)
		c.cookies[httpapi.SessionCookie] = v
		want(t, c.do(http.MethodGet, "/v1/me", nil), http.StatusUnauthorized, "unauthenticated")
	}
}

func TestUnknownRouteIsNotFound(t *testing.T) {
	r := newClient(t).do(http.MethodGet, "/v1/does-not-exist", nil)
	if r.Status != http.StatusNotFound {
		t.Fatalf("status %d", r.Status)
	}
}
