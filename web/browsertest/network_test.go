package browsertest

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"kontor/shared/network"
	"kontor/shared/upload/imagetest"
)

// networkAccount is a member the local administrator invited into the network
// (POST /v1/admin/members with network: true), whose temporary password was
// changed to password at the first sign-in, as the invitation asks (HKC-2). It
// returns the address and the account's id.
func networkAccount(t *testing.T, lang string) (string, string) {
	t.Helper()
	return invitedAccount(t, "network", lang, "network")
}

// networkPage opens a tab signed in as addr on the network page at path.
func networkPage(t *testing.T, accept, lang, addr, path string) *tab {
	t.Helper()
	tb := openTab(t, accept)
	tb.signIn(lang, addr, password)
	tb.do(chromedp.Navigate(base + "/" + lang + "/network/" + path))
	return tb
}

// Promise: HKC-3 — a member fills the mandatory details (an invalid one refused
// inline first) and another member sees them.
// Promise: HKC-4 — the other member does not see the birthdate until it is
// switched on.
// Promise: HKC-5 — voluntary details are refused without the consent, saved once
// it is given in the privacy centre, and removed one by one.
func TestNetworkProfileFilledThenSeenByAnotherMember(t *testing.T) {
	texts := map[string]map[string]string{
		"de": {"postal": "Postleitzahl passt nicht", "complete": "vollständig", "consent": "Einwilligung", "removed": "Entfernt: Über mich", "birth": "30. Juni 1975"},
		"en": {"postal": "postal code does not fit", "complete": "complete", "consent": "consent", "removed": "Removed: About me", "birth": "June 30, 1975"},
	}
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			w := texts[l.lang]
			owner, ownerID := networkAccount(t, l.lang)
			reader, _ := networkAccount(t, l.lang)

			tb := networkPage(t, l.accept, l.lang, owner, "profile")
			tb.visible("#profile-form")
			// Home links the network profile for the network role.
			tb.do(chromedp.Navigate(base+"/"+l.lang+"/"), chromedp.WaitVisible(css("#for-network")))
			tb.do(chromedp.Click(css(`#for-network a[href$="/network/profile"]`)), chromedp.WaitVisible(css("#profile-form")))
			tb.visible("#incomplete")
			tb.visible("#consent-missing")
			tb.axe("profile, empty")

			for id, v := range map[string]string{"firstName": "Greta", "lastName": "Großmann", "company": "Großmann Handel GmbH",
				"roleInCompany": "CEO", "companyWebsite": "https://grossmann.example", "street": "Adolphsplatz", "houseNumber": "1",
				"postalCode": "123", "city": "Hamburg", "country": "DE", "phone": "+49 40 36138-0", "fax": "+49 40 36138-401",
				"email": "kontakt@grossmann.example", "birthdate": "1975-06-30"} {
				tb.fill(id, v)
			}
			tb.do(chromedp.SetValue(css("#gender"), "female"))
			tb.submit("profile-form")
			if got := tb.summary(); !strings.Contains(got, w["postal"]) {
				t.Errorf("summary %q, want the postal code's problem", got)
			}
			if got := tb.text("#postalCode-error"); !strings.Contains(got, w["postal"]) {
				t.Errorf("inline error %q", got)
			}
			if tb.value("city") != "Hamburg" || tb.value("postalCode") != "123" {
				t.Error("what was typed was not kept")
			}
			tb.axe("profile, postal code refused")

			tb.fill("postalCode", "20457")
			tb.submit("profile-form")
			tb.visible("#saved")
			if f := tb.focused(); f != "saved" {
				t.Errorf("focus on %q, want the confirmation", f)
			}
			if got := tb.text("#saved"); !strings.Contains(got, w["complete"]) {
				t.Errorf("confirmation %q", got)
			}
			if tb.eval(`String(document.getElementById('incomplete').hidden)`) != "true" {
				t.Error("still marked incomplete")
			}
			tb.axe("profile, saved")

			// Another member sees the mandatory details, not the birthdate.
			rd := networkPage(t, l.accept, l.lang, reader, "member?id="+ownerID)
			rd.visible("#member")
			details := rd.text("#member")
			for _, v := range []string{"Greta Großmann", "Großmann Handel GmbH", "https://grossmann.example", "20457", "+49 40 36138-401", "kontakt@grossmann.example"} {
				if !strings.Contains(details, v) {
					t.Errorf("the other member does not see %q: %q", v, details)
				}
			}
			if strings.Contains(details, "1975") || rd.eval(`String(!!document.getElementById('member-birthdate'))`) != "false" {
				t.Errorf("birthdate shown while off: %q", details)
			}
			rd.axe("member, without birthdate")

			// Switched on, the birthdate shows at the next look.
			tb.do(chromedp.Click(css("#birthdateVisible")))
			tb.submit("profile-form")
			tb.visible("#saved")
			rd.do(chromedp.Reload())
			rd.visible("#member-birthdate")
			if got := rd.text("#member-birthdate"); got != w["birth"] {
				t.Errorf("birthdate %q, want %q", got, w["birth"])
			}
			rd.axe("member, with birthdate")

			// Voluntary details without the consent: refused, nothing saved.
			tb.fill("about", "Tea trade since 1990")
			tb.submit("voluntary-form")
			if got := tb.summary(); !strings.Contains(got, w["consent"]) {
				t.Errorf("summary %q, want the missing consent", got)
			}
			if tb.value("about") != "Tea trade since 1990" {
				t.Error("the text typed was not kept")
			}
			tb.visible("#consent-missing")
			tb.axe("profile, voluntary refused")

			// The consent given in the privacy centre, then saved.
			tb.do(chromedp.Click(css(`#consent-missing a`)))
			tb.visible(`[id="consent-network.voluntary"] button`)
			tb.do(chromedp.Click(css(`[id="consent-network.voluntary"] button`)))
			tb.visible("#consents-done")
			tb.do(chromedp.Navigate(base + "/" + l.lang + "/network/profile"))
			tb.visible("#consent-given")
			tb.fill("about", "Tea trade since 1990")
			tb.fill("languages", "Deutsch, English")
			tb.submit("voluntary-form")
			tb.visible("#voluntary-saved")
			if got := tb.text("#voluntary-list"); !strings.Contains(got, "Tea trade since 1990") || !strings.Contains(got, "Deutsch, English") {
				t.Errorf("stored voluntary details %q", got)
			}
			tb.axe("profile, voluntary saved")
			rd.do(chromedp.Reload())
			rd.visible("#member-voluntary")
			if got := rd.text("#member-voluntary"); !strings.Contains(got, "Tea trade since 1990") {
				t.Errorf("the other member does not see the voluntary details: %q", got)
			}

			// One removed on its own.
			tb.do(chromedp.Click(css(`button[aria-describedby="stored-about"]`)))
			tb.waitFor(`document.getElementById('voluntary-saved-text').textContent.includes(` + jsString(w["removed"]) + `)`)
			if got := tb.text("#voluntary-list"); strings.Contains(got, "Tea trade") || !strings.Contains(got, "Deutsch, English") {
				t.Errorf("after removing one: %q", got)
			}
			tb.axe("profile, one voluntary detail removed")
		})
	}
}

