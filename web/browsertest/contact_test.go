package browsertest

import (
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// requested reports whether the tab sent a request to path on the site.
func (tb *tab) requested(path string) bool {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return slices.Contains(tb.requests, base+path)
}

// The contact form without an account: an empty submit names the missing
// address; a subject over its cap and voluntary text without the consent show
// both inline errors and keep the input; then the request is sent.
func TestContactFormShowsErrorsThenSends(t *testing.T) {
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			tb := openTab(t, l.accept)
			tb.do(chromedp.Navigate(base+"/"+l.lang+"/"), chromedp.WaitVisible(css("#signed-out")))
			tb.do(chromedp.Click(css(`.footer a[href$="/contact"]`)), chromedp.WaitVisible(css("#email")))
			tb.axe("contact form")
			tb.screenshot("contact-" + l.lang)

			tb.do(chromedp.Click(css(`#form button[type="submit"]`)), chromedp.WaitVisible(css("#error-summary")))
			if f := tb.focused(); f != "error-summary" {
				t.Errorf("after an empty submit the focus is on %q, want the error summary", f)
			}
			if n := tb.eval(`String(document.querySelectorAll('#error-summary a[href="#email"]').length)`); n != "1" {
				t.Errorf("the error summary does not link the address field: %s", tb.text("#error-summary"))
			}
			tb.axe("contact form, empty submit")

			addr := newAddress("contact-" + l.lang)
			long := strings.Repeat("x", 151)
			tb.do(
				chromedp.SendKeys(css("#email"), addr),
				chromedp.SendKeys(css("#subject"), long),
				chromedp.SendKeys(css("#message"), "Where do I find my contract?"),
				chromedp.Click(css(`#form button[type="submit"]`)),
				chromedp.WaitVisible(css("#subject-error")),
				chromedp.WaitVisible(css("#consentVersion-error")),
			)
			if v := tb.eval(`document.getElementById('subject').getAttribute('aria-invalid') || ''`); v != "true" {
				t.Errorf("the too-long subject is not marked invalid (aria-invalid %q)", v)
			}
			if v := tb.eval(`document.getElementById('subject').value`); v != long {
				t.Errorf("the subject holds %d characters after the error, want what was typed", len(v))
			}
			if v := tb.eval(`document.getElementById('message').value`); v != "Where do I find my contract?" {
				t.Errorf("the message holds %q after the error, want what was typed", v)
			}
			if n := tb.eval(`String(document.querySelectorAll('#error-summary li').length)`); n != "2" {
				t.Errorf("the error summary has %s entries, want 2 (subject too long, consent missing): %s", n, tb.text("#error-summary"))
			}
			tb.axe("contact form, subject too long and no consent")

			tb.do(
				chromedp.Func(clearField("subject")),
				chromedp.SendKeys(css("#subject"), "My contract"),
				chromedp.Click(css(`label[for="consentVersion"]`)),
				chromedp.Click(css(`#form button[type="submit"]`)),
				chromedp.WaitVisible(css("#done")),
			)
			if f := tb.focused(); f != "done" {
				t.Errorf("after sending the focus is on %q, want the confirmation", f)
			}
			if got := tb.text("#done-reference"); len(got) < 30 {
				t.Errorf("the confirmation shows no reference: %q", got)
			}
			if !tb.requested("/v1/contact-requests") || tb.requested("/v1/me/contact-requests") {
				t.Error("the form without an account did not post to /v1/contact-requests alone")
			}
			tb.axe("contact request sent")
		})
	}
}

// Signed in, the form uses the account's address: the address and name fields
// go away, the page says who is signed in, the request goes to the account's
// route.
func TestSignedInContactUsesTheAccount(t *testing.T) {
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			addr := activeAccount(t, l.lang)
			tb := openTab(t, l.accept)
			tb.do(
				chromedp.Navigate(base+"/"+l.lang+"/login"),
				chromedp.WaitVisible(css("#email")),
				chromedp.SendKeys(css("#email"), addr),
				chromedp.SendKeys(css("#password"), password),
				chromedp.Click(css(`#form button[type="submit"]`)),
				chromedp.WaitVisible(css("#account")),
				chromedp.Navigate(base+"/"+l.lang+"/contact"),
				chromedp.WaitVisible(css("#signed-in")),
			)
			if got := tb.text("#signed-in-text"); !strings.Contains(got, addr) {
				t.Errorf("the form says %q, want the signed-in address", got)
			}
			if v := tb.eval(`String(document.getElementById('anonymous-fields').hidden)`); v != "true" {
				t.Error("signed in, the form still asks for the address and name")
			}
			tb.axe("contact form signed in")
			tb.do(
				chromedp.SendKeys(css("#message"), "Please call me back."),
				chromedp.Click(css(`label[for="consentVersion"]`)),
				chromedp.Click(css(`#form button[type="submit"]`)),
				chromedp.WaitVisible(css("#done")),
			)
			if !tb.requested("/v1/me/contact-requests") || tb.requested("/v1/contact-requests") {
				t.Error("signed in, the form did not post to /v1/me/contact-requests alone")
			}
			tb.axe("contact request sent signed in")
		})
	}
}

// The record of processing and the privacy notice: reached from the footer,
// the record with the deployment's parameters filled in from the API.
func TestRecordOfProcessingAndPrivacyNotice(t *testing.T) {
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			tb := openTab(t, l.accept)
			tb.do(chromedp.Navigate(base+"/"+l.lang+"/"), chromedp.WaitVisible(css("#signed-out")))
			tb.do(chromedp.Click(css(`.footer a[href$="/processing"]`)), chromedp.WaitVisible(css("#params-list")))
			if got := tb.location(); got != base+"/"+l.lang+"/processing" {
				t.Errorf("the footer's record link leads to %s", got)
			}
			if n := tb.eval(`String(document.querySelectorAll('section.record').length)`); n == "0" {
				t.Error("the record shows no kind of data")
			}
			if n := tb.eval(`String(document.querySelectorAll('#params-list > div').length)`); n == "0" || n == "1" {
				t.Errorf("the parameters in force list %s rows, want the region and the parameters", n)
			}
			if n := tb.eval(`String([...document.querySelectorAll('[data-param]')].filter(s => s.textContent).length)`); n == "0" {
				t.Error("no retention period shows the value in force")
			}
			tb.axe("record of processing")
			tb.screenshot("processing-" + l.lang)

			tb.do(chromedp.Click(css(`.footer a[href$="/privacy"]`)), chromedp.WaitVisible(css("#operator-missing")))
			if n := tb.eval(`String(document.querySelectorAll('main section').length)`); n == "0" {
				t.Error("the privacy notice shows no kind of data")
			}
			tb.axe("privacy notice")

			// The local stack sets no OperatorDetails: the imprint shows the same gap.
			tb.do(chromedp.Click(css(`.footer a[href$="/imprint"]`)), chromedp.WaitVisible(css("#operator-missing")))
			if got := tb.text("#operator-missing"); !strings.Contains(got, "OperatorDetails") {
				t.Errorf("the imprint's gap says %q, not which parameter fills it", got)
			}
			tb.axe("imprint")
		})
	}
}
