package browsertest

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"kontor/shared/classifieds"
	"kontor/shared/classifieds/classifiedsdb"
	"kontor/shared/ids"
)

// The one-click link of an alert mail, opened in a browser (HGK-3): an alert
// matches a new listing, the match run mails it; the mail's link opens a page in
// the browser's language that asks to confirm and changes nothing (the alert is
// still there); its button, pressed by keyboard in English and clicked in German,
// ends the alert and the page says so; axe on both states, nothing from another
// origin, no console error.
func TestClassifiedsAlertUnsubscribePage(t *testing.T) {
	texts := map[string][2]string{"de": {"Suchauftrag beenden", "Suchauftrag beendet"}, "en": {"End alert", "Alert ended"}}
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			tx := texts[l.lang]
			word := "tide" + strconv.FormatUint(rand.Uint64()%1e9, 36)
			sub := activeAccount(t, l.lang)
			var me struct{ ID string }
			newAPIClient(t).signIn(sub, password).call(http.MethodGet, "/v1/me", nil, http.StatusOK, &me)
			store := &classifiedsdb.Store{DB: dynamoDB(t), Table: stack.Name("ClassifiedsTable")}
			now := time.Now().UTC()
			a := classifieds.Alert{ID: ids.NewV7(now), AccountID: me.ID, Frequency: classifieds.FrequencyInstant, Language: l.lang,
				Criteria: classifieds.AlertCriteria{Kind: classifieds.KindOffer, Words: []string{word}}, CreatedAt: now, ConfirmedAt: now}
			if err := store.AddAlert(context.Background(), a, classifieds.MaxAlerts); err != nil {
				t.Fatal(err)
			}
			publishedListing(t, l.lang, "Koje "+word)
			if err := stack.TriggerSchedule(context.Background(), "AlertMatchFunction"); err != nil {
				t.Fatal(err)
			}
			link := mailedLink(t, sub, classifieds.AlertUnsubscribePath)

			tb := openTab(t, l.accept)
			tb.do(chromedp.Navigate(link), chromedp.WaitVisible(css("main button")))
			if h := tb.text("h1"); h != tx[0] || tb.eval(`document.documentElement.lang`) != l.lang {
				t.Fatalf("page asking: %q, lang %q", h, tb.eval(`document.documentElement.lang`))
			}
			tb.axe("alert link, asking")
			if _, err := store.Alert(context.Background(), me.ID, a.ID); err != nil {
				t.Fatalf("opening the link changed the alert: %v", err)
			}
			if l.lang == "en" {
				tb.do(chromedp.Focus(css("main button")), chromedp.KeyEvent(kb.Enter))
			} else {
				tb.do(chromedp.Click(css("main button")))
			}
			tb.waitFor(`document.querySelector('h1') && document.querySelector('h1').textContent === ` + jsString(tx[1]))
			if strings.Contains(tb.eval(`document.body.innerHTML`), "<button") {
				t.Error("the page that says it is done still offers the button")
			}
			tb.axe("alert link, done")
			if _, err := store.Alert(context.Background(), me.ID, a.ID); !errors.Is(err, classifieds.ErrNoAlert) {
				t.Fatalf("the alert was not ended: %v", err)
			}
		})
	}
}
