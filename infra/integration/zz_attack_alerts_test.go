package integration

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// Attack (HGK-2, HGK-3): a stranger works the alert routes from outside. Without
// the CSRF token, with an oversized body, bytes that are not UTF-8 or unknown
// fields, nothing is stored; hidden and control characters in words never
// reach the stored criteria (only letters and digits do); two clients racing
// with one confirmation link make one alert; an id of another shape is 404.
func TestAttackAlertsFromOutside(t *testing.T) {
	email, word := newEmail("atk-alert"), alertWord()
	noCSRF := newClient(t)
	noCSRF.noCSRF = true
	want(t, noCSRF.do(http.MethodPost, "/v1/alerts", alertBody(email, word, nil)), http.StatusForbidden)

	big := alertBody(email, word, map[string]any{"frequency": strings.Repeat("x", 5000)})
	want(t, withCSRF(t).do(http.MethodPost, "/v1/alerts", big), http.StatusRequestEntityTooLarge)
	want(t, withCSRF(t).raw(http.MethodPost, "/v1/alerts", "application/json", []byte("{\"email\":\"\xff\xfe@example.org\"}"), nil), http.StatusBadRequest)
	want(t, withCSRF(t).do(http.MethodPost, "/v1/alerts", alertBody(email, word, map[string]any{"admin": true})), http.StatusBadRequest)

	// Hidden characters split words; what is stored is letters and digits.
	c, _ := signUp(t, "atk-alert-owner")
	r := c.do(http.MethodPost, "/v1/me/alerts", map[string]any{"language": "en", "frequency": "instant",
		"criteria": map[string]any{"kind": "offer", "words": []string{"Kiel\u202egnp.exe", "\u200bBorn\u2060holm\u0000"}}})
	want(t, r, http.StatusCreated)
	var a alertOut
	r.json(t, &a)
	for _, w := range a.Criteria.Words {
		if strings.ContainsFunc(w, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9') }) {
			t.Fatalf("stored word %q holds more than letters and digits (%v)", w, a.Criteria.Words)
		}
	}
	for _, id := range []string{a.ID + "x", strings.ToUpper(a.ID), " " + a.ID} {
		want(t, c.do(http.MethodPatch, "/v1/me/alerts/"+url.PathEscape(id), map[string]any{"paused": true}), http.StatusNotFound, "not_found")
	}

	// One link, two clients at once: one alert.
	want(t, withCSRF(t).do(http.MethodPost, "/v1/alerts", alertBody(email, word, nil)), http.StatusAccepted)
	token := tokenFrom(t, mailTo(t, email, "confirm your alert"))
	var wg sync.WaitGroup
	statuses := make([]int, 2)
	for i := range statuses {
		cl := withCSRF(t)
		wg.Go(func() {
			statuses[i] = cl.do(http.MethodPost, "/v1/alerts/confirm", map[string]any{"token": token}).Status
		})
	}
	wg.Wait()
	created := 0
	for _, s := range statuses {
		if s == http.StatusCreated {
			created++
		}
	}
	if created != 1 || len(activeAlerts(t, word)) != 1 {
		t.Fatalf("two confirmations at once: %v, %d active", statuses, len(activeAlerts(t, word)))
	}
}
