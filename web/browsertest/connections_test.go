package browsertest

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Promise: HKC-8 — a member sends another a contact request with a note from
// their profile (a note too long refused inline first); the recipient accepts it
// on the contacts page; the sender removes the contact after a confirmation, asks
// again and withdraws, is declined and told from when she may ask again; the recipient blocks the sender from the profile and
// unblocks them on the contacts page. An account without the role sees "No
// access".
func TestNetworkConnectionsRequestAcceptRemoveBlock(t *testing.T) {
	texts := map[string]map[string]string{
		"de": {"sent": "Kontaktanfrage ist gesendet", "accepted": "jetzt mit", "removed": "ist entfernt", "withdrawn": "zurückgezogen",
			"blocked": "ist blockiert", "unblocked": "nicht mehr blockiert", "noIncoming": "Keine offenen Anfragen", "remove": "entfernen?", "declined": "ab dem"},
		"en": {"sent": "contact request is sent", "accepted": "now connected with", "removed": "is removed", "withdrawn": "is withdrawn",
			"blocked": "is blocked", "unblocked": "no longer blocked", "noIncoming": "No open requests", "remove": "Remove the contact", "declined": "send a new one from"},
	}
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			w := texts[l.lang]
			anna, annaID, annaAPI := groupMember(t, l.lang, "Annegret")
			ben, benID, benAPI := groupMember(t, l.lang, "Bertold")

			// Anna asks Ben from his profile; a note over 300 characters is refused inline.
			at := networkPage(t, l.accept, l.lang, anna, "member?id="+benID)
			at.visible("#connect-form")
			at.axe("member, contact offered")
			at.fill("note", strings.Repeat("x", 301))
			at.submit("connect-form")
			if got := at.summary(); got == "" || !at.invalid("note") {
				t.Errorf("a note too long: summary %q, note invalid %v", got, at.invalid("note"))
			}
			at.axe("member, note too long")
			at.fill("note", "Wir kennen uns vom Empfang <b>")
			at.submit("connect-form")
			at.shownWithFocus("connect-done")
			if got := at.text("#connect-done"); !strings.Contains(got, w["sent"]) {
				t.Errorf("request confirmed as %q", got)
			}
			if at.eval(`String(document.getElementById('connect-form').hidden)`) != "true" {
				t.Error("the request form is still offered after sending")
			}
			at.axe("member, request sent")

			// Ben sees it on his contacts page, with the note as text, and accepts.
			bt := networkPage(t, l.accept, l.lang, ben, "connections")
			bt.visible("#incoming li button")
			if got := bt.text("#incoming"); !strings.Contains(got, "Annegret Probst") || !strings.Contains(got, "Wir kennen uns vom Empfang <b>") {
				t.Errorf("incoming %q", got)
			}
			bt.visible("#accepted-none")
			bt.axe("connections, a request")
			bt.do(chromedp.Click(css("#incoming li form:first-child button")))
			bt.waitFor(`document.getElementById('incoming').textContent.includes(` + jsString(w["accepted"]) + `)`)
			bt.waitFor(`document.getElementById('accepted').textContent.includes('Annegret Probst')`)
			bt.axe("connections, accepted")

			// Anna removes the contact after confirming.
			at.do(chromedp.Navigate(base+"/"+l.lang+"/network/connections"), chromedp.WaitVisible(css("#accepted li button")))
			if got := at.text("#accepted"); !strings.Contains(got, "Bertold Probst") {
				t.Errorf("accepted %q", got)
			}
			at.do(chromedp.Click(css("#accepted li > .button-group > button")))
			at.visible("#accepted .panel h4")
			if got := at.text("#accepted .panel h4"); !strings.Contains(got, w["remove"]) {
				t.Errorf("confirmation %q", got)
			}
			at.axe("connections, confirm removal")
			at.do(chromedp.Click(css("#accepted .panel button[type=submit]")))
			at.waitFor(`document.getElementById('accepted').textContent.includes(` + jsString(w["removed"]) + `)`)
			at.axe("connections, removed")

			// Anna asks again (through the API) and withdraws on the page.
			annaAPI.call(http.MethodPost, "/v1/connections", map[string]any{"accountId": benID}, http.StatusCreated, nil)
			at.do(chromedp.Reload(), chromedp.WaitVisible(css("#outgoing li button")))
			at.axe("connections, a request of mine")
			at.do(chromedp.Click(css("#outgoing li button")))
			at.waitFor(`document.getElementById('outgoing').textContent.includes(` + jsString(w["withdrawn"]) + `)`)
			bt.do(chromedp.Reload(), chromedp.WaitVisible(css("#incoming-none")))
			if got := bt.text("#incoming-none"); !strings.Contains(got, w["noIncoming"]) {
				t.Errorf("incoming after withdrawal %q", got)
			}

			// Ben declines Anna's next request; asking again says from when she may.
			var sent struct{ ID string }
			annaAPI.call(http.MethodPost, "/v1/connections", map[string]any{"accountId": benID}, http.StatusCreated, &sent)
			benAPI.call(http.MethodPost, "/v1/connections/"+sent.ID+"/decline", nil, http.StatusNoContent, nil)
			at.do(chromedp.Navigate(base+"/"+l.lang+"/network/member?id="+benID), chromedp.WaitVisible(css("#connect-form")))
			at.submit("connect-form")
			if got := at.summary(); !strings.Contains(got, w["declined"]) {
				t.Errorf("asking again after a decline: %q", got)
			}
			at.axe("member, asked again too soon")

			// Ben blocks Anna from her profile and unblocks her on the contacts page.
			bt.do(chromedp.Navigate(base+"/"+l.lang+"/network/member?id="+annaID), chromedp.WaitVisible(css("#block-form")))
			bt.submit("block-form")
			bt.shownWithFocus("connect-done")
			if got := bt.text("#connect-done"); !strings.Contains(got, w["blocked"]) {
				t.Errorf("block confirmed as %q", got)
			}
			bt.axe("member, blocked")
			bt.do(chromedp.Navigate(base+"/"+l.lang+"/network/connections"), chromedp.WaitVisible(css("#blocks li button")))
			if got := bt.text("#blocks"); !strings.Contains(got, "Annegret Probst") {
				t.Errorf("blocks %q", got)
			}
			bt.axe("connections, a block")
			bt.do(chromedp.Click(css("#blocks li button")))
			bt.waitFor(`document.getElementById('blocks').textContent.includes(` + jsString(w["unblocked"]) + `)`)
			bt.axe("connections, unblocked")

			// Without the role: "No access", nothing shown.
			nt := openTab(t, l.accept)
			nt.signIn(l.lang, activeAccount(t, l.lang), password)
			nt.saysNoAccess(l.lang, "connections")
		})
	}
}
