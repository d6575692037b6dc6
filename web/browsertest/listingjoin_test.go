package browsertest

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Promise: HGK-5, HGK-8, HGK-11, CP-1 — the classifieds' pages joined up. An
// advertiser (username chosen, rated 4 stars by someone else) reaches their
// listing's photos page and statistics from my listings, adds a photo and
// confirms their identity. A fresh browser goes from the home page to the
// listings, finds the listing and opens it: its photo loads from the photo
// bucket, it bears the identity mark, the username and the rating summary, whose
// link leads to the advertiser's ratings; no cookie so far. "Add to my watch
// list" leads to the watch list, which, once added, shows it. Both languages,
// axe on every state.
func TestListingPageLinksPhotosIdentityRatingsAndWatchlist(t *testing.T) {
	texts := map[string]map[string]string{
		"de": {"identity": "Identität bestätigt", "ratings": "1 Bewertung mit 4 von 5 Sternen", "added": "steht auf Ihrer Merkliste", "done": "geprüft und gespeichert"},
		"en": {"identity": "Identity confirmed", "ratings": "1 rating of 4 out of 5 stars", "added": "is on your watch list", "done": "checked and stored"},
	}
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			w := texts[l.lang]
			addr := activeAccount(t, l.lang)
			word := searchWord()
			title := "Törn " + word
			api := newAPIClient(t).signIn(addr, password)
			var mine struct{ ID string }
			api.call(http.MethodPost, "/v1/listings", map[string]any{"kind": "offer", "area": "baltic", "boatType": "sailing-yacht",
				"from": tripDay(10), "to": tripDay(20), "title": title, "text": "Zwei Kojen frei.", "expiresOn": tripDay(30)}, http.StatusCreated, &mine)
			user := "Skipper" + word
			if st := api.do(http.MethodPatch, "/v1/me/advertiser", map[string]string{"username": user}, nil); st/100 != 2 {
				t.Fatalf("username: %d", st)
			}
			var view struct{ Advertiser struct{ ID string } }
			api.call(http.MethodGet, "/v1/listings/"+mine.ID, nil, http.StatusOK, &view)
			rater := newAPIClient(t).signIn(activeAccount(t, l.lang), password)
			if st := rater.do(http.MethodPost, "/v1/advertisers/"+view.Advertiser.ID+"/ratings", map[string]any{"stars": 4, "text": "Gerne wieder."}, nil); st/100 != 2 {
				t.Fatalf("rating: %d", st)
			}

			// The advertiser: my listings → photos page (a photo added) and statistics;
			// then the identity confirmation.
			adv := openTab(t, l.accept)
			adv.allow(photoBucket())
			adv.do(chromedp.Navigate(base + "/" + l.lang + "/listings/mine"))
			adv.waitFor(`location.pathname.endsWith('/login')`)
			adv.signIn(l.lang, addr, password)
			adv.waitFor(`location.pathname.endsWith('/listings/mine')`)
			photosLink := `#mine a[href$="/classifieds/photos?listing=` + mine.ID + `"]`
			statsLink := `#mine a[href$="/classifieds/stats?listing=` + mine.ID + `"]`
			adv.visible(photosLink)
			adv.axe("my listings with their photos and statistics")
			adv.do(chromedp.Click(css(photosLink)))
			adv.waitFor(`location.pathname.endsWith('/classifieds/photos')`)
			adv.visible("#upload-form")
			adv.chooseFile("boot.jpg", smallJPEG(t))
			adv.submit("upload-form")
			adv.visible("#photos-done")
			if got := adv.text("#photos-done"); !strings.Contains(got, w["done"]) {
				t.Fatalf("photo upload: %q", got)
			}
			adv.do(chromedp.NavigateBack())
			adv.visible(statsLink)
			adv.do(chromedp.Click(css(statsLink)))
			adv.waitFor(`location.pathname.endsWith('/classifieds/stats') && !document.getElementById('stats').hidden`)
			if n := adv.count("#stats-days tr"); n != "30" {
				t.Errorf("the statistics reached from my listings show %s days", n)
			}
			adv.do(chromedp.Navigate(base+"/"+l.lang+"/"), chromedp.WaitVisible(css("#to-identity")), chromedp.Click(css("#to-identity")))
			adv.waitFor(`location.pathname.endsWith('/classifieds/identity')`)
			adv.do(chromedp.WaitVisible(css("#start-form")), chromedp.Click(css(`#start-form button[type="submit"]`)))
			adv.waitFor(`location.pathname.endsWith('/_local/idp/authorize')`)
			adv.do(chromedp.Click(css("button")))
			adv.do(chromedp.WaitVisible(css("#confirmed")))
			adv.checkClean()

			// A visitor: home → listings → the listing → watch list.
			tb := openTab(t, l.accept)
			tb.allow(photoBucket())
			tb.do(chromedp.Navigate(base+"/"+l.lang+"/"), chromedp.WaitVisible(css("#to-listings")))
			tb.axe("home page with the classifieds' links")
			tb.do(chromedp.Click(css("#to-listings")))
			tb.waitFor(`document.getElementById('filter') && document.getElementById('filter').dataset.ready === 'true'`)
			tb.fill("q", word)
			tb.submit("filter")
			tb.waitFor(`document.querySelectorAll('#results li').length === 1 && !document.getElementById('filter').hasAttribute('aria-busy')`)
			tb.do(chromedp.Click(css("#results h2 a")))
			tb.visible("#listing")
			tb.waitFor(`document.querySelectorAll('#photos img').length === 1 && document.querySelector('#photos img').complete && document.querySelector('#photos img').naturalWidth > 0`)
			if alt := tb.eval(`document.querySelector('#photos img').alt`); !strings.Contains(alt, title) {
				t.Errorf("the photo's text alternative %q does not name the listing", alt)
			}
			tb.visible("#identity")
			if got := tb.text("#identity"); !strings.Contains(got, w["identity"]) {
				t.Errorf("identity mark %q", got)
			}
			facts := tb.text("#facts")
			if !strings.Contains(facts, user) || !strings.Contains(facts, w["ratings"]) {
				t.Errorf("the listing's facts %q lack the username %q or the rating summary %q", facts, user, w["ratings"])
			}
			if href := tb.eval(`document.getElementById('ratings-link').getAttribute('href')`); href != "/"+l.lang+"/classifieds/ratings?advertiser="+view.Advertiser.ID {
				t.Errorf("ratings link %q", href)
			}
			if c := append(tb.cookies(), tb.cookiesFor("/v1/watchlist")...); len(c) != 0 {
				t.Errorf("browsing and reading set cookies %v (CP-1)", c)
			}
			tb.axe("listing with photo, identity mark and ratings")

			tb.do(chromedp.Click(css("#watch")))
			tb.waitFor(`location.pathname.endsWith('/classifieds/watchlist')`)
			tb.do(chromedp.WaitVisible(css("#add")))
			tb.axe("watch list offering the listing")
			tb.do(chromedp.Click(css("#add")))
			tb.waitFor(`document.querySelector('#watch li[data-listing="` + mine.ID + `"]')`)
			if s := tb.text("#watch-count"); !strings.Contains(s, w["added"]) {
				t.Errorf("watch list after adding: %q", s)
			}
			if got := tb.text(`#watch li[data-listing="` + mine.ID + `"] h2`); got != title {
				t.Errorf("watch list entry %q, want %q", got, title)
			}
			tb.axe("watch list holding the listing")

			// The rating summary's link leads to the advertiser's ratings.
			tb.do(chromedp.NavigateBack())
			tb.visible("#ratings-link")
			tb.do(chromedp.Click(css("#ratings-link")))
			tb.waitFor(`location.pathname.endsWith('/classifieds/ratings') && document.querySelectorAll('#ratings li').length === 1`)
			tb.checkClean()
		})
	}
}
