package browsertest

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// photoBucket is where the photos page sends and shows photos from (locally).
func photoBucket() string {
	return stack.EndpointURL + "/" + stack.Name("ClassifiedsPhotoBucket") + "/photos/"
}

// Promise: HGK-7 — photos are public exactly while the listing is.
// The advertiser's photos page: signed out it leads to sign-in and back; another
// advertiser's listing says "not found"; a file of another type is refused before
// anything is sent, a PNG named .jpg by the check after the upload (on the file
// field); a JPEG goes up, is checked and shown; it is removed after a
// confirmation. Both languages, axe on every state.
func TestListingPhotosPage(t *testing.T) {
	texts := map[string]map[string]string{
		"de": {"none": "noch keine Fotos", "type": "kein Foto im Format JPEG, PNG oder WebP", "refused": "abgelehnt", "done": "geprüft und gespeichert", "removed": "entfernt", "denied": "nicht gefunden"},
		"en": {"none": "no photos yet", "type": "not a JPEG, PNG or WebP photo", "refused": "refused", "done": "checked and stored", "removed": "removed", "denied": "not found"},
	}
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			w := texts[l.lang]
			addr := activeAccount(t, l.lang)
			_, listing := advertiser(t, addr)
			_, theirs := advertiser(t, activeAccount(t, l.lang))
			page := base + "/" + l.lang + "/classifieds/photos?listing=" + listing

			tb := openTab(t, l.accept)
			tb.allow(photoBucket())
			tb.do(chromedp.Navigate(page))
			tb.waitFor(`location.pathname.endsWith('/login')`)
			tb.signIn(l.lang, addr, password)
			tb.waitFor(`location.pathname.endsWith('/classifieds/photos') && location.search.includes(` + jsString(listing) + `)`)
			tb.visible("#upload-form")
			if got := tb.text("#photos-count"); !strings.Contains(got, w["none"]) {
				t.Fatalf("an empty listing shows %q", got)
			}
			tb.axe("photos, none")

			// Another type is refused before anything is sent.
			tb.chooseFile("notes.txt", []byte("not a photo"))
			tb.submit("upload-form")
			if got := tb.summary(); !strings.Contains(got, w["type"]) || !tb.invalid("file") {
				t.Errorf("wrong type: summary %q, field invalid %v", got, tb.invalid("file"))
			}
			tb.axe("photos, wrong type refused")

			// A PNG named .jpg passes the browser's check and is refused by the API's.
			tb.chooseFile("boot.jpg", smallPNG(t))
			tb.submit("upload-form")
			tb.waitFor(`document.getElementById('error-summary').textContent.includes(` + jsString(w["refused"]) + `)`)
			if !tb.invalid("file") {
				t.Error("the refusal is not on the file field")
			}
			tb.axe("photos, refused after the upload")

			// A JPEG goes up, is checked and shown.
			tb.chooseFile("boot.jpg", smallJPEG(t))
			tb.submit("upload-form")
			tb.visible("#photos-done")
			if got := tb.text("#photos-done"); !strings.Contains(got, w["done"]) {
				t.Errorf("confirmation %q", got)
			}
			tb.waitFor(`document.querySelector('#photos img') && document.querySelector('#photos img').complete && document.querySelector('#photos img').naturalWidth > 0`)
			if n := tb.count("#photos li"); n != "1" {
				t.Fatalf("%s photos listed, want the one checked (the refused one is gone)", n)
			}
			tb.axe("photos, one")

			// Removed after a confirmation.
			tb.do(chromedp.Click(css("#photos li button")))
			tb.visible("#remove-confirm")
			tb.axe("photos, confirm removal")
			tb.submit("remove-form")
			tb.visible("#photos-done")
			if got := tb.text("#photos-done"); !strings.Contains(got, w["removed"]) || tb.count("#photos li") != "0" {
				t.Errorf("after the removal %q, %s listed", got, tb.count("#photos li"))
			}
			tb.axe("photos, removed")

			// Another advertiser's listing: not found, no form.
			tb.do(chromedp.Navigate(base + "/" + l.lang + "/classifieds/photos?listing=" + theirs))
			tb.visible("#denied")
			if got := tb.text("#denied"); !strings.Contains(strings.ToLower(got), w["denied"]) {
				t.Errorf("another's listing shows %q", got)
			}
			tb.axe("photos, another's listing")
			tb.checkClean()
		})
	}
}
