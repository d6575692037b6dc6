package browsertest

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Promise: HGK-6 — the validity of an advertiser's flat-rate plan is stored in the account.
// Promise: CP-4 — data goes to third parties only where a contract needs it, with consent.
// Signed out the plan page leads to sign-in and back; it shows the plans, that
// none is valid yet and what the provider receives; "To checkout" without the
// consent shows the error at the checkbox; with it the browser goes to the
// provider's checkout, and a payment comes back to the return page saying paid
// and until when; the plan page then shows that validity. A cancelled checkout
// comes back as cancelled. Both languages, axe on every state.
func TestPlanPagesPayAndCancel(t *testing.T) {
	texts := map[string]map[string]string{
		"de": {"none": "keine gültige Flatrate", "consent": "erforderlich", "paid": "gilt bis", "cancelled": "abgebrochen", "passed": "keinen Namen"},
		"en": {"none": "no valid flat rate", "consent": "required", "paid": "valid until", "cancelled": "cancelled", "passed": "no name"},
	}
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			w := texts[l.lang]
			addr := activeAccount(t, l.lang)
			tb := openTab(t, l.accept)
			page := base + "/" + l.lang + "/classifieds/plan"
			tb.do(chromedp.Navigate(page))
			tb.waitFor(`location.pathname.endsWith('/login')`)
			tb.signIn(l.lang, addr, password)
			tb.waitFor(`location.pathname.endsWith('/classifieds/plan')`)
			tb.do(chromedp.WaitVisible(css("#plan-form")))
			if got := tb.text("#validity"); !strings.Contains(got, w["none"]) {
				t.Fatalf("validity before paying: %q", got)
			}
			if got := tb.text("#plan-form"); !strings.Contains(got, w["passed"]) || tb.count("#plan option") != "2" {
				t.Fatalf("plan form %q with %s plans", got, tb.count("#plan option"))
			}
			tb.axe("plan page")

			// Without the consent: the error at the checkbox, nothing ordered.
			tb.submit("plan-form")
			if got := tb.summary(); !strings.Contains(strings.ToLower(got), w["consent"]) || !tb.invalid("consentVersion") {
				t.Fatalf("without the consent the summary says %q", got)
			}
			tb.axe("plan page, consent missing")

			// With it: the provider's checkout, paid, back on the return page.
			tb.do(chromedp.Click(css("#consentVersion")))
			tb.submit("plan-form")
			tb.waitFor(`location.pathname.includes('/_local/payments/checkout/')`)
			tb.do(chromedp.Click(css(`input[value="pay"] + button`)))
			tb.waitFor(`location.pathname === '/` + l.lang + `/classifieds/plan/return'`)
			tb.do(chromedp.WaitVisible(css("#paid")))
			year := time.Now().UTC().AddDate(0, 3, 0).Format("2006")
			if got := tb.text("#paid-until"); !strings.Contains(got, w["paid"]) || !strings.Contains(got, year) {
				t.Fatalf("after paying %q", got)
			}
			tb.axe("plan return, paid")
			tb.do(chromedp.Navigate(page), chromedp.WaitVisible(css("#plan-form")))
			if got := tb.text("#validity"); !strings.Contains(got, w["paid"]) || !strings.Contains(got, year) {
				t.Fatalf("validity after paying: %q", got)
			}

			// Another plan, cancelled at the provider.
			tb.do(chromedp.SetValue(css("#plan"), "flat-12m"), chromedp.Click(css("#consentVersion")))
			tb.submit("plan-form")
			tb.waitFor(`location.pathname.includes('/_local/payments/checkout/')`)
			tb.do(chromedp.Click(css(`input[value="cancel"] + button`)))
			tb.waitFor(`location.pathname === '/` + l.lang + `/classifieds/plan/return'`)
			tb.do(chromedp.WaitVisible(css("#cancelled")))
			if got := tb.text("#cancelled"); !strings.Contains(got, w["cancelled"]) {
				t.Fatalf("after cancelling %q", got)
			}
			tb.axe("plan return, cancelled")
			tb.checkClean()
		})
	}
}

// The return page for another account's order says "not found" in the summary;
// without an order it says so.
func TestPlanReturnPageRefusesAnotherOrder(t *testing.T) {
	l := languages[1]
	owner := newAPIClient(t).signIn(activeAccount(t, l.lang), password)
	var placed struct{ OrderID string }
	owner.call(http.MethodPost, "/v1/me/plan", map[string]string{"plan": "flat-3m", "consentVersion": "2026-11"}, http.StatusCreated, &placed)
	tb := openTab(t, l.accept)
	tb.signIn(l.lang, activeAccount(t, l.lang), password)
	tb.do(chromedp.Navigate(base + "/" + l.lang + "/classifieds/plan/return?order=" + placed.OrderID))
	if got := tb.summary(); !strings.Contains(got, "Not found") {
		t.Fatalf("another's order shows %q", got)
	}
	tb.axe("plan return, another's order")
	tb.do(chromedp.Navigate(base+"/"+l.lang+"/classifieds/plan/return"), chromedp.WaitVisible(css("#no-order")))
	tb.axe("plan return, no order")
	tb.checkClean()
}
