package browsertest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kontor/shared/network"
	"kontor/shared/privacy"
	"kontor/shared/privacy/privacydb"
)

// A network member whose consent to voluntary details was given to the earlier
// text (2026-01, which did not name the picture) is told on the profile page
// that a picture needs the current text; the privacy centre says the text changed
// and confirms the current one without withdrawing anything; then the profile
// page no longer asks.
func TestNetworkConsentToTheEarlierTextIsConfirmedAgain(t *testing.T) {
	confirmed := map[string]string{"de": "gilt jetzt dem aktuellen Text", "en": "now covers the current text"}
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			addr, id := networkAccount(t, l.lang)
			at := time.Now().UTC().Add(-time.Hour)
			ledger := &privacydb.Store{DB: dynamoDB(t), Table: stack.Name("PrivacyTable")}
			old := privacy.ConsentState{Purpose: network.PurposeVoluntary, Granted: true, TextVersion: "2026-01", GrantedAt: &at}
			if err := ledger.SetConsent(context.Background(), id, old, privacy.ConsentEvent{Purpose: network.PurposeVoluntary, Action: "granted", TextVersion: "2026-01", At: at}); err != nil {
				t.Fatal(err)
			}
			tb := networkPage(t, l.accept, l.lang, addr, "profile")
			tb.visible("#picture-consent-outdated")
			if tb.eval(`String(document.getElementById('consent-missing').hidden)`) != "true" {
				t.Error("the profile page says the consent is missing")
			}
			tb.axe("profile, consent to the earlier text")

			tb.do(chromedp.Click(css(`#picture-consent-outdated a`)), chromedp.WaitVisible(css("#consents")))
			const confirm = "#consent-network\\.voluntary-confirm"
			tb.visible(confirm)
			if got := tb.text("#consent-network\\.voluntary"); !strings.Contains(got, "2026-01") || !strings.Contains(got, network.VoluntaryVersion) {
				t.Errorf("the consent does not name both versions: %q", got)
			}
			tb.axe("privacy centre, text changed")
			tb.do(chromedp.Click(css(confirm + ` button[type="submit"]`)))
			tb.waitFor(`document.getElementById('consents-done-text').textContent.includes(` + jsString(confirmed[l.lang]) + `)`)
			tb.shownWithFocus("consents-done")
			if tb.eval(`String(!!document.querySelector('#consent-network\\.voluntary-confirm'))`) != "false" {
				t.Error("still asks to confirm")
			}
			cur, err := ledger.Consents(context.Background(), id)
			if err != nil || len(cur) != 1 || !cur[0].Granted || cur[0].TextVersion != network.VoluntaryVersion {
				t.Fatalf("ledger after confirming: %+v %v", cur, err)
			}
			tb.axe("privacy centre, current text confirmed")

			tb.do(chromedp.Navigate(base+"/"+l.lang+"/network/profile"), chromedp.WaitVisible(css("#profile-form")))
			tb.waitFor(`document.getElementById('picture-consent-outdated').hidden && !document.getElementById('consent-given').hidden`)
		})
	}
}
