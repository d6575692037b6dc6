package browsertest

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// tripDay is the UTC day d days from today, as the date fields take it.
func tripDay(d int) string { return time.Now().UTC().AddDate(0, 0, d).Format("2006-01-02") }

// fillListing fills the listing form's fields (selects and dates by value).
func (tb *tab) fillListing(title, text string) {
	tb.t.Helper()
	tb.do(
		chromedp.SetValue(css("#kind"), "offer"),
		chromedp.SetValue(css("#area"), "baltic"),
		chromedp.SetValue(css("#boatType"), "catamaran"),
		chromedp.SetValue(css("#from"), tripDay(10)),
		chromedp.SetValue(css("#to"), tripDay(20)),
		chromedp.SetValue(css("#expiresOn"), tripDay(30)),
	)
	tb.fill("title", title)
	tb.fill("text", text)
}

// searchWord is a word of letters no other listing holds, to find one listing by
// the free-text filter.
func searchWord() string {
	return "koje" + strings.Map(func(r rune) rune {
		if r < 'a' || r > 'z' {
			return 'x'
		}
		return r
	}, strings.ToLower(uuid()[:8]))
}

// A listing placed without an account: an empty submit and HTML in the text show
// the error summary with focus and the inline error, what was typed kept; sent,
// the page asks to confirm the address. The mailed link's page publishes only
// on the click (opening it changes nothing); then the listing is shown, found
// by browsing with a filter, and browsing sets no cookie and calls no one else
// (CP-1, HGK-1).
func TestListingPlacedWithoutAccountConfirmedAndBrowsed(t *testing.T) {
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			tb := openTab(t, l.accept)
			tb.do(chromedp.Navigate(base + "/" + l.lang + "/listings/new"))
			tb.waitFor(`document.getElementById('form').dataset.ready === 'anonymous'`)
			tb.axe("new listing, signed out")

			tb.submit("form")
			if s := tb.summary(); !strings.Contains(s, tb.text("label[for=title]")) && tb.eval(`String(document.querySelectorAll('#error-summary a[href="#title"]').length)`) != "1" {
				t.Errorf("the summary does not name the title: %s", s)
			}
			tb.axe("new listing, empty submit")

			word := searchWord()
			title := "Törn " + word + " " + l.lang
			addr := newAddress("listing-" + l.lang)
			tb.fillListing(title, "Zwei Kojen frei <b>sofort</b>")
			tb.fill("email", addr)
			tb.do(chromedp.Click(css(`label[for="acceptedTermsVersion"]`)), chromedp.Click(css(`label[for="acceptedPrivacyVersion"]`)))
			tb.submit("form")
			// The empty submit's errors are replaced by the one about the markup.
			tb.waitFor(`document.getElementById('text-error').textContent.includes('HTML') && document.querySelectorAll('#error-summary li').length === 1`)
			if v := tb.eval(`document.getElementById('text').getAttribute('aria-invalid') || ''`); v != "true" {
				t.Errorf("the text with markup is not marked invalid (%q)", v)
			}
			if v := tb.value("title"); v != title {
				t.Errorf("the title holds %q after the error", v)
			}
			tb.summary()
			tb.axe("new listing, markup refused")

			tb.fill("text", "Zwei Kojen frei, Länge > 10 m")
			tb.submit("form")
			tb.visible("#done")
			if f := tb.focused(); f != "done" {
				t.Errorf("after sending the focus is on %q, want the confirmation", f)
			}
			tb.axe("new listing, waiting for the address")

			link := mailedLink(t, addr, "/"+l.lang+"/listings/confirm")
			tb.do(chromedp.Navigate(link))
			tb.waitFor(`document.getElementById('form').dataset.ready === 'true'`)
			if strings.Contains(tb.location(), "token=") {
				t.Error("the token stays in the address bar")
			}
			if tb.requested("/v1/listings/confirm") {
				t.Fatal("opening the link spent the token")
			}
			tb.axe("confirm listing")
			tb.submit("form")
			tb.visible("#done")
			tb.axe("listing confirmed")
			tb.do(chromedp.Click(css("#listing-link")))
			tb.visible("#listing")
			if got := tb.text("#title"); got != title {
				t.Errorf("the listing shows %q, want %q", got, title)
			}
			tb.axe("listing")
			tb.checkClean()

			// A fresh browser browses and reads without any cookie.
			br := openTab(t, l.accept)
			br.do(chromedp.Navigate(base + "/" + l.lang + "/listings"))
			br.waitFor(`document.getElementById('filter').dataset.ready === 'true'`)
			br.axe("browse")
			br.fill("q", word)
			br.do(chromedp.SetValue(css("#kind"), "offer"), chromedp.SetValue(css("#area"), "baltic"))
			br.submit("filter")
			br.waitFor(`document.querySelectorAll('#results li').length === 1 && !document.getElementById('filter').hasAttribute('aria-busy')`)
			if got := br.text("#results h2"); got != title {
				t.Errorf("browsing found %q, want %q", got, title)
			}
			// The card names its advertiser (a neutral label without a username)
			// and links their ratings by the public id (HGK-8).
			label := map[string]string{"de": "einer Person ohne Benutzernamen", "en": "someone without a username"}[l.lang]
			none := map[string]string{"de": "Noch keine Bewertungen.", "en": "No ratings yet."}[l.lang]
			if got := br.text("#results .facts"); !strings.Contains(got, label) || !strings.Contains(got, none) {
				t.Errorf("the card's advertiser facts %q", got)
			}
			br.waitFor(`document.querySelector('#results a[href*="/classifieds/ratings?advertiser="]') !== null`)
			br.axe("browse, filtered")
			br.do(chromedp.SetValue(css("#area"), "caribbean"))
			br.submit("filter")
			br.waitFor(`document.querySelectorAll('#results li').length === 0 && !document.getElementById('filter').hasAttribute('aria-busy')`)
			br.do(chromedp.SetValue(css("#from"), tripDay(9)), chromedp.SetValue(css("#to"), tripDay(3)))
			br.submit("filter")
			br.summary()
			br.axe("browse, date range refused")
			br.do(chromedp.SetValue(css("#from"), ""), chromedp.SetValue(css("#to"), ""), chromedp.SetValue(css("#area"), ""))
			br.submit("filter")
			br.waitFor(`document.querySelectorAll('#results li').length === 1 && !document.getElementById('filter').hasAttribute('aria-busy')`)
			br.do(chromedp.Click(css("#results h2 a")))
			br.visible("#listing")
			if c := br.cookies(); len(c) != 0 {
				t.Errorf("browsing and reading set cookies %v", c)
			}
			br.do(chromedp.Navigate(base + "/" + l.lang + "/listings/listing?id=019a0000-0000-7000-8000-000000000000"))
			br.visible("#gone")
			br.axe("listing gone")
			br.checkClean()
		})
	}
}

