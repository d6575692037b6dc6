package browsertest

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// advertiser signs addr in through the API and publishes a listing, so that the
// account may confirm its identity and add photos; it returns the signed-in client
// and the listing's id.
func advertiser(t *testing.T, addr string) (*apiClient, string) {
	t.Helper()
	c := newAPIClient(t)
	if st := c.do(http.MethodPost, "/v1/sessions", map[string]string{"email": addr, "password": password}, nil); st/100 != 2 {
		t.Fatalf("sign in: %d", st)
	}
	d := func(n int) string { return time.Now().UTC().AddDate(0, 0, n).Format("2006-01-02") }
	listing := map[string]any{"kind": "offer", "area": "baltic", "boatType": "sailing-yacht", "from": d(5), "to": d(9),
		"title": "Koje frei nach Bornholm", "text": "Zwei Kojen frei.", "expiresOn": d(20)}
	var l struct{ ID string }
	if st := c.do(http.MethodPost, "/v1/listings", listing, &l); st != http.StatusCreated || l.ID == "" {
		t.Fatalf("publish: %d", st)
	}
	return c, l.ID
}

// Promise: HGK-5 — identity confirmation stores only the fact and the date.
// Signed out the page leads to sign-in and back; an account without a listing is
// told it cannot confirm yet; an advertiser is sent to the identity provider, and
// back on the return page sees a failed verdict as "not confirmed" and, after
// trying again, the confirmation with its date; a start over the limit shows 429
// with when to try again. Both languages, axe on every state.
func TestIdentityConfirmationPages(t *testing.T) {
	texts := map[string]map[string]string{
		"de": {"notAdv": "Noch nicht möglich", "not": "nicht bestätigt", "yes": "Bestätigt am", "retry": "erneut"},
		"en": {"notAdv": "Not possible yet", "not": "not confirmed", "yes": "Confirmed on", "retry": "try again in"},
	}
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			w := texts[l.lang]
			addr := activeAccount(t, l.lang)
			tb := openTab(t, l.accept)
			page := base + "/" + l.lang + "/classifieds/identity"
			tb.do(chromedp.Navigate(page))
			tb.waitFor(`location.pathname.endsWith('/login')`)
			tb.signIn(l.lang, addr, password)
			tb.waitFor(`location.pathname.endsWith('/classifieds/identity')`)
			tb.do(chromedp.WaitVisible(css("#not-advertiser")))
			if got := tb.text("#not-advertiser"); !strings.Contains(got, w["notAdv"]) || tb.eval(`String(document.getElementById('start-form').hidden)`) != "true" {
				t.Fatalf("without a listing the page shows %q", got)
			}
			tb.axe("identity, not an advertiser")

			api, _ := advertiser(t, addr)
			tb.do(chromedp.Navigate(page), chromedp.WaitVisible(css("#start-form")))
			tb.axe("identity, start")

			// A failed verdict: back on the return page, not confirmed.
			tb.do(chromedp.Click(css(`#start-form button[type="submit"]`)))
			tb.waitFor(`location.pathname.endsWith('/_local/idp/authorize')`)
			tb.do(chromedp.SetValue(css(`select[name="verdict"]`), "failed"), chromedp.Click(css("button")))
			tb.waitFor(`location.pathname === '/` + l.lang + `/classifieds/identity/return'`)
			tb.do(chromedp.WaitVisible(css("#not-confirmed")))
			if got := tb.text("#not-confirmed"); !strings.Contains(got, w["not"]) {
				t.Fatalf("after a failed verdict %q", got)
			}
			tb.axe("identity return, not confirmed")

			// Tried again: confirmed, with its date, on both pages.
			tb.do(chromedp.Click(css(`#not-confirmed a`)), chromedp.WaitVisible(css("#start-form")))
			tb.do(chromedp.Click(css(`#start-form button[type="submit"]`)))
			tb.waitFor(`location.pathname.endsWith('/_local/idp/authorize')`)
			tb.do(chromedp.Click(css("button")))
			tb.waitFor(`location.pathname === '/` + l.lang + `/classifieds/identity/return'`)
			tb.do(chromedp.WaitVisible(css("#confirmed")))
			if got := tb.text("#confirmed-at"); !strings.Contains(got, w["yes"]) || !strings.Contains(got, time.Now().UTC().Format("2006")) {
				t.Fatalf("after the confirmation %q", got)
			}
			tb.axe("identity return, confirmed")
			tb.do(chromedp.Navigate(page), chromedp.WaitVisible(css("#confirmed")))
			if tb.eval(`String(document.getElementById('start-form').hidden)`) != "true" {
				t.Fatal("the start form shows for a confirmed advertiser")
			}
			var st struct{ ConfirmedAt *time.Time }
			if code := api.do(http.MethodGet, "/v1/me/identity-confirmation", nil, &st); code != http.StatusOK || st.ConfirmedAt == nil {
				t.Fatalf("the API says %d %+v", code, st)
			}
			tb.checkClean()
		})
	}
}

// A start over the limit (10 an hour per account) shows the 429 with when to try
// again, in the error summary, and stays on the page.
func TestIdentityConfirmationStartShowsThrottling(t *testing.T) {
	l := languages[1]
	addr := activeAccount(t, l.lang)
	api, _ := advertiser(t, addr)
	for range 10 {
		if st := api.do(http.MethodPost, "/v1/me/identity-confirmation", nil, nil); st != http.StatusCreated {
			t.Fatalf("start: %d", st)
		}
	}
	tb := openTab(t, l.accept)
	tb.signIn(l.lang, addr, password)
	tb.do(chromedp.Navigate(base+"/"+l.lang+"/classifieds/identity"), chromedp.WaitVisible(css("#start-form")))
	tb.do(chromedp.Click(css(`#start-form button[type="submit"]`)), chromedp.WaitVisible(css("#error-summary")))
	if got := tb.text("#error-summary"); !strings.Contains(got, "try again in") || !strings.HasSuffix(tb.location(), "/classifieds/identity") {
		t.Fatalf("throttled start shows %q at %s", got, tb.location())
	}
	tb.axe("identity start, throttled")
	tb.checkClean()
}
