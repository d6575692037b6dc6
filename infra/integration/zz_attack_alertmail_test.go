package integration

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kontor/shared/classifieds"
)

// Attacks on the alert delivery's one-click link (HGK-3), from outside over HTTP.

// Attack (HGK-3): a stranger posts the one-click link with malformed tokens
// (bytes that are not UTF-8, NUL, a header line, a token far too long, the token
// twice) and floods it: each malformed token gets the same answer as a real one
// and changes nothing; the 121st request from one client within 15 minutes is
// refused with 429 and Retry-After, and so is the page's GET.
func TestAttackAlertUnsubscribeLinkBadBytesAndFlood(t *testing.T) {
	flood := newClient(t)
	flood.noCSRF = true
	post := func(token string) response {
		return flood.raw(http.MethodPost, classifieds.AlertUnsubscribePath+"?token="+token, "application/x-www-form-urlencoded", []byte("List-Unsubscribe=One-Click"), nil)
	}
	first := post("forged")
	want(t, first, http.StatusOK)
	for _, tok := range []string{"%ff%fe%00", url.QueryEscape("x\r\nBcc: victim@example.org"), strings.Repeat("A", 4000), "a&token=b"} {
		r := post(tok)
		want(t, r, http.StatusOK)
		if string(r.Body) != string(first.Body) {
			t.Fatalf("token %.40q answers differently: %s", tok, r.Body)
		}
	}
	for i := 0; i < 115; i++ {
		want(t, post("forged"), http.StatusOK)
	}
	r := post("forged")
	want(t, r, http.StatusTooManyRequests, "too_many_attempts")
	if r.Header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
	want(t, flood.raw(http.MethodGet, classifieds.AlertUnsubscribePath+"?token=forged", "", nil, nil), http.StatusTooManyRequests)
}

// Attack (HGK-2): an advertiser tries to put header lines into the alert mails
// through a listing's title ("\r\nBcc:"): the title is refused with the field
// named, so no alert mail can carry it (the mail's subject also turns any control
// character into a space: classifieds.AlertMail).
func TestAttackAlertMailHeaderInjectionThroughTitle(t *testing.T) {
	a, _ := signUp(t, "atk-alert-hdr")
	r := a.do(http.MethodPost, "/v1/listings", listingBody(map[string]any{"title": "Koje\r\nBcc: victim@example.org"}))
	want(t, r, http.StatusBadRequest, "validation_failed")
	if p := r.problem(t); len(p.Errors) != 1 || p.Errors[0].Field != "title" {
		t.Fatalf("errors %+v", p.Errors)
	}
}
