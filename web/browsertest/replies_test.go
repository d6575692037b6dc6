package browsertest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Promise: HGK-9 — a reply without an account from the listing page: an empty
// form names each field next to it, a header injection in the name is refused
// there; a valid reply says a copy was mailed. The advertiser finds the replies
// through "my listings", reads them and deletes one; the replier deletes theirs
// through the copy's link, only on the click, once; the used link and a link
// without its token say so.
func TestRepliesFormListAndDeleteByLink(t *testing.T) {
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			adv := activeAccount(t, l.lang)
			api := newAPIClient(t).signIn(adv, password)
			var listing struct{ ID string }
			api.call(http.MethodPost, "/v1/listings", map[string]any{"kind": "offer", "area": "baltic", "boatType": "sailing-yacht",
				"from": tripDay(10), "to": tripDay(20), "title": "Koje nach Bornholm", "text": "Zwei Wochen Ostsee.", "expiresOn": tripDay(30)}, http.StatusCreated, &listing)

			tb := openTab(t, l.accept)
			tb.do(chromedp.Navigate(base + "/" + l.lang + "/listings/listing?id=" + listing.ID))
			tb.visible("#reply-form")
			tb.axe("listing with the reply form")

			tb.submit("reply-form")
			tb.summary()
			if !tb.invalid("name") || !tb.invalid("email") || !tb.invalid("message") {
				t.Error("the empty fields are not marked invalid")
			}
			tb.axe("reply form, empty")

			replier := newAddress("replier-" + l.lang)
			message := "Hallo, ich habe den SKS und würde gern im Juli mitsegeln. Viele Grüße"
			tb.fill("name", "<b>Anna</b>")
			tb.fill("email", replier)
			tb.fill("message", message)
			tb.submit("reply-form")
			// The new summary names the name alone (the first named all three).
			tb.waitFor(`document.getElementById('email').getAttribute('aria-invalid') !== 'true'`)
			tb.summary()
			if !tb.invalid("name") || tb.value("message") != message {
				t.Error("the name with markup is not marked, or the input was lost")
			}
			tb.axe("reply form, markup in the name")

			tb.fill("name", "Anna Seemann")
			tb.submit("reply-form")
			tb.visible("#reply-done")
			if f := tb.focused(); f != "reply-done" {
				t.Errorf("after sending the focus is on %q", f)
			}
			if s := tb.text("#reply-done"); !strings.Contains(s, map[string]string{"de": "Kopie", "en": "copy"}[l.lang]) {
				t.Errorf("the success message does not say a copy was mailed: %q", s)
			}
			tb.axe("reply sent")

			// A second reply, sent without the page.
			newAPIClient(t).call(http.MethodPost, "/v1/listings/"+listing.ID+"/replies",
				map[string]string{"name": "Bo", "email": newAddress("second-" + l.lang), "message": "Ist die Koje im August noch frei?"}, http.StatusAccepted, nil)

			// The advertiser (in a browser of their own): my listings link the
			// replies, newest first.
			tb = openTab(t, l.accept)
			advTab := tb
			tb.do(chromedp.Navigate(base + "/" + l.lang + "/login"))
			tb.signIn(l.lang, adv, password)
			tb.do(chromedp.Navigate(base+"/"+l.lang+"/listings/mine"), chromedp.WaitVisible(css(`a[href="/`+l.lang+`/classifieds/replies"]`)),
				chromedp.Click(css(`a[href="/`+l.lang+`/classifieds/replies"]`)))
			tb.waitFor(`document.querySelectorAll('#replies li').length === 2`)
			if s := tb.text("#replies li:last-child"); !strings.Contains(s, message) || !strings.Contains(s, replier) || !strings.Contains(s, "Koje nach Bornholm") {
				t.Errorf("the reply shows %q", s)
			}
			tb.axe("replies received")
			tb.do(chromedp.Click(css("#replies li:first-child button")))
			tb.waitFor(`document.querySelectorAll('#replies li').length === 1`)
			tb.axe("replies received, one deleted")

			// The replier's link: nothing happens before the click.
			tb = openTab(t, l.accept)
			link := mailedLink(t, replier, "/"+l.lang+"/classifieds/reply")
			tb.do(chromedp.Navigate(link))
			tb.visible("#delete-form")
			if strings.Contains(tb.location(), "token") {
				t.Errorf("the token stays in the address bar: %s", tb.location())
			}
			u, err := url.Parse(link)
			if err != nil {
				t.Fatal(err)
			}
			if tb.requested("/v1/replies/" + u.Query().Get("id") + "/delete") {
				t.Fatal("the page sent the token before the click")
			}
			tb.axe("reply page")

			// The link on to the report of no reaction carries the id and the
			// token (in the fragment); the report page takes both out of the
			// address bar and tells that the reply was delivered.
			tb.do(chromedp.Click(css("#to-no-reaction")))
			tb.waitFor(`location.pathname.endsWith('/classifieds/reply/no-reaction')`)
			tb.visible("#report-form")
			if strings.Contains(tb.location(), "token") || strings.Contains(tb.location(), "#") {
				t.Errorf("the token stays in the address bar: %s", tb.location())
			}
			tb.axe("no reaction, from the reply page")
			tb.submit("report-form")
			tb.visible("#answer")
			if s := tb.text("#answer"); !strings.Contains(s, map[string]string{"de": "zugestellt", "en": "delivered to the advertiser"}[l.lang]) {
				t.Errorf("the report through the reply page's link shows %q", s)
			}
			tb.axe("no reaction, delivered, from the reply page")

			tb.do(chromedp.Navigate(link))
			tb.visible("#delete-form")
			tb.submit("delete-form")
			tb.visible("#deleted")
			tb.axe("reply deleted")

			tb.do(chromedp.Navigate(link))
			tb.visible("#delete-form")
			tb.submit("delete-form")
			if s := tb.summary(); !strings.Contains(s, map[string]string{"de": "ungültig", "en": "invalid"}[l.lang]) {
				t.Errorf("a used link shows %q", s)
			}
			tb.axe("reply page, used link")

			tb.do(chromedp.Navigate(base + "/" + l.lang + "/classifieds/reply"))
			tb.visible("#no-token")
			tb.axe("reply page without a token")

			// Signed out, the replies page leads to sign-in and back.
			tb.do(chromedp.Navigate(base + "/" + l.lang + "/classifieds/replies"))
			tb.waitFor(`location.pathname.endsWith('/login') && location.search.includes('classifieds%2Freplies')`)

			advTab.do(chromedp.Navigate(base + "/" + l.lang + "/classifieds/replies"))
			advTab.waitFor(`document.getElementById('content').hidden === false`)
			if c := advTab.count("#replies li"); c != "0" {
				t.Errorf("%s replies after both deletions", c)
			}
			advTab.axe("replies received, none")

			// The replies page leads to the review of withheld replies.
			advTab.do(chromedp.Click(css("#to-withheld-review")))
			advTab.waitFor(`location.pathname.endsWith('/classifieds/replies/withheld-review')`)
			advTab.visible("#request-form")
			advTab.axe("withheld review, from the replies page")
		})
	}
}
