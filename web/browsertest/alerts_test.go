package browsertest

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Promise: HGK-2, HGK-3 — "mail me new listings like these" on the browse page
// carries its filter to the new alert's form; signed out, criteria that match
// everything and an invalid address are refused next to their fields, the
// input kept; the form then says to open the mailed link, and the confirm page
// turns the alert on only on the click; the used link shows a clear problem.
func TestAlertFromBrowseIsConfirmedOnTheClick(t *testing.T) {
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			tb := openTab(t, l.accept)
			tb.do(chromedp.Navigate(base + "/" + l.lang + "/listings?kind=search&area=north-sea&q=Helgoland"))
			tb.waitFor(`document.getElementById('filter').dataset.ready === 'true'`)
			href := tb.eval(`document.getElementById('alert-link').getAttribute('href')`)
			if !strings.Contains(href, "area=north-sea") || !strings.Contains(href, "q=Helgoland") || !strings.Contains(href, "kind=search") {
				t.Fatalf("the alert link does not carry the filter: %s", href)
			}
			tb.do(chromedp.Click(css("#alert-link")))
			tb.waitFor(`location.pathname.endsWith('/classifieds/alerts/new')`)
			tb.visible("#email")
			if tb.value("kind") != "search" || tb.value("area") != "north-sea" || tb.value("words") != "Helgoland" {
				t.Errorf("not prefilled: kind %q area %q words %q", tb.value("kind"), tb.value("area"), tb.value("words"))
			}
			tb.axe("new alert, signed out")

			// A kind alone would mail every listing: refused.
			addr := newAddress("alert-" + l.lang)
			tb.do(chromedp.SetValue(css("#area"), ""))
			tb.fill("words", "")
			tb.fill("email", addr)
			tb.do(chromedp.Click(css(`label[for="acceptedTermsVersion"]`)), chromedp.Click(css(`label[for="acceptedPrivacyVersion"]`)))
			tb.submit("form")
			if s := tb.summary(); !strings.Contains(s, map[string]string{"de": "grenzen Sie", "en": "narrow"}[l.lang]) {
				t.Errorf("too broad criteria show %q", s)
			}
			tb.axe("new alert, too broad")

			tb.do(chromedp.SetValue(css("#area"), "north-sea"))
			tb.fill("email", "not-an-address")
			tb.submit("form")
			// The summary of the refusal before stays until this answer replaces it.
			tb.waitFor(`document.getElementById('email').getAttribute('aria-invalid') === 'true'`)
			tb.summary()
			if !tb.invalid("email") || tb.value("area") != "north-sea" {
				t.Error("the invalid address is not marked, or the area was lost")
			}
			tb.axe("new alert, invalid address")

			tb.fill("email", addr)
			tb.submit("form")
			tb.visible("#mailed")
			if f := tb.focused(); f != "mailed" {
				t.Errorf("after sending the focus is on %q", f)
			}
			tb.axe("alert mailed")

			link := mailedLink(t, addr, "/"+l.lang+"/classifieds/alerts/confirm")
			tb.do(chromedp.Navigate(link))
			tb.visible("#confirm-form")
			if strings.Contains(tb.location(), "token") {
				t.Errorf("the token stays in the address bar: %s", tb.location())
			}
			if tb.requested("/v1/alerts/confirm") {
				t.Fatal("the page sent the token before the click")
			}
			tb.axe("alert confirm page")
			tb.submit("confirm-form")
			tb.visible("#confirmed")
			tb.axe("alert confirmed")

			tb.do(chromedp.Navigate(link))
			tb.visible("#confirm-form")
			tb.submit("confirm-form")
			if s := tb.summary(); !strings.Contains(s, map[string]string{"de": "schon benutzt", "en": "used already"}[l.lang]) {
				t.Errorf("a used link shows %q", s)
			}
			tb.axe("alert confirm page, used link")

			tb.do(chromedp.Navigate(base + "/" + l.lang + "/classifieds/alerts/confirm"))
			tb.visible("#no-token")
			tb.axe("alert confirm page without a token")
		})
	}
}

// Promise: HGK-3 — my alerts: signed in, a new alert is active at once (no
// address asked); the list shows it, pauses and resumes it, edits it, and
// deletes it after a confirmation. Signed out, the page leads to sign-in and
// back.
func TestMyAlertsPageListsPausesEditsAndDeletes(t *testing.T) {
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			tb := openTab(t, l.accept)
			tb.do(chromedp.Navigate(base + "/" + l.lang + "/classifieds/alerts"))
			tb.waitFor(`location.pathname.endsWith('/login')`)
			tb.signIn(l.lang, activeAccount(t, l.lang), password)
			tb.waitFor(`location.pathname.endsWith('/classifieds/alerts')`)
			tb.visible("#count")
			if c := tb.count("#alerts li"); c != "0" {
				t.Errorf("%s alerts before any", c)
			}
			tb.axe("my alerts, none")
			// The home page links it, as it links my listings.
			tb.do(chromedp.Navigate(base+"/"+l.lang+"/"), chromedp.WaitVisible(css("#to-my-alerts")), chromedp.Click(css("#to-my-alerts")))
			tb.waitFor(`location.pathname.endsWith('/classifieds/alerts')`)

			tb.do(chromedp.Navigate(base + "/" + l.lang + "/classifieds/alerts/new?area=baltic"))
			tb.visible("#form")
			if tb.eval(`String(document.getElementById('anonymous-fields').hidden)`) != "true" {
				t.Error("signed in, the form asks for an address")
			}
			tb.axe("new alert, signed in")
			tb.do(chromedp.SetValue(css("#frequency"), "daily"))
			tb.submit("form")
			tb.visible("#created")
			tb.axe("alert created")

			tb.do(chromedp.Navigate(base + "/" + l.lang + "/classifieds/alerts"))
			tb.waitFor(`document.querySelectorAll('#alerts li').length === 1`)
			if s := tb.text("#alerts"); !strings.Contains(s, map[string]string{"de": "Ostsee", "en": "Baltic Sea"}[l.lang]) {
				t.Errorf("the list shows %q", s)
			}
			tb.axe("my alerts, one")

			tb.do(chromedp.Click(css("#alerts li button")))
			tb.visible("#notice")
			if s := tb.text("#alerts"); !strings.Contains(s, map[string]string{"de": "Pausiert", "en": "Paused"}[l.lang]) {
				t.Errorf("after pausing the list shows %q", s)
			}
			tb.axe("my alerts, paused")

			tb.do(chromedp.Click(css("#alerts li a")))
			tb.waitFor(`location.search.includes('edit=')`)
			tb.waitFor(`document.getElementById('area').value === 'baltic'`)
			tb.fill("words", "Kiel Flensburg")
			tb.axe("edit alert")
			tb.submit("form")
			tb.visible("#created")
			tb.do(chromedp.Navigate(base + "/" + l.lang + "/classifieds/alerts"))
			tb.waitFor(`document.querySelectorAll('#alerts li').length === 1`)
			if s := tb.text("#alerts"); !strings.Contains(s, "kiel, flensburg") {
				t.Errorf("after editing the list shows %q", s)
			}

			tb.do(chromedp.Click(css("#alerts li .button-warning")))
			tb.visible("#deleting")
			if f := tb.focused(); f != "deleting" {
				t.Errorf("the confirmation is not focused: %q", f)
			}
			tb.axe("delete alert?")
			tb.do(chromedp.Click(css("#deleting-confirm")))
			tb.waitFor(`document.querySelectorAll('#alerts li').length === 0`)
			tb.visible("#notice")
			tb.axe("alert deleted")
		})
	}
}
