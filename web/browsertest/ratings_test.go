package browsertest

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// advertiserWithListing is an advertiser (signed in through the API from an
// address of its own) with a published listing; it returns their public id.
func advertiserWithListing(t *testing.T, lang string) string {
	t.Helper()
	a := newAPIClient(t).signIn(activeAccount(t, lang), password)
	day := func(d int) string { return time.Now().UTC().AddDate(0, 0, d).Format("2006-01-02") }
	var l struct{ ID string }
	a.call(http.MethodPost, "/v1/listings", map[string]any{"kind": "offer", "area": "baltic", "boatType": "sailing-yacht",
		"from": day(10), "to": day(20), "title": "Koje frei", "text": "Zwei Wochen Ostsee.", "expiresOn": day(30)}, http.StatusCreated, &l)
	var v struct{ Advertiser struct{ ID string } }
	a.call(http.MethodGet, "/v1/listings/"+l.ID, nil, http.StatusOK, &v)
	if v.Advertiser.ID == "" {
		t.Fatal("the public listing names no advertiser")
	}
	return v.Advertiser.ID
}

// Promise: HGK-3, HGK-4 — the advertiser details form: a username with a staff
// word is refused next to the field, the input kept; valid details are saved
// and shown again after a reload; emptying a field removes it.
func TestAdvertiserDetailsFormShowsErrorsThenSaves(t *testing.T) {
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			tb := openTab(t, l.accept)
			tb.do(chromedp.Navigate(base + "/" + l.lang + "/classifieds/advertiser"))
			tb.signIn(l.lang, activeAccount(t, l.lang), password)
			tb.waitFor(`location.pathname.endsWith('/classifieds/advertiser')`)
			// Signed in, the home page links it.
			tb.do(chromedp.Navigate(base+"/"+l.lang+"/"), chromedp.WaitVisible(css("#to-advertiser")), chromedp.Click(css("#to-advertiser")))
			tb.waitFor(`location.pathname.endsWith('/classifieds/advertiser')`)
			tb.visible("#form")
			tb.axe("advertiser details")

			tb.fill("username", "Admin_Crew")
			tb.fill("name", "Greta Segel")
			tb.submit("form")
			if s := tb.summary(); !strings.Contains(s, map[string]string{"de": "vorbehalten", "en": "reserved"}[l.lang]) {
				t.Errorf("the summary does not say the name is reserved: %q", s)
			}
			if !tb.invalid("username") || tb.value("name") != "Greta Segel" {
				t.Error("the username is not marked invalid, or the name was lost")
			}
			tb.axe("advertiser details, reserved username")

			user := "Skipper" + strings.ReplaceAll(uuid()[:8], "-", "")
			tb.fill("username", user)
			tb.fill("city", "Flensburg")
			tb.do(chromedp.SetValue(css("#salutation"), "ms"))
			tb.submit("form")
			tb.visible("#saved")
			if f := tb.focused(); f != "saved" {
				t.Errorf("after saving the focus is on %q", f)
			}
			tb.axe("advertiser details saved")

			tb.do(chromedp.Reload())
			tb.visible("#form")
			tb.waitFor(`document.getElementById('username').value !== ''`)
			if tb.value("username") != user || tb.value("city") != "Flensburg" || tb.value("salutation") != "ms" || tb.text("#fact-public-id") == "–" {
				t.Errorf("after a reload: username %q city %q salutation %q", tb.value("username"), tb.value("city"), tb.value("salutation"))
			}
			tb.fill("city", "")
			tb.submit("form")
			tb.visible("#saved")
			tb.do(chromedp.Reload())
			tb.waitFor(`document.getElementById('username').value !== ''`)
			if tb.value("city") != "" {
				t.Errorf("the emptied city is still %q", tb.value("city"))
			}
		})
	}
}

