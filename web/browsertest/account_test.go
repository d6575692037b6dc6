package browsertest

import (
	"net"
	"net/http"
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
	c := newAPIClient(t)
	addr := newAddress("account-" + lang)
	tpl := stack.Template()
	c.do(http.MethodPost, "/v1/accounts", map[string]string{
		"email": addr, "language": lang,
		"acceptedTermsVersion":   tpl.Parameters["TermsVersion"].Default,
		"acceptedPrivacyVersion": tpl.Parameters["PrivacyNoticeVersion"].Default,
	}, http.StatusAccepted, nil)
	c.do(http.MethodPost, "/v1/accounts/confirm", map[string]string{"token": mailedToken(t, addr, "/confirm"), "password": password}, http.StatusNoContent, nil)
	return addr
}

// mailedToken returns the token of the newest mail to addr with a link to path.
func mailedToken(t *testing.T, addr, path string) string {
	t.Helper()
	link, err := url.Parse(mailedLink(t, addr, path))
	if err != nil {
		t.Fatal(err)
	}
	if token := link.Query().Get("token"); token != "" {
		return token
	}
	return strings.TrimPrefix(link.Fragment, "token=")
}
