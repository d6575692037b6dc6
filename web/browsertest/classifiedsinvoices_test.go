package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kontor/shared/classifieds"
	"kontor/shared/classifieds/classifiedsdb"
	"kontor/shared/ids"
)

// invoicesPaid puts n paid orders of the account for the issuer (in production the
// payment webhook writes them) and runs the issuer.
func invoicesPaid(t *testing.T, accountID, lang string, n int) {
	t.Helper()
	st := &classifiedsdb.Store{DB: dynamoDB(t), Table: stack.Name("ClassifiedsTable")}
	now := time.Now().UTC()
	for i := range n {
		d := classifieds.InvoiceDue{OrderID: ids.NewV7(now.Add(time.Duration(i) * time.Millisecond)), AccountID: accountID, Plan: "month", PlanName: "Monat",
			ValidFrom: now.Format(time.DateOnly), ValidUntil: now.AddDate(0, 1, -1).Format(time.DateOnly), AmountCents: int64(1990 + i), Currency: "EUR",
			PaidAt: now, ProviderPaymentID: fmt.Sprintf("pay_%d", i), Language: lang}
		if err := st.PutInvoiceDue(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	if err := stack.TriggerSchedule(context.Background(), "InvoiceIssueFunction"); err != nil {
		t.Fatal(err)
	}
}

// Promise: HGK-4 — the advertiser's invoices page: signed out it leads to sign-in
// and back; without invoices it says so; the advertiser page links to it; after
// payments it lists the invoices newest first, twenty at a time with a button for
// older ones, and a download button saves the invoice's PDF from the private
// bucket through its short-lived link. Both languages, axe on every state.
func TestInvoicesPage(t *testing.T) {
	texts := map[string]map[string]string{
		"de": {"none": "noch keine Rechnungen", "link": "Ihre Rechnungen", "amount": "20,10"},
		"en": {"none": "no invoices yet", "link": "Your invoices", "amount": "20.10"},
	}
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			w := texts[l.lang]
			addr := activeAccount(t, l.lang)
			tb := openTab(t, l.accept)
			tb.allow(stack.EndpointURL + "/" + stack.Name("ClassifiedsInvoiceBucket") + "/invoices/")
			page := base + "/" + l.lang + "/classifieds/invoices"
			tb.do(chromedp.Navigate(page))
			tb.waitFor(`location.pathname.endsWith('/login')`)
			tb.signIn(l.lang, addr, password)
			tb.waitFor(`location.pathname.endsWith('/classifieds/invoices')`)
			tb.visible("#no-invoices")
			if got := tb.text("#no-invoices"); !strings.Contains(got, w["none"]) || tb.eval(`String(document.getElementById('invoices').hidden)`) != "true" {
				t.Fatalf("without invoices: %q", got)
			}
			tb.axe("invoices, none")

			// The advertiser page links here.
			tb.do(chromedp.Navigate(base+"/"+l.lang+"/classifieds/advertiser"), chromedp.WaitVisible(css(`a[href="/`+l.lang+`/classifieds/invoices"]`)))
			if got := tb.text(`a[href="/` + l.lang + `/classifieds/invoices"]`); got != w["link"] {
				t.Fatalf("advertiser page link %q", got)
			}
			tb.do(chromedp.Click(css(`a[href="/` + l.lang + `/classifieds/invoices"]`)))
			tb.waitFor(`location.pathname.endsWith('/classifieds/invoices')`)

			invoicesPaid(t, accountID(t, addr), l.lang, 21)
			tb.do(chromedp.Reload(), chromedp.WaitVisible(css("#invoices")))
			if n := tb.count("#invoice-rows tr"); n != "20" {
				t.Fatalf("%s rows on the first page", n)
			}
			first := tb.text("#invoice-rows tr:first-child th")
			if !strings.Contains(tb.text("#invoice-rows tr:first-child"), w["amount"]) || !strings.HasPrefix(first, "KOJ-") {
				t.Fatalf("newest invoice row %q", tb.text("#invoice-rows tr:first-child"))
			}
			tb.visible("#more")
			tb.axe("invoices, first page")
			tb.do(chromedp.Click(css("#more")))
			tb.waitFor(`document.querySelectorAll('#invoice-rows tr').length === 21 && document.getElementById('more').hidden`)
			if last := tb.text("#invoice-rows tr:last-child th"); last >= first {
				t.Fatalf("not newest first: %s after %s", last, first)
			}
			tb.axe("invoices, all pages")

			dir := t.TempDir()
			tb.downloadsTo(dir)
			tb.do(chromedp.Click(css("#invoice-rows tr:first-child button")))
			b, err := os.ReadFile(waitForFile(t, dir, first+".pdf"))
			if err != nil || !bytes.HasPrefix(b, []byte("%PDF-1.4")) || !bytes.Contains(b, []byte("("+first+")")) {
				t.Fatalf("downloaded %d bytes (%v), not invoice %s", len(b), err, first)
			}
			tb.checkClean()
		})
	}
}
