package browsertest

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// languages are the browser languages the flows run in, and the site language
// each leads to.
var languages = []struct{ accept, lang string }{
	{"de-DE,de;q=0.9", "de"},
	{"en-GB,en;q=0.9", "en"},
}

// documentedCookies are the cookies Kontor sets (shared/httpapi/cookies.go);
// the site sets none of its own.
var documentedCookies = []string{"__Host-kontor-csrf", "__Host-kontor-session", "kontor-lang"}

const password = "a long sentence nobody guesses"

func css(sel string) chromedp.CSS { return chromedp.CSS(sel) }

// clearField empties the input with id, as selecting all and deleting does.
func clearField(id string) func(ctx context.Context, t *chromedp.Target) error {
	return func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[any](`document.getElementById(`+jsString(id)+`).value = ''`)(ctx, t)
		return err
	}
}

// Sign-up as a person does it: from the home page to the form, an empty submit
// (the error summary), the address and both acceptances, the mailed link, a
// too-short password (the inline error), a good one, sign-in, signed in.
func TestSignUpThroughTheMailedLinkToSignedIn(t *testing.T) {
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			tb := openTab(t, l.accept)
			tb.do(chromedp.Navigate(base + "/"))
			tb.visible("#signed-out")
			if got := tb.location(); got != base+"/"+l.lang+"/" {
				t.Fatalf("/ led to %s, want /%s/", got, l.lang)
			}
			tb.axe("home")
			tb.screenshot("home-" + l.lang)

			tb.do(chromedp.Click(css(`#signed-out a[href$="/signup"]`)), chromedp.WaitVisible(css("#email")))
			tb.axe("sign-up")
			tb.screenshot("signup-" + l.lang)

			tb.do(chromedp.Click(css(`#form button[type="submit"]`)), chromedp.WaitVisible(css("#error-summary")))
			if f := tb.focused(); f != "error-summary" {
				t.Errorf("after an empty submit the focus is on %q, want the error summary", f)
			}
			if n := tb.eval(`String(document.querySelectorAll('#error-summary li a').length)`); n != "3" {
				t.Errorf("error summary links %s fields, want 3 (email, terms, privacy): %s", n, tb.text("#error-summary"))
			}
			tb.axe("sign-up with errors")
			tb.screenshot("signup-errors-" + l.lang)

			addr := newAddress("signup-" + l.lang)
			tb.do(
				chromedp.SendKeys(css("#email"), addr),
				chromedp.Click(css(`label[for="acceptedTermsVersion"]`)),
				chromedp.Click(css(`label[for="acceptedPrivacyVersion"]`)),
				chromedp.Click(css(`#form button[type="submit"]`)),
				chromedp.WaitVisible(css("#done")),
			)
			if f := tb.focused(); f != "done" {
				t.Errorf("after sign-up the focus is on %q, want the confirmation", f)
			}
			tb.axe("sign-up done")

			link := mailedLink(t, addr, "/confirm")
			tb.do(chromedp.Navigate(link), chromedp.WaitVisible(css("#password")))
			if got := tb.location(); got != base+"/"+l.lang+"/confirm" {
				t.Errorf("the mailed link shows %s, want /%s/confirm without the token", got, l.lang)
			}
			tb.axe("set password")

			tb.do(
				chromedp.SendKeys(css("#password"), "short"),
				chromedp.Click(css(`#form button[type="submit"]`)),
				chromedp.WaitVisible(css("#password-error")),
			)
			if v := tb.eval(`document.getElementById('password').value`); v != "short" {
				t.Errorf("the password field holds %q after the error, want what was typed", v)
			}
			tb.axe("set password with error")

			tb.do(
				chromedp.Func(clearField("password")),
				chromedp.SendKeys(css("#password"), password),
				chromedp.Click(css(`#form button[type="submit"]`)),
				chromedp.WaitVisible(css("#done")),
			)
			tb.axe("password set")

			tb.do(chromedp.Click(css("#to-login")), chromedp.WaitVisible(css("#email")))
			tb.axe("sign-in")
			tb.screenshot("login-" + l.lang)
			tb.do(
				chromedp.SendKeys(css("#email"), addr),
				chromedp.SendKeys(css("#password"), password),
				chromedp.Click(css(`#form button[type="submit"]`)),
				chromedp.WaitVisible(css("#account")),
			)
			if got := tb.text("#account-text"); !strings.Contains(got, addr) {
				t.Errorf("home page after sign-in says %q, want the address", got)
			}
			tb.axe("signed in")
			if got := tb.cookies(); !slices.Equal(got, documentedCookies) {
				t.Errorf("cookies after the flow: %v, want exactly %v", got, documentedCookies)
			}
		})
	}
}

