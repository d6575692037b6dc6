package browsertest

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// signIn signs in on the sign-in page the tab shows (or opens it) and waits
// until the page it leads to has loaded.
func (tb *tab) signIn(lang, addr, pw string) {
	tb.t.Helper()
	if !strings.Contains(tb.location(), "/"+lang+"/login") {
		tb.do(chromedp.Navigate(base + "/" + lang + "/login"))
	}
	tb.do(
		chromedp.WaitVisible(css("#email")),
		chromedp.SendKeys(css("#email"), addr),
		chromedp.SendKeys(css("#password"), pw),
		chromedp.Click(css(`#form button[type="submit"]`)),
	)
	tb.waitFor(`!location.pathname.endsWith('/login')`)
}

// waitFor waits until the expression is true.
func (tb *tab) waitFor(expr string) {
	tb.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[bool](`!!(`+expr+`)`))
		if err == nil && v {
			return
		}
		if time.Now().After(deadline) {
			tb.t.Fatalf("waited in vain for %s (at %s)", expr, tb.location())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// submit clicks the submit button of the form with id.
func (tb *tab) submit(form string) {
	tb.t.Helper()
	tb.do(chromedp.Click(css("#" + form + ` button[type="submit"]`)))
}

// summary waits for the error summary, checks it has the focus and returns its
// text.
func (tb *tab) summary() string {
	tb.t.Helper()
	tb.visible("#error-summary")
	if f := tb.focused(); f != "error-summary" {
		tb.t.Errorf("focus on %q, want the error summary", f)
	}
	return tb.text("#error-summary")
}

// fill empties the input with id and types s.
func (tb *tab) fill(id, s string) {
	tb.t.Helper()
	tb.do(chromedp.Func(clearField(id)), chromedp.SendKeys(css("#"+id), s))
}

func (tb *tab) value(id string) string {
	return tb.eval(`document.getElementById(` + jsString(id) + `).value`)
}

func uuid() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// deviceCredential signs in to addr through the API and sets up a device
// credential named name (the sign-in is the fresh proof it needs).
func deviceCredential(t *testing.T, addr, name string) string {
	t.Helper()
	c := newAPIClient(t)
	if s := c.do(http.MethodPost, "/v1/sessions", map[string]string{"email": addr, "password": password}, nil); s/100 != 2 {
		t.Fatalf("sign in: %d", s)
	}
	var dev struct{ Credential string }
	if s := c.do(http.MethodPost, "/v1/me/devices", map[string]string{"name": name}, &dev); s/100 != 2 {
		t.Fatalf("POST /v1/me/devices: %d", s)
	}
	return dev.Credential
}

// signInWithDevice signs the tab in with a device credential, as the app does:
// a session with no fresh proof of the person.
func (tb *tab) signInWithDevice(lang, credential string) {
	tb.t.Helper()
	tb.do(chromedp.Navigate(base+"/"+lang+"/"), chromedp.WaitVisible(css("#signed-out")))
	status, err := chromedp.Run(tb.ctx, chromedp.Evaluate[float64](`(async () => {
		const { csrfToken } = await (await fetch('/v1/csrf')).json();
		const res = await fetch('/v1/sessions/device', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrfToken }, body: JSON.stringify({ credential: `+jsString(credential)+` }) });
		return res.status;
	})()`, chromedp.EvalAwaitPromise))
	if err != nil || status != 201 {
		tb.t.Fatalf("device sign-in: %v, %v", status, err)
	}
}

// A signed-out visit to my account leads to sign-in and back; there the
// profile is edited (a too-long name first), a new email address gets its link,
// the password is changed (the wrong current one first) and holds at the next
// sign-in.
func TestMyAccountEditsProfileEmailAndPassword(t *testing.T) {
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			addr := activeAccount(t, l.lang)
			tb := openTab(t, l.accept)
			tb.do(chromedp.Navigate(base + "/" + l.lang + "/account"))
			tb.waitFor(`location.pathname.endsWith('/login')`)
			if got, want := tb.location(), base+"/"+l.lang+"/login?next="+url.QueryEscape("/"+l.lang+"/account"); got != want {
				t.Fatalf("signed out, my account led to %s, want %s", got, want)
			}
			tb.signIn(l.lang, addr, password)
			tb.visible("#profile-form")
			if got := tb.location(); got != base+"/"+l.lang+"/account" {
				t.Fatalf("after sign-in at %s, want back at my account", got)
			}
			if got := tb.text("#fact-email"); got != addr {
				t.Errorf("profile shows %q, want %s", got, addr)
			}
			if got := tb.value("language"); got != l.lang {
				t.Errorf("language %q, want %s", got, l.lang)
			}
			if tb.eval(`document.getElementById("devices-none").hidden ? "hidden" : "shown"`) != "shown" {
				t.Error("no device: the page does not say so")
			}
			tb.axe("my account")
			tb.screenshot("account-" + l.lang)

			tb.fill("firstName", strings.Repeat("A", 101))
			tb.submit("profile-form")
			tb.summary()
			tb.visible("#firstName-error")
			if n := tb.eval(`String(document.querySelectorAll('#error-summary a[href="#firstName"]').length)`); n != "1" {
				t.Errorf("the summary links the first name %s times, want once: %s", n, tb.text("#error-summary"))
			}
			tb.axe("my account, profile error")

			tb.fill("firstName", "Anna")
			tb.fill("lastName", "Muster")
			tb.submit("profile-form")
			tb.visible("#profile-done")
			if f := tb.focused(); f != "profile-done" {
				t.Errorf("after saving the focus is on %q, want the confirmation", f)
			}
			if tb.eval(`document.getElementById('firstName-error').hidden ? 'ok' : 'shown'`) != "ok" {
				t.Error("the inline error stays after saving")
			}
			tb.axe("my account, profile saved")
			tb.do(chromedp.Reload(), chromedp.WaitVisible(css("#profile-form")))
			if f, s := tb.value("firstName"), tb.value("lastName"); f != "Anna" || s != "Muster" {
				t.Errorf("after reloading the names are %q %q, want Anna Muster", f, s)
			}

			newAddr := newAddress("new-" + l.lang)
			tb.fill("email", newAddr)
			tb.submit("email-form")
			tb.visible("#email-done")
			if got := tb.text("#email-pending"); !strings.Contains(got, newAddr) {
				t.Errorf("pending address not shown: %q", got)
			}
			mailedLink(t, newAddr, "/email/confirm")
			tb.axe("my account, email link sent")

			tb.fill("currentPassword", "not my password at all")
			tb.fill("newPassword", password+" changed")
			tb.submit("password-form")
			tb.summary()
			tb.visible("#currentPassword-error")
			if tb.value("newPassword") != password+" changed" {
				t.Error("the new password was not kept after the error")
			}
			tb.axe("my account, wrong current password")

			tb.fill("currentPassword", password)
			tb.submit("password-form")
			tb.visible("#password-done")
			tb.axe("my account, password changed")

			tb.submit("signout-form")
			tb.visible("#signed-out")
			tb.signIn(l.lang, addr, password+" changed")
			tb.visible("#account")
			tb.do(chromedp.Click(css("#to-account")), chromedp.WaitVisible(css("#profile-form")))
		})
	}
}

