package browsertest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Sign-in by mailed link (HGK-3), as a person does it: on the sign-in page an
// empty address (the inline error), then the address (the neutral confirmation);
// the mailed link opens a page that signs in only on the button (opening it does
// nothing: mail scanners open links), then leads to the page the person came for.
// The same link again says it no longer works and leads to asking for a new one;
// a link without its token says so. The administrator's evidence look-up names
// the sign-in by link.
func TestSignInByMailedLink(t *testing.T) {
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			addr := activeAccount(t, l.lang)
			tb := openTab(t, l.accept)
			tb.do(chromedp.Navigate(base+"/"+l.lang+"/login?next=/"+l.lang+"/account"), chromedp.WaitVisible(css("#linkEmail")))
			tb.axe("sign-in page with the link form")
			tb.submit("link-form")
			if s := tb.summary(); !strings.Contains(s, map[string]string{"de": "erforderlich", "en": "required"}[l.lang]) {
				t.Errorf("summary %q does not say the address is missing", s)
			}
			if h := tb.eval(`document.querySelector('#error-summary a').getAttribute('href')`); h != "#linkEmail" {
				t.Errorf("the summary links %q, want the link form's address field", h)
			}
			if !tb.invalid("linkEmail") {
				t.Error("the address field is not marked invalid")
			}
			tb.axe("link form with an error")
			tb.do(chromedp.SendKeys(css("#linkEmail"), addr))
			tb.submit("link-form")
			tb.visible("#link-done")
			if f := tb.focused(); f != "link-done" {
				t.Errorf("focus on %q, want the confirmation", f)
			}
			tb.axe("link requested")

			link := mailedLink(t, addr, "/login/link")
			if !strings.Contains(link, "next=%2F"+l.lang+"%2Faccount") {
				t.Errorf("link %s does not carry the page to open", link)
			}
			tb.do(chromedp.Navigate(link), chromedp.WaitVisible(css(`#form button[type="submit"]`)))
			time.Sleep(300 * time.Millisecond)
			if tb.requested("/v1/sessions/link/confirm") || slices.Contains(tb.cookies(), "__Host-kontor-session") {
				t.Fatal("opening the link signed in without the button")
			}
			if strings.Contains(tb.location(), "token=") {
				t.Errorf("the token stays in the address bar: %s", tb.location())
			}
			tb.axe("sign-in link page")
			tb.submit("form")
			tb.waitFor(`location.pathname === '/` + l.lang + `/account'`)
			if !slices.Contains(tb.cookies(), "__Host-kontor-session") {
				t.Fatal("signed in without a session cookie")
			}

			// The same link again: used.
			tb.do(chromedp.Navigate(link), chromedp.WaitVisible(css(`#form button[type="submit"]`)))
			tb.submit("form")
			tb.visible("#invalid")
			if f := tb.focused(); f != "invalid" {
				t.Errorf("focus on %q, want the message", f)
			}
			tb.axe("used sign-in link")
			tb.do(chromedp.Click(css("#ask-new")), chromedp.WaitVisible(css("#linkEmail")))

			// Without its token.
			tb.do(chromedp.Navigate(base+"/"+l.lang+"/login/link"), chromedp.WaitVisible(css("#no-token")))
			tb.axe("incomplete sign-in link")

			// HGK-12: the administrator sees the sign-in by link in the evidence.
			id := accountID(t, addr)
			admin := openTab(t, l.accept)
			admin.signInAdmin(l.lang)
			admin.do(chromedp.Navigate(base+"/"+l.lang+"/admin/security"), chromedp.WaitVisible(css("#evidence-form")))
			admin.fill("evidenceAccountId", id)
			admin.submit("evidence-form")
			admin.visible("#evidence-result table")
			if rows := admin.text("#evidence-result tbody"); !strings.Contains(rows, map[string]string{"de": "Anmeldung per Link", "en": "Sign-in by link"}[l.lang]) {
				t.Errorf("evidence rows %q do not show the sign-in by link", rows)
			}
			admin.axe("evidence with a sign-in by link")
		})
	}
}
