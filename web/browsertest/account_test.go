package browsertest

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
)

// ownClient is a transport that connects from a loopback address of its own
// (127.0.0.2 and up), so that the accounts the tests make count as made by
// different clients, as different people's would, and not against the limit of
// sign-ups per client (docs/limits.md).
func ownClient() *http.Transport {
	seq.Lock()
	seq.n++
	ip := net.IPv4(127, 0, byte(1+seq.n/250), byte(2+seq.n%250))
	seq.Unlock()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: ip}}
	return &http.Transport{DialContext: d.DialContext}
}

// activeAccount makes an account with the password through the API, as the
// sign-up flow does, for tests that start from an existing access. It calls from
// a loopback address of its own (127.0.1.n), as another client: the browser's
// requests all come from 127.0.0.1 and share its per-client limits (10 mails an
// hour), which the flows themselves need.
func activeAccount(t *testing.T, lang string) string {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Transport: ownClient()}
	csrf := func() string {
		res, err := c.Get(base + "/v1/csrf")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var b struct{ CsrfToken string }
		if err := json.NewDecoder(res.Body).Decode(&b); err != nil {
			t.Fatal(err)
		}
		return b.CsrfToken
	}
	post := func(path string, body any, want int) {
		t.Helper()
		raw, _ := json.Marshal(body)
		req, _ := http.NewRequest(http.MethodPost, base+path, bytes.NewReader(raw))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", csrf())
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = res.Body.Close()
		if res.StatusCode != want {
			t.Fatalf("POST %s: %d, want %d", path, res.StatusCode, want)
		}
	}
	addr := newAddress("account-" + lang)
	tpl := stack.Template()
	post("/v1/accounts", map[string]string{
		"email": addr, "language": lang,
		"acceptedTermsVersion":   tpl.Parameters["TermsVersion"].Default,
		"acceptedPrivacyVersion": tpl.Parameters["PrivacyNoticeVersion"].Default,
	}, http.StatusAccepted)
	link, err := url.Parse(mailedLink(t, addr, "/confirm"))
	if err != nil {
		t.Fatal(err)
	}
	token := link.Query().Get("token")
	if token == "" {
		token = strings.TrimPrefix(link.Fragment, "token=")
	}
	post("/v1/accounts/confirm", map[string]string{"token": token, "password": password}, http.StatusNoContent)
	return addr
}