// The privacy centre: a consent given and withdrawn with its history, the export
// downloaded as a file, processing restricted (giving the marketing consent is
// then refused) and the restriction lifted.
func TestPrivacyCentreConsentsExportAndRestriction(t *testing.T) {
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			addr := activeAccount(t, l.lang)
			tb := openTab(t, l.accept)
			tb.signIn(l.lang, addr, password)
			tb.do(chromedp.Click(css("#to-privacy-centre")), chromedp.WaitVisible(css("#consents")))
			tb.visible("#consent-marketing-alerts")
			tb.axe("privacy centre")
			tb.screenshot("privacy-centre-" + l.lang)

			const marketing = "#consent-marketing-alerts"
			tb.do(chromedp.Click(css(marketing + ` button[type="submit"]`)))
			tb.visible("#consents-done")
			if n := tb.eval(`String(document.querySelectorAll('#consent-marketing-alerts .history li').length)`); n != "1" {
				t.Errorf("history after granting has %s entries, want 1", n)
			}
			version := tb.eval(`document.querySelector('#consent-marketing-alerts .hint').textContent`)
			tb.axe("privacy centre, consent given")
			tb.do(chromedp.Click(css(marketing + ` button[type="submit"]`)))
			tb.waitFor(`document.querySelectorAll('#consent-marketing-alerts .history li').length === 2`)
			hist := tb.text(marketing + " .history")
			for _, want := range map[string][]string{"de": {"erteilt", "widerrufen"}, "en": {"given", "withdrawn"}}[l.lang] {
				if !strings.Contains(hist, want) {
					t.Errorf("history %q lacks %q", hist, want)
				}
			}
			if !strings.Contains(version, "20") {
				t.Errorf("no text version shown: %q", version)
			}
			tb.axe("privacy centre, consent withdrawn")

			dir := t.TempDir()
			tb.downloadsTo(dir)
			tb.submit("export-form")
			tb.waitFor(`!document.getElementById('export-again').hidden`)
			file := waitForFile(t, dir, "kontor-*.json")
			for what, raw := range map[string]string{filepath.Base(file): readFile(t, file)} {
				var doc struct {
					Format     string
					Processed  bool
					Categories []struct{ ID string }
				}
				if err := json.Unmarshal([]byte(raw), &doc); err != nil || doc.Format != "kontor-export/1" || !doc.Processed || len(doc.Categories) == 0 {
					t.Errorf("export %s: %v, format %q, %d categories", what, err, doc.Format, len(doc.Categories))
				}
				if !strings.Contains(raw, addr) {
					t.Errorf("export %s does not hold the address", what)
				}
			}
			tb.axe("privacy centre, export ready")

			tb.submit("restriction-form")
			tb.visible("#restriction-done")
			on := tb.text("#restriction-state")
			tb.axe("privacy centre, restricted")
			tb.do(chromedp.Click(css(marketing + ` button[type="submit"]`)))
			tb.summary()
			tb.axe("privacy centre, marketing refused while restricted")
			tb.submit("restriction-form")
			tb.waitFor(`document.getElementById('restriction-state').textContent !== ` + jsString(on))
			tb.do(chromedp.Reload(), chromedp.WaitVisible(css("#consents")))
			tb.visible("#restriction-state")
			if got := tb.text("#restriction-button"); got != map[string]string{"de": "Verarbeitung einschränken", "en": "Restrict processing"}[l.lang] {
				t.Errorf("after lifting, the button says %q", got)
			}
		})
	}
}

