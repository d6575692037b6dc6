package browsertest

import (
	"bytes"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

var (
	// invoicePDF is a small complete PDF: the check after upload keeps it as sent.
	invoicePDF = append(append([]byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n"), bytes.Repeat([]byte("x"), 2000)...), "\ntrailer << /Root 1 0 R >>\n%%EOF\n"...)
	// notAPDF is a program's first bytes: named .pdf, it is declared a PDF, and
	// the check after upload finds it is none of the types allowed.
	notAPDF = append([]byte("MZ\x90\x00\x03\x00\x00\x00"), bytes.Repeat([]byte{0}, 1000)...)
)

// claimant is a customer with a contract, both consents given and one submitted
// claim, made through the API as the portal's pages make them.
type claimant struct {
	addr, claimID, contract string
	api                     *apiClient
}

func newClaimant(t *testing.T, lang string) claimant {
	t.Helper()
	return claimantAt(t, lang, newAddress("claimant-"+lang), true)
}

// claimantAt makes addr a claimant; a new account (newAccount) sets its password
// from the mail, an existing one (a staff member's, say) is only linked.
func claimantAt(t *testing.T, lang, addr string, newAccount bool) claimant {
	t.Helper()
	s := insuranceStore(t)
	con := newContract(t, s)
	tpl := stack.Template()
	cl := claimant{addr: addr, contract: con.Number, api: newAPIClient(t)}
	var reg struct{ ID string }
	cl.api.call(http.MethodPost, "/v1/insurance/registrations", map[string]string{
		"firstName": con.Holder.FirstName, "lastName": con.Holder.LastName, "birthdate": con.Holder.Birthdate,
		"email": cl.addr, "phone": "+49 345 123456", "contractNumber": con.Number, "activation": "post", "language": lang,
		"acceptedTermsVersion": tpl.Parameters["TermsVersion"].Default, "acceptedPrivacyVersion": tpl.Parameters["PrivacyNoticeVersion"].Default,
	}, http.StatusAccepted, &reg)
	cl.api.call(http.MethodPost, "/v1/insurance/activations", map[string]string{"registrationId": reg.ID, "code": letterCode(t, s, reg.ID)}, http.StatusAccepted, nil)
	if newAccount {
		cl.api.call(http.MethodPost, "/v1/accounts/confirm", map[string]string{"token": mailedToken(t, cl.addr, "/confirm"), "password": password}, http.StatusNoContent, nil)
	}
	cl.api.signIn(cl.addr, password)
	for _, purpose := range []string{"portal-processing", "health-data"} {
		cl.api.call(http.MethodPut, "/v1/me/consents/"+purpose, map[string]string{"textVersion": "2026-01"}, http.StatusOK, nil)
	}
	var claim struct{ ID string }
	cl.api.call(http.MethodPost, "/v1/me/claims", map[string]any{"contractNumber": con.Number, "treatmentDate": "2026-03-02", "amountCents": 8420, "description": "Physiotherapie"},
		http.StatusCreated, &claim)
	cl.claimID = claim.ID
	return cl
}

// uploadInvoice adds a PDF to the claim as the claim page does: declared, sent
// to the upload URL with its signed headers, checked.
func (cl claimant) uploadInvoice(t *testing.T, data []byte) {
	t.Helper()
	var added struct {
		Invoice struct{ ID string }
		Upload  struct {
			URL, Method string
			Headers     map[string]string
		}
	}
	path := "/v1/me/claims/" + cl.claimID + "/invoices"
	cl.api.call(http.MethodPost, path, map[string]any{"contentType": "application/pdf", "size": len(data)}, http.StatusCreated, &added)
	req, err := http.NewRequest(added.Upload.Method, added.Upload.URL, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range added.Upload.Headers {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("upload: %d", res.StatusCode)
	}
	cl.api.call(http.MethodPost, path+"/"+added.Invoice.ID+"/complete", nil, http.StatusOK, nil)
}

// call sends one request through the client (apiClient.do: CSRF token and
// Idempotency-Key included) and fails the test unless it answered want.
func (a *apiClient) call(method, path string, body any, want int, out any) {
	a.t.Helper()
	if got := a.do(method, path, body, out); got != want {
		a.t.Fatalf("%s %s: %d, want %d", method, path, got, want)
	}
}

// signIn signs the client in to addr with pw.
func (a *apiClient) signIn(addr, pw string) *apiClient {
	a.t.Helper()
	a.call(http.MethodPost, "/v1/sessions", map[string]string{"email": addr, "password": pw}, http.StatusCreated, nil)
	return a
}

// mailedToken returns the token of a mail to addr with a link to path.
func mailedToken(t *testing.T, addr, path string) string {
	t.Helper()
	link, err := url.Parse(mailedLink(t, addr, path))
	if err != nil {
		t.Fatal(err)
	}
	if token := link.Query().Get("token"); token != "" {
		return token
	}
	return strings.TrimPrefix(link.Fragment, "token=")
}

// invoiceBucket is where the invoice bucket's uploads and downloads lead on the
// local stack (the emulator, path style): the one other origin the claim pages
// may reach.
func invoiceBucket() string {
	return stack.EndpointURL + "/" + stack.Name("InvoiceBucket") + "/claims/"
}

// chooseFile writes data as name and puts it into the page's file input.
func (tb *tab) chooseFile(name string, data []byte) {
	tb.t.Helper()
	tb.do(chromedp.SetUploadFiles(css("#file"), []string{writeFile(tb.t, name, data)}))
}

func (tb *tab) count(sel string) string {
	return tb.eval(`String(document.querySelectorAll(` + jsString(sel) + `).length)`)
}

func (tb *tab) invalid(id string) bool {
	return tb.eval(`String(document.getElementById(`+jsString(id)+`).getAttribute('aria-invalid'))`) == "true"
}

// requestCount counts the page's requests to exactly url.
func (tb *tab) requestCount(url string) int {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	n := 0
	for _, r := range tb.requests {
		if r == url {
			n++
		}
	}
	return n
}

// downloaded clicks the first invoice's download button and returns the bytes of
// the file the browser saved.
func (tb *tab) downloaded() []byte {
	tb.t.Helper()
	dir := tb.t.TempDir()
	tb.downloadsTo(dir)
	tb.do(chromedp.Click(css("#invoices button")))
	b, err := os.ReadFile(waitForFile(tb.t, dir, "invoice-*.pdf"))
	if err != nil {
		tb.t.Fatal(err)
	}
	return b
}

// A customer's claim page: a file of another type is refused before anything is
// sent; a file whose content is no PDF is refused by the check after upload and
// the page says so; a real PDF goes up with a progress bar (a double click sends
// it once), is checked and listed as stored; its download is the file sent.
func TestInvoiceUploadIsCheckedBeforeAndAfter(t *testing.T) {
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			cl := newClaimant(t, l.lang)
			tb := openTab(t, l.accept)
			tb.allow(invoiceBucket())
			tb.signIn(l.lang, cl.addr, password)
			tb.do(chromedp.Navigate(base+"/"+l.lang+"/insurance/claim?id="+cl.claimID), chromedp.WaitVisible(css("#upload-form")))
			tb.visible("#no-invoices")
			tb.axe("claim, no invoice yet")
			declare := base + "/v1/me/claims/" + cl.claimID + "/invoices"

			tb.submit("upload-form")
			if got := tb.summary(); !strings.Contains(got, map[string]string{"de": "Wählen Sie eine Datei", "en": "Choose a file"}[l.lang]) {
				t.Errorf("no file chosen: %q", got)
			}
			tb.chooseFile("notes.txt", []byte("Rechnung folgt"))
			tb.submit("upload-form")
			got := tb.summary()
			if !strings.Contains(got, "notes.txt") || !strings.Contains(got, "PDF") || !tb.invalid("file") {
				t.Errorf("wrong type: summary %q, field invalid %v", got, tb.invalid("file"))
			}
			if n := tb.requestCount(declare); n != 0 {
				t.Errorf("a file of the wrong type was declared (%d requests)", n)
			}
			tb.axe("upload, wrong type refused in the browser")

			tb.chooseFile("scan.pdf", notAPDF)
			tb.submit("upload-form")
			tb.waitFor(`document.getElementById('error-summary').textContent.includes(` + jsString(map[string]string{"de": "abgelehnt", "en": "refused"}[l.lang]) + `)`)
			got = tb.summary()
			for _, want := range []string{"scan.pdf", map[string]string{"de": "Ihr Inhalt ist keine PDF-, JPEG- oder PNG-Datei", "en": "Its content is not a PDF, JPEG or PNG file"}[l.lang]} {
				if !strings.Contains(got, want) {
					t.Errorf("refused after upload: summary %q lacks %q", got, want)
				}
			}
			if !tb.invalid("file") || tb.requestCount(declare) != 1 {
				t.Errorf("refused after upload: field invalid %v, %d declared", tb.invalid("file"), tb.requestCount(declare))
			}
			tb.waitFor(`!document.getElementById('no-invoices').hidden`) // the refused file's entry is gone
			tb.axe("upload, refused by the check after upload")
			tb.screenshot("claim-invoice-refused-" + l.lang)

			tb.chooseFile("invoice.pdf", invoicePDF)
			tb.eval(`window.kontorProgress = []; const bar = document.getElementById('upload-progress');
				new MutationObserver(() => kontorProgress.push(bar.value)).observe(bar, { attributes: true }); ''`)
			tb.eval(`const b = document.querySelector('#upload-form button[type="submit"]'); b.click(); b.click(); ''`)
			tb.visible("#upload-done")
			if f := tb.focused(); f != "upload-done" {
				t.Errorf("focus on %q after the upload", f)
			}
			if got := tb.text("#upload-done"); !strings.Contains(got, "invoice.pdf") {
				t.Errorf("confirmation %q", got)
			}
			if n := tb.requestCount(declare); n != 2 {
				t.Errorf("%d declarations after a double click, want 1 more than before", n-1)
			}
			if p := tb.eval(`kontorProgress.join(',')`); !strings.HasSuffix(p, "100") {
				t.Errorf("progress went %q, not to 100", p)
			}
			if tb.count("#invoices li") != "1" || !strings.Contains(tb.text("#invoices"), map[string]string{"de": "Gespeichert", "en": "Stored"}[l.lang]) {
				t.Errorf("invoices after the upload: %q", tb.text("#invoices"))
			}
			tb.axe("upload, stored")

			if got := tb.downloaded(); !bytes.Equal(got, invoicePDF) {
				t.Errorf("downloaded %d bytes, not the invoice sent", len(got))
			}
		})
	}
}

// A staff member finds the claim in the queue, downloads its invoice and
// decides: no choice and a rejection without a note are inline errors; a
// decision made meanwhile by someone else is a version conflict that offers a
// reload; a reimbursement over the claimed amount is refused; then reimbursed.
func TestStaffReviewsAndDecidesAClaim(t *testing.T) {
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			cl := newClaimant(t, l.lang)
			cl.uploadInvoice(t, invoicePDF)
			staff := staffAccount(t)
			tb := openTab(t, l.accept)
			tb.allow(invoiceBucket())
			tb.signIn(l.lang, staff, password)
			tb.do(chromedp.Navigate(base+"/"+l.lang+"/staff/claims"), chromedp.WaitVisible(css("#queue-table")))
			link := `#queue a[href$="` + cl.claimID + `"]`
			tb.waitFor(`document.querySelector(` + jsString(link) + `)`) // a fresh stack's queue is one page
			tb.axe("claims queue")

			tb.do(chromedp.Click(css(link)), chromedp.WaitVisible(css("#claim div")))
			got := tb.text("#claim")
			for _, want := range []string{cl.contract, map[string]string{"de": "84,20", "en": "84.20"}[l.lang], "Physiotherapie", map[string]string{"de": "Eingereicht", "en": "Submitted"}[l.lang]} {
				if !strings.Contains(got, want) {
					t.Errorf("claim %q lacks %q", got, want)
				}
			}
			tb.axe("claim review")
			if got := tb.downloaded(); !bytes.Equal(got, invoicePDF) {
				t.Errorf("staff downloaded %d bytes, not the invoice", len(got))
			}

			tb.submit("decision-form")
			tb.summary()
			if !tb.invalid("status") {
				t.Error("no decision chosen, the field is not marked")
			}
			tb.do(chromedp.SetValue(css("#status"), "rejected"))
			tb.submit("decision-form")
			tb.summary()
			if !tb.invalid("note") {
				t.Error("a rejection without a note: the note is not marked")
			}
			tb.axe("decision, rejection without a note")

			// Someone else takes the claim into review meanwhile.
			other := newAPIClient(t).signIn(staff, password)
			var cur struct{ Version int }
			other.call(http.MethodGet, "/v1/staff/claims/"+cl.claimID, nil, http.StatusOK, &cur)
			other.call(http.MethodPost, "/v1/staff/claims/"+cl.claimID+"/decision", map[string]any{"status": "in_review", "version": cur.Version}, http.StatusOK, nil)
			tb.fill("note", "Unterlagen unvollständig")
			tb.submit("decision-form")
			tb.visible("#conflict")
			if got := tb.summary(); !strings.Contains(got, map[string]string{"de": "inzwischen geändert", "en": "changed in the meantime"}[l.lang]) {
				t.Errorf("version conflict: summary %q", got)
			}
			tb.axe("decision, version conflict")
			tb.screenshot("staff-claim-conflict-" + l.lang)
			tb.do(chromedp.Click(css("#reload")))
			inReview := map[string]string{"de": "In Prüfung", "en": "In review"}[l.lang]
			tb.waitFor(`document.getElementById('conflict').hidden && document.getElementById('claim').textContent.includes(` + jsString(inReview) + `)`)
			if tb.count("#history li") != "2" {
				t.Errorf("history after the reload: %q", tb.text("#history"))
			}

			tb.do(chromedp.SetValue(css("#status"), "reimbursed"))
			tb.fill("amount", "999")
			tb.submit("decision-form")
			tb.summary()
			if !tb.invalid("amount") {
				t.Error("a reimbursement over the claimed amount: the amount is not marked")
			}
			tb.axe("decision, amount over the claim")
			tb.fill("amount", map[string]string{"de": "80,00", "en": "80.00"}[l.lang])
			tb.submit("decision-form")
			tb.visible("#decided")
			if f := tb.focused(); f != "decided" {
				t.Errorf("focus on %q after deciding", f)
			}
			if got := tb.text("#claim"); !strings.Contains(got, map[string]string{"de": "Erstattet", "en": "Reimbursed"}[l.lang]) || !strings.Contains(got, "80") {
				t.Errorf("claim after the decision %q", got)
			}
			if tb.count("#history li") != "3" {
				t.Errorf("history after the decision: %q", tb.text("#history"))
			}
			tb.visible("#closed")
			tb.axe("claim reimbursed")
		})
	}
}

// A staff member who is also a customer opens their own claim: a decision is
// refused, and the page says why in its own language (the API answers in the
// account's, English here).
func TestStaffCannotDecideTheirOwnClaim(t *testing.T) {
	words := map[string]string{"de": "Über einen eigenen Antrag können Sie nicht entscheiden", "en": "You cannot decide on your own claim"}
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			staff := staffAccount(t)
			cl := claimantAt(t, l.lang, staff, false)
			tb := openTab(t, l.accept)
			tb.signIn(l.lang, staff, password)
			tb.do(chromedp.Navigate(base+"/"+l.lang+"/staff/claim?id="+url.QueryEscape(cl.claimID)), chromedp.WaitVisible(css("#claim div")))
			tb.do(chromedp.SetValue(css("#status"), "in_review"))
			tb.submit("decision-form")
			tb.waitFor(`document.getElementById('error-summary').textContent.includes(` + jsString(words[l.lang]) + `)`)
			var cur struct{ Status string }
			cl.api.call(http.MethodGet, "/v1/staff/claims/"+cl.claimID, nil, http.StatusOK, &cur)
			if cur.Status != "submitted" {
				t.Errorf("own claim is %s", cur.Status)
			}
			tb.axe("decision on one's own claim")
		})
	}
}