// A wrong password: the error summary says so, in the page's language, and has
// the focus; what was typed stays.
func TestWrongPasswordShowsTheErrorSummaryWithFocus(t *testing.T) {
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			tb := openTab(t, l.accept)
			tb.do(chromedp.Navigate(base+"/"+l.lang+"/login"), chromedp.WaitVisible(css("#email")))
			addr := newAddress("wrong-" + l.lang)
			tb.do(
				chromedp.SendKeys(css("#email"), addr),
				chromedp.SendKeys(css("#password"), "not the password at all"),
				chromedp.Click(css(`#form button[type="submit"]`)),
				chromedp.WaitVisible(css("#error-summary")),
			)
			if f := tb.focused(); f != "error-summary" {
				t.Errorf("focus on %q, want the error summary", f)
			}
			if v := tb.eval(`document.getElementById('email').value`); v != addr {
				t.Errorf("email field holds %q, want what was typed", v)
			}
			if !strings.HasPrefix(tb.eval(`document.title`), map[string]string{"de": "Fehler: ", "en": "Error: "}[l.lang]) {
				t.Errorf("title %q does not say there is an error", tb.eval(`document.title`))
			}
			tb.axe("sign-in with wrong password")
		})
	}
}

// Forgot password mails a link; the link sets a new password, which signs in.
func TestForgotPasswordMailsALinkThatSetsANewPassword(t *testing.T) {
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			addr := activeAccount(t, l.lang)
			tb := openTab(t, l.accept)
			tb.do(chromedp.Navigate(base+"/"+l.lang+"/password/forgot"), chromedp.WaitVisible(css("#email")))
			tb.axe("forgot password")
			tb.do(
				chromedp.SendKeys(css("#email"), addr),
				chromedp.Click(css(`#form button[type="submit"]`)),
				chromedp.WaitVisible(css("#done")),
			)
			tb.axe("forgot password done")
			link := mailedLink(t, addr, "/password/reset")
			tb.do(chromedp.Navigate(link), chromedp.WaitVisible(css("#password")))
			tb.axe("reset password")
			tb.do(
				chromedp.SendKeys(css("#password"), password+" again"),
				chromedp.Click(css(`#form button[type="submit"]`)),
				chromedp.WaitVisible(css("#done")),
				chromedp.Click(css("#to-login")),
				chromedp.WaitVisible(css("#email")),
				chromedp.SendKeys(css("#email"), addr),
				chromedp.SendKeys(css("#password"), password+" again"),
				chromedp.Click(css(`#form button[type="submit"]`)),
				chromedp.WaitVisible(css("#account")),
			)
		})
	}
}

// Sign-in by keyboard only: Tab to the skip link, Enter, Tab to the fields,
// type, Enter submits; signed in.
func TestSignInByKeyboardOnly(t *testing.T) {
	addr := activeAccount(t, "en")
	tb := openTab(t, languages[1].accept)
	tb.do(chromedp.Navigate(base+"/en/login"), chromedp.WaitVisible(css("#email")))
	tb.do(chromedp.KeyEvent("\t"))
	if f := tb.eval(`document.activeElement.className`); f != "skip-link" {
		t.Fatalf("first Tab focuses %q, want the skip link", f)
	}
	tb.do(chromedp.KeyEvent("\r"))
	if f := tb.focused(); f != "main" {
		t.Errorf("Enter on the skip link focuses %q, want main", f)
	}
	for i := 0; tb.focused() != "email"; i++ {
		if i == 10 {
			t.Fatalf("10 Tabs after the skip link and still not in the email field (on %q)", tb.focused())
		}
		tb.do(chromedp.KeyEvent("\t"))
	}
	tb.do(chromedp.KeyEvent(addr), chromedp.KeyEvent("\t"))
	if f := tb.focused(); f != "password" {
		t.Fatalf("Tab from the email field focuses %q, want the password", f)
	}
	tb.do(chromedp.KeyEvent(password), chromedp.KeyEvent("\r"), chromedp.WaitVisible(css("#account")))
	tb.do(chromedp.KeyEvent("\t"))
	tb.axe("signed in by keyboard")
}