// waitForFile waits for one file matching pattern (a glob) in dir, a download
// done, and returns its path.
func waitForFile(t *testing.T, dir, pattern string) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		matches, _ := filepath.Glob(filepath.Join(dir, pattern))
		if len(matches) == 1 {
			return matches[0]
		}
		if time.Now().After(deadline) {
			entries, _ := os.ReadDir(dir)
			t.Fatalf("no download %s in %s (%d entries)", pattern, dir, len(entries))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Signed in with a device (no fresh proof): the device is listed and removed;
// the erasure refuses without the acknowledgement, then asks for the password
// (a wrong one first), erases, signs out; the address can sign up again.
func TestErasureAsksForThePasswordThenSignsOut(t *testing.T) {
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			addr := activeAccount(t, l.lang)
			credential := deviceCredential(t, addr, "Phone "+l.lang)
			tb := openTab(t, l.accept)
			tb.signInWithDevice(l.lang, credential)

			tb.do(chromedp.Navigate(base+"/"+l.lang+"/account"), chromedp.WaitVisible(css("#devices li")))
			if got := tb.text("#devices li strong"); got != "Phone "+l.lang {
				t.Errorf("device listed as %q", got)
			}
			tb.axe("my account with a device")

			tb.do(chromedp.Navigate(base+"/"+l.lang+"/privacy-centre"), chromedp.WaitVisible(css("#erasure-form")))
			tb.submit("erasure-form")
			tb.summary()
			tb.visible("#understood-error")
			tb.axe("privacy centre, erasure not acknowledged")

			tb.do(chromedp.Click(css(`label[for="understood"]`)))
			tb.submit("erasure-form")
			tb.visible("#proof")
			if f := tb.focused(); f != "proof" {
				t.Errorf("the password prompt does not have the focus (%q has)", f)
			}
			tb.axe("privacy centre, password prompt")
			tb.fill("password", "not the password at all")
			tb.submit("proof-form")
			tb.summary()
			tb.visible("#password-error")
			tb.axe("privacy centre, password prompt with wrong password")

			tb.fill("password", password)
			tb.submit("proof-form")
			tb.visible("#closed")
			if f := tb.focused(); f != "closed" {
				t.Errorf("after erasure the focus is on %q, want the confirmation", f)
			}
			tb.axe("privacy centre, erased")

			tb.do(chromedp.Navigate(base + "/" + l.lang + "/account"))
			tb.waitFor(`location.pathname.endsWith('/login')`)

			tb.do(chromedp.Navigate(base+"/"+l.lang+"/signup"), chromedp.WaitVisible(css("#email")))
			tb.do(
				chromedp.SendKeys(css("#email"), addr),
				chromedp.Click(css(`label[for="acceptedTermsVersion"]`)),
				chromedp.Click(css(`label[for="acceptedPrivacyVersion"]`)),
				chromedp.Click(css(`#form button[type="submit"]`)),
				chromedp.WaitVisible(css("#done")),
			)
			mailedLink(t, addr, "/confirm")
		})
	}
}