// A member without the network role sees "No access" on both network pages (the
// API's 404) and no data; a network member opening the profile of an account
// without the role (which has none) is told it was not found.
func TestNetworkPagesSayNoAccessWithoutTheRole(t *testing.T) {
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			owner, ownerID := networkAccount(t, l.lang)
			addr := activeAccount(t, l.lang)
			nt := networkPage(t, l.accept, l.lang, owner, "member?id="+accountID(t, addr))
			nt.visible("#missing")
			if got := nt.text("#missing"); !strings.Contains(got, map[string]string{"de": "nicht gefunden", "en": "not found"}[l.lang]) {
				t.Errorf("unknown member: %q", got)
			}
			if nt.eval(`String(document.getElementById('member').hidden)`) != "true" {
				t.Error("a member shown for an account without a profile")
			}
			nt.axe("member, not found")

			tb := openTab(t, l.accept)
			tb.signIn(l.lang, addr, password)
			tb.saysNoAccess(l.lang, "profile", "member?id="+ownerID)
		})
	}
}

// saysNoAccess opens each network page (the path after /{lang}/network/) and
// checks it says "No access" and shows no content.
func (tb *tab) saysNoAccess(lang string, paths ...string) {
	tb.t.Helper()
	for _, p := range paths {
		tb.do(chromedp.Navigate(base+"/"+lang+"/network/"+p), chromedp.WaitVisible(css("#denied")))
		if got := tb.text("#denied"); !strings.Contains(got, map[string]string{"de": "Kein Zugriff", "en": "No access"}[lang]) {
			tb.t.Errorf("%s: %q", p, got)
		}
		if tb.eval(`String(document.getElementById('content').hidden)`) != "true" {
			tb.t.Errorf("%s: content shown", p)
		}
		tb.axe("network " + p + ", no access")
	}
}

