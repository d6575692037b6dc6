package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"kontor/infra/local"
	"kontor/shared/httpapi"
	"kontor/shared/problem"
)

// client is one browser: it keeps its cookies (Secure cookies included, as browsers do
// on localhost) and echoes the CSRF cookie in the header on state-changing requests.
type client struct {
	t       *testing.T
	http    *http.Client
	cookies map[string]string
	// setCookies records every Set-Cookie header seen, for the cookie promises.
	setCookies []string
	lang       string
	noCSRF     bool
	// ip is the loopback address the client's connections come from.
	ip string
}

// clientIPs hands every new client its own loopback address (127.1.0.0/16), so the
// per-client abuse limits one test trips never touch another test, as two browsers
// on two machines would not.
var clientIPs atomic.Int64

// newClient returns a browser with a loopback address of its own.
func newClient(t *testing.T) *client {
	t.Helper()
	n := clientIPs.Add(1)
	return newClientFrom(t, fmt.Sprintf("127.1.%d.%d", (n>>8)&0xff, n&0xff))
}

// newClientFrom returns a client whose connections come from the given loopback
// address.
func newClientFrom(t *testing.T, ip string) *client {
	c := &client{t: t, http: &http.Client{Timeout: 30 * time.Second}, cookies: map[string]string{}, ip: ip}
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	c.http.Transport = &http.Transport{DialContext: d.DialContext}
	return c
}

// response is what a request returned.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

func (r response) problem(t *testing.T) problem.Body {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("status %d, content type %q, body %s: not a problem", r.Status, ct, r.Body)
	}
	var b problem.Body
	r.json(t, &b)
	return b
}

// raw sends a request with a raw body and explicit content type.
func (c *client) raw(method, path, contentType string, body []byte, header map[string]string) response {
	c.t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, stack.APIURL+path, bytes.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if c.lang != "" {
		req.Header.Set("Accept-Language", c.lang)
	}
	var parts []string
	for k, v := range c.cookies {
		parts = append(parts, k+"="+v)
	}
	if len(parts) > 0 {
		req.Header.Set("Cookie", strings.Join(parts, "; "))
	}
	if method != http.MethodGet && !c.noCSRF {
		if tok, ok := c.cookies[httpapi.CSRFCookie]; ok {
			req.Header.Set(httpapi.CSRFHeader, tok)
		}
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	for _, sc := range resp.Header.Values("Set-Cookie") {
		c.setCookies = append(c.setCookies, sc)
		hc, err := http.ParseSetCookie(sc)
		if err != nil {
			c.t.Fatalf("bad Set-Cookie %q: %v", sc, err)
		}
		if hc.MaxAge < 0 || hc.Value == "" {
			delete(c.cookies, hc.Name)
		} else {
			c.cookies[hc.Name] = hc.Value
		}
	}
	out := response{Status: resp.StatusCode, Header: resp.Header, Body: b}
	checkAgainstSpec(c.t, req, body, out)
	return out
}

// do sends body (nil for none) as JSON.
func (c *client) do(method, path string, body any) response {
	c.t.Helper()
	if body == nil {
		return c.raw(method, path, "", nil, nil)
	}
	b, err := json.Marshal(body)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.raw(method, path, "application/json", b, nil)
}

// doAsClient sends body as do does and, like a well-behaved client, tries again
// when the answer is 503 with Retry-After (at most three times, waiting what it
// says, capped at two seconds): for requests a test only needs done, such as the
// sign-in that sets it up, and that are safe to repeat. A busy machine may run out
// of its time budget on one attempt; the documented answer to that is 503.
func (c *client) doAsClient(method, path string, body any) response {
	c.t.Helper()
	r := c.do(method, path, body)
	for range 3 {
		after, err := strconv.Atoi(r.Header.Get("Retry-After"))
		if r.Status != http.StatusServiceUnavailable || err != nil {
			break
		}
		time.Sleep(min(time.Duration(after)*time.Second, 2*time.Second))
		r = c.do(method, path, body)
	}
	return r
}

// want fails the test unless r has the status (and, for problems, the code).
func want(t *testing.T, r response, status int, code ...string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	if len(code) > 0 {
		if got := r.problem(t).Code; got != code[0] {
			t.Fatalf("problem code %q, want %q: %s", got, code[0], r.Body)
		}
	}
}

// csrf fetches an anonymous CSRF token (GET /v1/csrf).
func (c *client) csrf() {
	c.t.Helper()
	want(c.t, c.do(http.MethodGet, "/v1/csrf", nil), http.StatusOK)
}

var tokenInLink = regexp.MustCompile(`token=([A-Za-z0-9_-]{43})`)

// mailTo waits for the newest mail to addr whose subject contains subject and
// returns it.
func mailTo(t *testing.T, addr, subject string) local.Mail {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ms, err := stack.Mail(context.Background())
		if err != nil {
			t.Fatalf("read mail: %v", err)
		}
		for _, m := range ms {
			for _, to := range m.To {
				if strings.EqualFold(to, addr) && strings.Contains(m.Subject, subject) {
					return m
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no mail to %s with subject %q", addr, subject)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// mailCount counts mail to addr.
func mailCount(t *testing.T, addr string) int {
	t.Helper()
	ms, err := stack.Mail(context.Background())
	if err != nil {
		t.Fatalf("read mail: %v", err)
	}
	n := 0
	for _, m := range ms {
		for _, to := range m.To {
			if strings.EqualFold(to, addr) {
				n++
			}
		}
	}
	return n
}

// tokenFrom extracts the token of the link in a mail.
func tokenFrom(t *testing.T, m local.Mail) string {
	t.Helper()
	g := tokenInLink.FindStringSubmatch(m.Text)
	if g == nil {
		t.Fatalf("no token link in mail %q", m.Subject)
	}
	return g[1]
}

func toJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