// Signed in, a listing is published at once; my listings shows it; it is edited,
// ended early after a confirmation (then a template) and a new listing is made
// from it (HGK-7).
func TestMyListingsEditEndAndTemplate(t *testing.T) {
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			addr := activeAccount(t, l.lang)
			tb := openTab(t, l.accept)
			tb.signIn(l.lang, addr, password)
			tb.do(chromedp.Navigate(base + "/" + l.lang + "/listings/new"))
			tb.waitFor(`document.getElementById('form').dataset.ready === 'signed'`)
			tb.visible("#signed-in")
			tb.axe("new listing, signed in")
			tb.fillListing("Erste Fassung "+l.lang, "Koje frei")
			tb.submit("form")
			tb.visible("#done")
			tb.axe("listing published")

			tb.do(chromedp.Navigate(base + "/" + l.lang + "/listings/mine"))
			tb.waitFor(`document.querySelectorAll('#mine li').length === 1`)
			tb.axe("my listings")
			tb.do(chromedp.Click(css(`#mine a[href*="edit="]`)))
			tb.waitFor(`document.getElementById('form').dataset.ready === 'edit'`)
			if v := tb.value("title"); v != "Erste Fassung "+l.lang {
				t.Fatalf("the edit form holds %q", v)
			}
			tb.axe("edit listing")
			tb.fill("title", "<i>x</i>")
			tb.submit("form")
			tb.summary()
			tb.axe("edit listing, markup refused")
			tb.fill("title", "Zweite Fassung "+l.lang)
			tb.submit("form")
			tb.visible("#done")

			tb.do(chromedp.Navigate(base + "/" + l.lang + "/listings/mine"))
			tb.waitFor(`document.querySelector('#mine h2') && document.querySelector('#mine h2').textContent === 'Zweite Fassung ` + l.lang + `'`)
			tb.do(chromedp.Click(css(`#mine button`)))
			tb.visible("#ending")
			if f := tb.focused(); f != "ending" {
				t.Errorf("the confirmation does not take the focus (%q)", f)
			}
			tb.axe("end listing, confirmation")
			tb.do(chromedp.Click(css("#ending-cancel")))
			tb.waitFor(`document.getElementById('ending').hidden`)
			tb.do(chromedp.Click(css(`#mine button`)), chromedp.WaitVisible(css("#ending")), chromedp.Click(css("#ending-confirm")))
			tb.visible("#notice")
			tb.waitFor(`document.querySelector('#mine a[href*="template="]')`)
			if n := tb.eval(`String(document.querySelectorAll('#mine a[href*="edit="]').length)`); n != "0" {
				t.Errorf("an ended listing still offers editing")
			}
			tb.axe("listing ended")

			tb.do(chromedp.Click(css(`#mine a[href*="template="]`)))
			tb.waitFor(`document.getElementById('form').dataset.ready === 'template'`)
			if v := tb.value("title"); v != "Zweite Fassung "+l.lang {
				t.Fatalf("the template form holds %q", v)
			}
			tb.axe("new listing from a template")
			tb.submit("form")
			tb.summary() // the expiry date is chosen anew
			tb.do(chromedp.SetValue(css("#expiresOn"), tripDay(15)))
			tb.submit("form")
			tb.visible("#done")
			tb.do(chromedp.Navigate(base + "/" + l.lang + "/listings/mine"))
			tb.waitFor(`document.querySelectorAll('#mine li').length === 2`)
			tb.checkClean()
		})
	}
}