// pictureBucket is where the picture bucket's uploads and links lead on the local
// stack (the emulator, path style): the one other origin the network pages reach.
func pictureBucket() string {
	return stack.EndpointURL + "/" + stack.Name("PictureBucket") + "/pictures/"
}

// gradient is a w×h image of two colours (w at most 127, h at most 85: the bytes do not wrap).
func gradient(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{R: uint8(x * 2), G: 90, B: uint8(y * 3), A: 0xFF}) // #nosec G115 -- small test values
		}
	}
	return img
}

// smallJPEG is a real 120×80 JPEG of two colours.
func smallJPEG(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, gradient(120, 80), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pictureShown reports the natural width of the picture an <img> shows (0 while
// it shows none).
func (tb *tab) pictureShown(id string) string {
	return tb.eval(`String(document.getElementById(` + jsString(id) + `).naturalWidth)`)
}

// Promise: HKC-5 — a member uploads a profile picture (a file of another type
// refused in the browser first), sees it, another member sees it on the member
// page, and the member removes it after a confirmation.
func TestNetworkPictureUploadedSeenAndRemoved(t *testing.T) {
	texts := map[string]map[string]string{
		"de": {"type": "kein Bild im Format JPEG, PNG oder WebP", "done": "geprüft und gespeichert", "removed": "entfernt"},
		"en": {"type": "not a JPEG, PNG or WebP image", "done": "checked and stored", "removed": "removed"},
	}
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			w := texts[l.lang]
			owner, ownerID := networkAccount(t, l.lang)
			reader, _ := networkAccount(t, l.lang)
			// A complete profile with the consent the picture rests on.
			api := newAPIClient(t).signIn(owner, password)
			api.call(http.MethodPatch, "/v1/me/profile", map[string]any{"version": 0, "firstName": "Greta", "lastName": "Großmann", "gender": "female",
				"company": "Großmann Handel GmbH", "roleInCompany": "CEO", "companyWebsite": "https://grossmann.example", "street": "Adolphsplatz",
				"houseNumber": "1", "postalCode": "20457", "city": "Hamburg", "country": "DE", "phone": "+49 40 36138-0", "fax": "+49 40 36138-401",
				"email": "kontakt@grossmann.example"}, http.StatusOK, nil)
			api.call(http.MethodPut, "/v1/me/consents/network.voluntary", map[string]any{"textVersion": network.VoluntaryVersion}, http.StatusOK, nil)

			tb := networkPage(t, l.accept, l.lang, owner, "profile")
			tb.allow(pictureBucket())
			tb.visible("#upload-form")
			tb.visible("#picture-none")
			tb.axe("profile, no picture")

			// Another type is refused before anything is sent.
			tb.chooseFile("notes.txt", []byte("not a picture"))
			tb.submit("upload-form")
			if got := tb.summary(); !strings.Contains(got, w["type"]) || !tb.invalid("file") {
				t.Errorf("wrong type: summary %q, field invalid %v", got, tb.invalid("file"))
			}
			tb.axe("profile, picture of the wrong type refused")

			// A real JPEG goes up, is checked and shown.
			tb.chooseFile("me.jpg", smallJPEG(t))
			tb.submit("upload-form")
			tb.visible("#picture-done")
			if got := tb.text("#picture-done"); !strings.Contains(got, w["done"]) {
				t.Errorf("confirmation %q", got)
			}
			if f := tb.focused(); f != "picture-done" {
				t.Errorf("focus on %q after the upload", f)
			}
			tb.waitFor(`document.getElementById('picture-img').complete && document.getElementById('picture-img').naturalWidth > 0`)
			if got := tb.pictureShown("picture-img"); got != "400" {
				t.Errorf("the page shows a picture %s px wide, want the 400 px size", got)
			}
			tb.axe("profile, picture stored")

			// A WebP (with EXIF and XMP) replaces it: the page offers and takes the
			// type, and shows the new picture, re-encoded at its 400 px size.
			if got := tb.eval(`document.getElementById('file').accept`); !strings.Contains(got, "image/webp") {
				t.Errorf("the file input accepts %q", got)
			}
			before := tb.eval(`document.getElementById('picture-img').src`)
			tb.chooseFile("me.webp", imagetest.WebP(300, 200, color.NRGBA{R: 0x20, G: 0x60, B: 0xC0, A: 0xFF}, []byte("Exif\x00\x00GPS"), []byte("<x:xmpmeta/>")))
			tb.submit("upload-form")
			tb.waitFor(`document.getElementById('picture-img').src !== ` + jsString(before) + ` && document.getElementById('picture-img').complete && document.getElementById('picture-img').naturalWidth > 0`)
			if got := tb.pictureShown("picture-img"); got != "400" {
				t.Errorf("after the WebP the page shows a picture %s px wide", got)
			}
			tb.axe("profile, WebP stored")

			// The other member sees it.
			rd := networkPage(t, l.accept, l.lang, reader, "member?id="+ownerID)
			rd.allow(pictureBucket())
			rd.visible("#member-picture")
			rd.waitFor(`document.getElementById('member-picture-img').complete && document.getElementById('member-picture-img').naturalWidth > 0`)
			if got := rd.eval(`document.getElementById('member-picture-img').alt`); !strings.Contains(got, "Greta Großmann") {
				t.Errorf("alt text %q", got)
			}
			rd.axe("member, with picture")

			// Removed after a confirmation: gone for both.
			tb.do(chromedp.Click(css("#picture-remove")))
			tb.visible("#picture-confirm")
			if f := tb.focused(); f != "picture-confirm" {
				t.Errorf("focus on %q, want the confirmation", f)
			}
			tb.axe("profile, removal to confirm")
			tb.do(chromedp.Click(css("#picture-cancel")))
			if tb.eval(`String(document.getElementById('picture-confirm').hidden)`) != "true" || tb.pictureShown("picture-img") != "400" {
				t.Error("cancel did not keep the picture")
			}
			tb.do(chromedp.Click(css("#picture-remove")))
			tb.visible("#picture-confirm")
			tb.submit("picture-remove-form")
			tb.visible("#picture-done")
			if got := tb.text("#picture-done"); !strings.Contains(got, w["removed"]) {
				t.Errorf("removal confirmation %q", got)
			}
			tb.visible("#picture-none")
			tb.axe("profile, picture removed")
			rd.do(chromedp.Reload())
			rd.visible("#member")
			if rd.eval(`String(document.getElementById('member-picture').hidden)`) != "true" {
				t.Error("the other member still sees the removed picture")
			}
		})
	}
}
