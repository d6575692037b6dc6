package browsertest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"testing"
)

// apiClient calls the API as one person's client would: cookies of its own, from
// a loopback address of its own (ownClient), the CSRF token on every call that
// changes state. Tests use it for what happens before or beside the page.
type apiClient struct {
	t *testing.T
	c *http.Client
}

func newAPIClient(t *testing.T) *apiClient {
	jar, _ := cookiejar.New(nil)
	return &apiClient{t: t, c: &http.Client{Jar: jar, Transport: ownClient()}}
}

func (a *apiClient) csrf() string {
	a.t.Helper()
	var b struct{ CsrfToken string }
	a.do(http.MethodGet, "/v1/csrf", nil, http.StatusOK, &b)
	return b.CsrfToken
}

// do sends body as JSON (none when nil) with the headers given as name, value
// pairs, fails the test unless the answer has status want, and decodes it into
// out unless out is nil.
func (a *apiClient) do(method, path string, body any, want int, out any, headers ...string) {
	a.t.Helper()
	var in io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		in = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, base+path, in)
	if err != nil {
		a.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if method != http.MethodGet {
		req.Header.Set("X-CSRF-Token", a.csrf())
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := a.c.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		a.t.Fatalf("%s %s: %d, want %d: %s", method, path, res.StatusCode, want, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			a.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

// signIn signs the client in to addr with pw.
func (a *apiClient) signIn(addr, pw string) *apiClient {
	a.t.Helper()
	a.do(http.MethodPost, "/v1/sessions", map[string]string{"email": addr, "password": pw}, http.StatusCreated, nil)
	return a
}
