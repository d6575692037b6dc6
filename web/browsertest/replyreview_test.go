package browsertest

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kontor/shared/classifieds"
	"kontor/shared/classifieds/classifiedsdb"
	"kontor/shared/ids"
	"kontor/shared/spam"
)

const (
	reviewSpam = "CONGRATULATIONS!!! You have WON $1,000,000 USD in our international lottery. " +
		"Claim your prize now at http://win-prize.top/claim?id=777 and send your bank account details. " +
		"Bitcoin wallet bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh. Click here: http://cheap-meds.top/buy"
	reviewHam = "Hallo, ich habe Ihr Inserat gelesen und hätte Interesse an der Koje. Ich segle seit fünf Jahren. Viele Grüße, Jana"
)

// seededReply stores a reply to listing of advertiser as the replies function
// does (the real filter's decision; withheld when clear spam) and returns its id
// and the replier's link token.
func seededReply(t *testing.T, listingID, advertiserID, message string) (string, string) {
	t.Helper()
	now := time.Now().UTC()
	token := ids.NewToken()
	email := newAddress("replier")
	d, err := spam.Classify(message, spam.Meta{Name: "Sam Sender", Email: email})
	if err != nil {
		t.Fatal(err)
	}
	r := classifieds.Reply{ID: ids.NewV7(now), Recipient: advertiserID, ListingID: listingID, ListingTitle: "Koje frei nach Bornholm",
		Name: "Sam Sender", Email: email, Message: message, Language: "de", CreatedAt: now, TokenDigest: ids.Digest(token), Decision: d}
	if d.Withheld() {
		exp := now.Add(classifieds.DefaultWithheldFor)
		r.Status, r.ExpiresAt = classifieds.ReplyWithheld, &exp
	} else {
		r.Status, r.DeliveredAt = classifieds.ReplyDelivered, &now
	}
	st := &classifiedsdb.Store{DB: dynamoDB(t), Table: stack.Name("ClassifiedsTable")}
	if err := st.PutReply(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	return r.ID, token
}

// mailsTo counts the mail to addr.
func mailsTo(t *testing.T, addr string) int {
	t.Helper()
	ms, err := stack.Mail(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range ms {
		if slices.Contains(m.To, addr) {
			n++
		}
	}
	return n
}

// Promise: HGK-10 — the advertiser has their withheld replies reviewed (seeing how
// many, never their content); the replier reports no reaction by their copy's
// link and is told in neutral words what happened; staff see each queued reply
// with the filter's decision explained and release it (mailed to the advertiser)
// or confirm it as spam; a reply decided meanwhile says so. Signed out the
// advertiser's page leads to sign-in and back; someone without the staff role
// sees "No access". Both languages, axe on every state.
func TestWithheldReplyReviewPages(t *testing.T) {
	texts := map[string]map[string]string{
		"de": {"queued": "jetzt bei einer Person", "none": "keine Antwort", "inReview": "von einer Person angesehen", "delivered": "zugestellt",
			"reviewed": "nicht weitergeleitet", "invalid": "gilt nicht mehr", "score": "eindeutiger Spam", "released": "freigegeben",
			"spam": "als Spam bestätigt", "conflict": "inzwischen entschieden", "denied": "Kein Zugriff", "reason": "keine Reaktion gemeldet"},
		"en": {"queued": "now with a person", "none": "No reply", "inReview": "looked at by a person", "delivered": "delivered to the advertiser",
			"reviewed": "did not pass it on", "invalid": "no longer valid", "score": "clear spam", "released": "released and delivered",
			"spam": "confirmed as spam", "conflict": "decided on meanwhile", "denied": "No access", "reason": "reported no reaction"},
	}
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			w := texts[l.lang]
			addr := activeAccount(t, l.lang)
			_, listingID := advertiser(t, addr)
			advID := accountID(t, addr)

			// The advertiser's request: signed out, sign-in and back; nothing
			// withheld yet, then one.
			tb := openTab(t, l.accept)
			page := base + "/" + l.lang + "/classifieds/replies/withheld-review"
			tb.do(chromedp.Navigate(page))
			tb.waitFor(`location.pathname.endsWith('/login')`)
			tb.signIn(l.lang, addr, password)
			tb.waitFor(`location.pathname.endsWith('/classifieds/replies/withheld-review')`)
			tb.visible("#request-form")
			tb.axe("withheld review, request")
			tb.submit("request-form")
			tb.visible("#requested")
			if got := tb.text("#requested"); !strings.Contains(got, w["none"]) || tb.focused() != "requested" {
				t.Fatalf("nothing withheld: %q (focus %q)", got, tb.focused())
			}
			byAdvertiser, _ := seededReply(t, listingID, advID, reviewSpam)
			tb.submit("request-form")
			tb.waitFor(`document.getElementById('requested').textContent.includes(` + jsString(w["queued"]) + `)`)
			if got := tb.text("#requested"); !strings.Contains(got, "1") || strings.Contains(got, "win-prize") {
				t.Fatalf("after the request: %q", got)
			}
			tb.axe("withheld review, requested")

			// Without the staff role the staff page says "No access".
			tb.do(chromedp.Navigate(base + "/" + l.lang + "/classifieds/staff/withheld"))
			tb.visible("#denied")
			if got := tb.text("#denied"); !strings.Contains(got, w["denied"]) {
				t.Fatalf("denied: %q", got)
			}
			tb.axe("withheld queue, no access")

			// The replier: no link, a spent link, a delivered reply, a withheld one.
			rp := openTab(t, l.accept)
			report := base + "/" + l.lang + "/classifieds/reply/no-reaction"
			rp.do(chromedp.Navigate(report))
			rp.visible("#no-token")
			rp.axe("no reaction, no link")
			delivered, dToken := seededReply(t, listingID, advID, reviewHam)
			rp.do(chromedp.Navigate(report + "?id=" + delivered + "&token=" + dToken[:40] + "AAA"))
			rp.visible("#report-form")
			rp.submit("report-form")
			if got := rp.summary(); !strings.Contains(got, w["invalid"]) {
				t.Fatalf("a forged link: %q", got)
			}
			rp.axe("no reaction, invalid link")
			rp.do(chromedp.Navigate(report + "?id=" + delivered + "&token=" + dToken))
			rp.visible("#report-form")
			if strings.Contains(rp.location(), "token") {
				t.Fatalf("the token stays in the address bar: %s", rp.location())
			}
			rp.submit("report-form")
			rp.visible("#answer")
			if got := rp.text("#answer"); !strings.Contains(got, w["delivered"]) || rp.focused() != "answer" {
				t.Fatalf("delivered reply: %q", got)
			}
			rp.axe("no reaction, delivered")
			byReplier, rToken := seededReply(t, listingID, advID, reviewSpam+" Now!")
			rp.do(chromedp.Navigate(report + "?id=" + byReplier + "&token=" + rToken))
			rp.submit("report-form")
			rp.visible("#answer")
			if got := rp.text("#answer"); !strings.Contains(got, w["inReview"]) || strings.Contains(strings.ToLower(got), "score") {
				t.Fatalf("withheld reply: %q", got)
			}
			rp.axe("no reaction, in review")

			// Staff: the queue explained; release one, confirm the other as spam.
			staff := staffAccount(t)
			st := openTab(t, l.accept)
			st.signIn(l.lang, staff, password)
			// Reached from the start page's staff links, as the other staff pages.
			st.do(chromedp.Navigate(base+"/"+l.lang+"/"), chromedp.WaitVisible(css("#to-withheld-replies")))
			st.axe("start page with the staff links")
			st.do(chromedp.Click(css("#to-withheld-replies")))
			st.waitFor(`location.pathname.endsWith('/classifieds/staff/withheld')`)
			for _, id := range []string{byAdvertiser, byReplier} {
				st.waitFor(`document.getElementById(` + jsString("reply-"+id) + `)`)
			}
			got := st.text("#reply-" + byReplier)
			for _, want := range []string{"Sam Sender", "win-prize.top", w["score"], "chi2-", "url:tld:top", w["reason"]} {
				if !strings.Contains(got, want) {
					t.Errorf("queued reply %q lacks %q", got, want)
				}
			}
			st.axe("withheld queue")
			before := mailsTo(t, addr)
			st.do(chromedp.Click(css(`#reply-` + byAdvertiser + ` button[data-decision="release"]`)))
			st.visible("#decided")
			if got := st.text("#decided"); !strings.Contains(got, w["released"]) || st.focused() != "decided" {
				t.Fatalf("released: %q", got)
			}
			st.waitFor(`!document.getElementById(` + jsString("reply-"+byAdvertiser) + `)`)
			deadline := time.Now().Add(10 * time.Second)
			for mailsTo(t, addr) != before+1 && time.Now().Before(deadline) {
				time.Sleep(100 * time.Millisecond)
			}
			if n := mailsTo(t, addr); n != before+1 {
				t.Fatalf("mails to the advertiser after the release: %d, want %d", n, before+1)
			}
			st.axe("withheld queue, released")

			// Someone else decides the other one meanwhile: the page says so.
			other := newAPIClient(t).signIn(staff, password)
			other.call(http.MethodPost, "/v1/staff/withheld-replies/"+byReplier+"/spam", nil, http.StatusNoContent, nil)
			st.do(chromedp.Click(css(`#reply-` + byReplier + ` button[data-decision="spam"]`)))
			if got := st.summary(); !strings.Contains(got, w["conflict"]) {
				t.Fatalf("decided meanwhile: %q", got)
			}
			st.axe("withheld queue, decided meanwhile")

			// A fresh one confirmed as spam from the page; the replier then hears
			// that a person looked at it.
			third, tToken := seededReply(t, listingID, advID, reviewSpam+" Today!")
			rp.do(chromedp.Navigate(report + "?id=" + third + "&token=" + tToken))
			rp.submit("report-form")
			rp.visible("#answer")
			st.do(chromedp.Navigate(base + "/" + l.lang + "/classifieds/staff/withheld"))
			st.waitFor(`document.getElementById(` + jsString("reply-"+third) + `)`)
			st.do(chromedp.Click(css(`#reply-` + third + ` button[data-decision="spam"]`)))
			st.visible("#decided")
			if got := st.text("#decided"); !strings.Contains(got, w["spam"]) {
				t.Fatalf("confirmed: %q", got)
			}
			st.axe("withheld queue, confirmed as spam")
			rp.do(chromedp.Navigate(report + "?id=" + third + "&token=" + tToken))
			rp.submit("report-form")
			rp.visible("#answer")
			if got := rp.text("#answer"); !strings.Contains(got, w["reviewed"]) {
				t.Fatalf("after the decision: %q", got)
			}
			rp.axe("no reaction, reviewed")
			st.screenshot("withheld-replies-" + l.lang)
		})
	}
}
