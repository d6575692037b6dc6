package browsertest

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A staff member gives an existing account access to the members' network on
// the members page and takes it away: an empty ID and an unknown one are errors
// on the field; each change is confirmed (focused, naming the account) and holds
// at once in the person's own session. Staff do not see the invitation, which is
// the administrators'.
func TestStaffGivesAndTakesNetworkAccess(t *testing.T) {
	unknown := map[string]string{"de": "gibt es nicht", "en": "no account with this ID"}
	given := map[string]string{"de": "hat jetzt Zugang", "en": "now has access"}
	removed := map[string]string{"de": "keinen Zugang", "en": "no longer has access"}
	staff := staffAccount(t)
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			addr, id := invitedAccount(t, "joiner-"+l.lang, l.lang)
			person := newAPIClient(t).signIn(addr, password)
			tb := openTab(t, l.accept)
			tb.signIn(l.lang, staff, password)
			tb.do(chromedp.Navigate(base + "/" + l.lang + "/admin/members"))
			tb.visible("#grant-form")
			if tb.eval(`String(document.getElementById('invite').hidden)`) != "true" {
				t.Error("staff see the invitation")
			}
			tb.axe("network access")

			tb.submit("grant-form")
			tb.summary()
			tb.visible("#grantAccountId-error")
			tb.axe("network access, no ID")

			tb.fill("grantAccountId", uuid())
			tb.submit("grant-form")
			tb.waitFor(`document.getElementById('error-summary').textContent.includes(` + jsString(unknown[l.lang]) + `)`)
			if got := tb.summary(); !strings.Contains(got, unknown[l.lang]) {
				t.Errorf("summary %q, want it to say the account is unknown", got)
			}
			if got := tb.text("#grantAccountId-error"); !strings.Contains(got, unknown[l.lang]) {
				t.Errorf("inline error %q", got)
			}
			tb.axe("network access, unknown account")

			if s := person.do(http.MethodGet, "/v1/me/profile", nil, nil); s != http.StatusNotFound {
				t.Fatalf("before: the person's network profile answers %d", s)
			}
			// change submits form with the account's id; the confirmation names it,
			// says what was done, and the person's own session reads status.
			change := func(form, field, says string, status int) {
				t.Helper()
				tb.fill(field, id)
				tb.submit(form)
				tb.waitFor(`document.getElementById('network-done-text').textContent.includes(` + jsString(says) + `)`)
				tb.shownWithFocus("network-done")
				if got := tb.text("#network-done"); !strings.Contains(got, id) {
					t.Errorf("confirmation %q", got)
				}
				if s := person.do(http.MethodGet, "/v1/me/profile", nil, nil); s != status {
					t.Fatalf("after %s: the person's network profile answers %d, want %d", form, s, status)
				}
			}
			change("grant-form", "grantAccountId", given[l.lang], http.StatusOK)
			tb.axe("network access, given")
			change("remove-form", "removeAccountId", removed[l.lang], http.StatusNotFound)
			tb.axe("network access, taken away")
		})
	}
}