// A device is removed from my account.
func TestMyAccountRemovesADevice(t *testing.T) {
	addr := activeAccount(t, "en")
	deviceCredential(t, addr, "Tablet")
	tb := openTab(t, languages[1].accept)
	tb.signIn("en", addr, password)
	tb.do(chromedp.Navigate(base+"/en/account"), chromedp.WaitVisible(css("#devices li")))
	tb.do(chromedp.Click(css(`#devices li button[type="submit"]`)), chromedp.WaitVisible(css("#devices-done")))
	tb.visible("#devices-none")
	tb.axe("my account, device removed")
}

// A session that ends while the page is open: the next action leads to sign-in
// and back to the page. A next= that leaves the site is ignored.
func TestSessionEndMidFlowLeadsToSignInAndBack(t *testing.T) {
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			addr := activeAccount(t, l.lang)
			tb := openTab(t, l.accept)
			tb.signIn(l.lang, addr, password)
			tb.do(chromedp.Navigate(base+"/"+l.lang+"/privacy-centre"), chromedp.WaitVisible(css("#restriction-button")))
			tb.call(func(ctx context.Context) error {
				_, err := chromedp.Call(ctx, network.DeleteCookies, network.DeleteCookiesParams{Name: "__Host-kontor-session", URL: base + "/"})
				return err
			})
			tb.submit("restriction-form")
			tb.waitFor(`location.pathname.endsWith('/login')`)
			tb.axe("sign-in after the session ended")
			tb.signIn(l.lang, addr, password)
			tb.visible("#restriction-button")
			if got := tb.location(); got != base+"/"+l.lang+"/privacy-centre" {
				t.Errorf("after sign-in at %s, want back at the privacy centre", got)
			}
		})
	}
}

func TestSignInIgnoresANextLeavingTheSite(t *testing.T) {
	addr := activeAccount(t, "en")
	tb := openTab(t, languages[1].accept)
	for _, next := range []string{"//evil.example/en/", "https://evil.example/en/", "/\\evil.example/en/", "javascript:alert(1)", "/fr/account", "/en/../../evil"} {
		tb.do(chromedp.Navigate(base + "/en/login?next=" + url.QueryEscape(next)))
		tb.signIn("en", addr, password)
		tb.visible("#account")
		if got := tb.location(); got != base+"/en/" {
			t.Errorf("next=%s led to %s, want the home page", next, got)
		}
	}
	tb.do(chromedp.Navigate(base + "/en/login?next=" + url.QueryEscape("/en/privacy-centre?x=1#consents")))
	tb.signIn("en", addr, password)
	tb.visible("#consents")
	if got := tb.location(); got != base+"/en/privacy-centre?x=1#consents" {
		t.Errorf("a next on the site led to %s", got)
	}
}
