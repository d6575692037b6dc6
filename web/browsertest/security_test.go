package browsertest

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The administrator's security records: nothing is read when the page opens
// (every read is audited); an empty account ID is an error on the field; a
// member's sign-in (made through the API from a loopback address of its own) is
// listed with that address; an empty day is an error on the field; a day asked
// for in a deployment that keeps no raw records (the local stack aggregates) says
// so instead of showing an empty list.
func TestAdminSecurityRecords(t *testing.T) {
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			addr := activeAccount(t, l.lang)
			id := accountID(t, addr)
			tb := openTab(t, l.accept)
			tb.signInAdmin(l.lang)
			tb.do(chromedp.Navigate(base+"/"+l.lang+"/admin/security"), chromedp.WaitVisible(css("#evidence-form")))
			if tb.requested("/v1/admin/evidence/") || tb.eval(`String(performance.getEntriesByType('resource').some((e) => e.name.includes('/v1/admin/')))`) == "true" {
				t.Error("the page read audited records before anything was asked for")
			}
			tb.axe("security records")

			tb.submit("evidence-form")
			tb.summary()
			tb.visible("#evidenceAccountId-error")
			tb.axe("security records, no account ID")

			tb.fill("evidenceAccountId", id)
			tb.submit("evidence-form")
			tb.visible("#evidence-result table")
			if f := tb.focused(); f != "evidence-result" {
				t.Errorf("after the look-up the focus is on %q, want the result", f)
			}
			rows := tb.text("#evidence-result tbody")
			want := map[string]string{"de": "Anmeldung", "en": "Sign-in"}[l.lang]
			if !strings.Contains(rows, want) || !ownAddress.MatchString(rows) {
				t.Errorf("evidence rows %q, want a sign-in from the member's loopback address", rows)
			}
			if c := tb.text("#evidence-result caption"); !strings.Contains(c, id) {
				t.Errorf("caption %q does not name the account", c)
			}
			tb.axe("security records, evidence shown")

			tb.submit("records-form")
			tb.visible("#day-error")
			tb.axe("security records, no day")

			tb.do(chromedp.SetValue(css("#day"), time.Now().UTC().Format("2006-01-02")))
			tb.submit("records-form")
			tb.visible("#records-result p")
			notKept := map[string]string{"de": "bewahrt einzelne Zugriffe nicht auf", "en": "does not keep single requests"}[l.lang]
			if got := tb.text("#records-result"); !strings.Contains(got, notKept) {
				t.Errorf("records answer %q, want it to say single requests are not kept", got)
			}
			if tb.eval(`document.getElementById('day-error').hidden ? 'hidden' : 'shown'`) != "hidden" {
				t.Error("the day's error stays after a valid day")
			}
			tb.axe("security records, none kept")
		})
	}
}

// ownAddress is a loopback address that ownClient gives an account's client
// (127.0.1.2 and up, 127.0.2.… past the first 250), not the browser's 127.0.0.1.
var ownAddress = regexp.MustCompile(`\b127\.0\.[1-9][0-9]*\.[0-9]+\b`)