// Promise: HGK-8 — an advertiser's ratings page: the rating form refuses an
// empty text next to the field, then publishes the rating, which the list
// shows; my ratings list it among those given, and deleting it removes it. An
// unknown advertiser shows that no ratings can be seen.
func TestRatingsPagesRateListAndDelete(t *testing.T) {
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			pub := advertiserWithListing(t, l.lang)
			tb := openTab(t, l.accept)
			tb.do(chromedp.Navigate(base + "/" + l.lang + "/classifieds/ratings?advertiser=nobody"))
			tb.visible("#unavailable")
			tb.axe("ratings of an unknown advertiser")

			tb.do(chromedp.Navigate(base + "/" + l.lang + "/login"))
			tb.signIn(l.lang, activeAccount(t, l.lang), password)
			tb.do(chromedp.Navigate(base + "/" + l.lang + "/classifieds/ratings?advertiser=" + pub))
			tb.visible("#form")
			if c := tb.count("#ratings li"); c != "0" {
				t.Errorf("%s ratings before any", c)
			}
			tb.axe("ratings, none yet")

			tb.submit("form")
			tb.summary()
			if !tb.invalid("text") {
				t.Error("the empty text is not marked invalid")
			}
			tb.axe("rating form, empty text")

			tb.fill("text", "Sehr netter Skipper, gerne wieder.")
			tb.do(chromedp.SetValue(css("#stars"), "4"))
			tb.submit("form")
			tb.visible("#rated")
			tb.waitFor(`document.querySelectorAll('#ratings li').length === 1`)
			if s := tb.text("#ratings"); !strings.Contains(s, "Sehr netter Skipper") {
				t.Errorf("the list does not show the rating: %q", s)
			}
			if s := tb.text("#summary"); !strings.Contains(s, "4") {
				t.Errorf("the summary %q", s)
			}
			tb.axe("rating published")

			tb.do(chromedp.Navigate(base + "/" + l.lang + "/classifieds/my-ratings"))
			tb.waitFor(`document.querySelectorAll('#given li').length === 1`)
			tb.axe("my ratings")
			tb.do(chromedp.Click(css("#given li button")))
			tb.waitFor(`document.querySelectorAll('#given li').length === 0`)
			tb.axe("my ratings, deleted")
			tb.do(chromedp.Navigate(base + "/" + l.lang + "/classifieds/ratings?advertiser=" + pub))
			tb.visible("#form")
			if c := tb.count("#ratings li"); c != "0" {
				t.Errorf("%s ratings after the deletion", c)
			}
		})
	}
}

// Promise: HGK-2 — a rating without an account: the form asks for the address
// (an invalid one is shown next to the field), says to open the mailed link,
// and the confirm page publishes the rating only on the click; the used link
// again shows a clear problem.
func TestRatingWithoutAccountIsConfirmedOnTheClick(t *testing.T) {
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			pub := advertiserWithListing(t, l.lang)
			tb := openTab(t, l.accept)
			tb.do(chromedp.Navigate(base + "/" + l.lang + "/classifieds/ratings?advertiser=" + pub))
			tb.visible("#email")
			tb.axe("rating form without an account")

			tb.fill("text", "Ohne Konto, aber ehrlich.")
			tb.fill("email", "not-an-address")
			tb.submit("form")
			tb.summary()
			if !tb.invalid("email") || tb.value("text") != "Ohne Konto, aber ehrlich." {
				t.Error("the invalid address is not marked, or the text was lost")
			}
			// HGK-2: the account the confirmation creates records the texts accepted
			// here, so they must be accepted.
			if !tb.invalid("acceptedTermsVersion") || !tb.invalid("acceptedPrivacyVersion") {
				t.Error("the terms and privacy notice not accepted are not marked")
			}
			tb.axe("rating form, invalid address")

			addr := newAddress("rater-" + l.lang)
			tb.fill("email", addr)
			tb.do(chromedp.Click(css(`label[for="acceptedTermsVersion"]`)), chromedp.Click(css(`label[for="acceptedPrivacyVersion"]`)))
			tb.submit("form")
			tb.visible("#mailed")
			tb.axe("rating mailed")

			link := mailedLink(t, addr, "/"+l.lang+"/classifieds/rating-confirm")
			tb.do(chromedp.Navigate(link))
			tb.visible("#confirm-form")
			if strings.Contains(tb.location(), "token") {
				t.Errorf("the token stays in the address bar: %s", tb.location())
			}
			if tb.requested("/v1/ratings/confirm") {
				t.Fatal("the page sent the token before the click")
			}
			tb.axe("confirm page")
			tb.submit("confirm-form")
			tb.visible("#confirmed")
			tb.axe("rating confirmed")

			tb.do(chromedp.Navigate(link))
			tb.visible("#confirm-form")
			tb.submit("confirm-form")
			if s := tb.summary(); !strings.Contains(s, map[string]string{"de": "schon benutzt", "en": "used already"}[l.lang]) {
				t.Errorf("a used link shows %q", s)
			}
			tb.axe("confirm page, used link")

			tb.do(chromedp.Navigate(base + "/" + l.lang + "/classifieds/ratings?advertiser=" + pub))
			tb.waitFor(`document.querySelectorAll('#ratings li').length === 1`)
		})
	}
}
