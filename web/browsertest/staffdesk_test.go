package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"kontor/shared/contact"
	"kontor/shared/identity/identitywire"
	"kontor/shared/insurance"
)

// apiClient calls the API as a client of its own (a loopback address of its
// own, a cookie jar), for what the tests prepare outside the browser.
type apiClient struct {
	t *testing.T
	c *http.Client
}

func newAPIClient(t *testing.T) *apiClient {
	jar, _ := cookiejar.New(nil)
	return &apiClient{t: t, c: &http.Client{Jar: jar, Transport: ownClient()}}
}

// do sends body as JSON with a CSRF token and an Idempotency-Key, decodes the
// answer into out (when given) and returns the status.
func (a *apiClient) do(method, path string, body, out any) int {
	a.t.Helper()
	res, err := a.c.Get(base + "/v1/csrf")
	if err != nil {
		a.t.Fatal(err)
	}
	var csrf struct{ CsrfToken string }
	_ = json.NewDecoder(res.Body).Decode(&csrf)
	_ = res.Body.Close()
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, base+path, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", csrf.CsrfToken)
	req.Header.Set("Idempotency-Key", uuid())
	if res, err = a.c.Do(req); err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	if out != nil && res.StatusCode/100 == 2 {
		if err := json.NewDecoder(res.Body).Decode(out); err != nil {
			a.t.Fatal(err)
		}
	}
	return res.StatusCode
}

// temporaryPassword waits for the invitation mailed to addr (in German or
// English) and returns its temporary password.
func temporaryPassword(t *testing.T, addr string) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		ms, err := stack.Mail(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if !slices.Contains(m.To, addr) {
				continue
			}
			for _, line := range strings.Split(m.Text, "\n") {
				for _, label := range []string{"Temporary password: ", "Vorläufiges Passwort: "} {
					if v, ok := strings.CutPrefix(line, label); ok {
						return strings.TrimSpace(v)
					}
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no invitation mailed to %s", addr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// staffAccount has the local administrator invite a staff member through the
// API (as the admin page does), signs in with the mailed temporary password and
// sets `password`; it returns the address.
func staffAccount(t *testing.T) string {
	t.Helper()
	addr, _ := invitedAccount(t, "staff", "en", "staff")
	return addr
}

// invitedAccount has the local administrator invite a member with roles through
// the API (POST /v1/admin/members), signs in with the mailed temporary password
// and changes it to `password`, as the invitation asks (HKC-2); it returns the
// address and the account's id.
func invitedAccount(t *testing.T, prefix, lang string, roles ...string) (string, string) {
	t.Helper()
	cfg, err := stack.AWSConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := identitywire.SeedLocalAdmin(context.Background(), cfg, stack.Name("IdentityTable")); err != nil {
		t.Fatal(err)
	}
	admin := newAPIClient(t).signIn(identitywire.LocalAdminEmail, identitywire.LocalAdminPassword)
	addr := newAddress(prefix)
	invite := map[string]any{"email": addr, "language": lang}
	for _, r := range roles {
		invite[r] = true
	}
	admin.call(http.MethodPost, "/v1/admin/members", invite, http.StatusCreated, nil)
	temp := temporaryPassword(t, addr)
	member := newAPIClient(t).signIn(addr, temp)
	member.call(http.MethodPut, "/v1/me/password", map[string]string{"currentPassword": temp, "newPassword": password}, http.StatusOK, nil)
	var me struct{ ID string }
	if member.call(http.MethodGet, "/v1/me", nil, http.StatusOK, &me); me.ID == "" {
		t.Fatal("GET /v1/me: no id")
	}
	return addr, me.ID
}

// shownWithFocus waits for the element with id and checks it has the focus.
func (tb *tab) shownWithFocus(id string) {
	tb.t.Helper()
	tb.visible("#" + id)
	if f := tb.focused(); f != id {
		tb.t.Errorf("focus on %q, want #%s", f, id)
	}
}

// writeFile writes body to a file named name in a folder of the test's and
// returns its path, for the page's file field.
func writeFile(t *testing.T, name string, body []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, body, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// importRow is one row of an import file in the order of insurance.ImportColumns.
func importRow(number, postalCode string) string {
	return strings.Join([]string{number, "C-" + number, "Erika", "Mustermann", "1964-08-12", "Lindenstraße 4", postalCode, "Halle (Saale)",
		"", "", "health", "H" + number, "412.50", "EUR", "monthly", "2020-01-01", "", "27225.00"}, ",")
}

// Staff import contracts: no file, a file too large and one of another type are
// refused before anything is sent; a header the import does not know is an
// error on the file field; a file with a good row and two bad ones is sent with
// progress shown and answered with the report: the counts and each rejected
// row's line and problems in the page's language.
func TestStaffContractImportReportsEachRow(t *testing.T) {
	addr := staffAccount(t)
	words := map[string][]string{
		"de": {"Wählen Sie eine CSV-Datei", "höchstens 2 MB", "Endung .csv", "Kopfzeile, Spalte „colour“", "3 Zeilen gelesen: 1 gespeichert, 2 abgelehnt", "Postleitzahl: ungültiger Wert", "Vertragsnummer: kommt in der Datei mehrfach vor", "501 Zeilen gelesen: 0 gespeichert, 501 abgelehnt", "nur die ersten 500 der 501 abgelehnten Zeilen"},
		"en": {"Choose a CSV file", "at most 2 MB", "ending in .csv", "Header, column “colour”", "3 rows read: 1 stored, 2 rejected", "Postal code: not a valid value", "Contract number: occurs more than once in the file", "501 rows read: 0 stored, 501 rejected", "only the first 500 of the 501 rejected rows"},
	}
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			w := words[l.lang]
			tb := openTab(t, l.accept)
			tb.signIn(l.lang, addr, password)
			tb.do(chromedp.Navigate(base + "/" + l.lang + "/staff/contract-imports"))
			tb.visible("#import-form")
			tb.axe("import")

			choose := func(p string) { tb.do(chromedp.SetUploadFiles(css("#file"), []string{p})) }
			refused := func(want, state string) {
				t.Helper()
				tb.submit("import-form")
				// The summary of the state before stays until the answer replaces it.
				tb.waitFor(`document.getElementById('error-summary').textContent.includes(` + jsString(want) + `)`)
				tb.summary()
				if got := tb.text("#file-error"); !strings.Contains(got, want) {
					t.Errorf("%s: inline error %q", state, got)
				}
				tb.axe("import, " + state)
			}
			refused(w[0], "no file")
			choose(writeFile(t, "big.csv", bytes.Repeat([]byte("x"), insurance.MaxImportBytes+1)))
			refused(w[1], "too large")
			choose(writeFile(t, "contracts.xlsx", []byte("not a CSV")))
			refused(w[2], "not a CSV")
			if tb.requested("/v1/staff/contract-imports") {
				t.Fatal("a file refused by the page was sent")
			}

			choose(writeFile(t, "header.csv", []byte(strings.Join(insurance.ImportColumns, ",")+",colour\n")))
			refused(w[3], "unknown column")

			n := time.Now().UnixNano() % 1e9
			good, dup := "KV-I"+strings.ToUpper(l.lang)+itoa(n), "KV-D"+strings.ToUpper(l.lang)+itoa(n)
			file := strings.Join([]string{strings.Join(insurance.ImportColumns, ","), importRow(good, "06108"), importRow(dup, "6108"), importRow(good, "06108")}, "\n") + "\n"
			choose(writeFile(t, "contracts.csv", []byte(file)))
			tb.submit("import-form")
			tb.shownWithFocus("report")
			if got := tb.text("#report-counts"); !strings.Contains(got, w[4]) {
				t.Errorf("counts %q, want %q", got, w[4])
			}
			rows := tb.eval(`[...document.querySelectorAll('#report-rows tr')].map(tr => [...tr.children].map(c => c.textContent).join('|')).join('\n')`)
			if !strings.Contains(rows, "3|"+dup+"|") || !strings.Contains(rows, w[5]) || !strings.Contains(rows, "4|"+good+"|") || !strings.Contains(rows, w[6]) {
				t.Errorf("report rows %q", rows)
			}
			if v := tb.eval(`String(document.getElementById('progress').value)`); v != "100" {
				t.Errorf("progress ended at %s, want 100", v)
			}
			if !tb.requested("/v1/staff/contract-imports") {
				t.Error("the import was not sent to /v1/staff/contract-imports")
			}
			if _, err := insuranceStore(t).Contract(context.Background(), good, time.Now()); err != nil {
				t.Errorf("the good row was not stored: %v", err)
			}
			cut := func() bool { return tb.eval(`String(document.getElementById('report-truncated').hidden)`) == "false" }
			if cut() {
				t.Error("a report listing every rejected row says it is cut")
			}
			tb.axe("import report")
			tb.screenshot("staff-import-" + l.lang)

			// More rejected rows than the API lists: the page says the table is cut.
			choose(writeFile(t, "many.csv", []byte(strings.Join(insurance.ImportColumns, ",")+"\n"+strings.Repeat("x\n", insurance.MaxReportedRows+1))))
			tb.submit("import-form")
			tb.waitFor(`document.getElementById('report-counts').textContent.includes(` + jsString(w[7]) + `)`)
			if got := tb.text("#report-truncated"); !cut() || !strings.Contains(got, w[8]) {
				t.Errorf("cut report: %q", got)
			}
			if n := tb.count("#report-rows tr"); n != itoa(insurance.MaxReportedRows) {
				t.Errorf("%s rows listed", n)
			}
			tb.axe("import report, cut")
		})
	}
}

// Staff open a contact request (every field the sender gave shown, the app log
// among them), resolve it after a confirmation (years without a reason first:
// the inline error), and it leaves the queue.
func TestStaffResolvesAContactRequest(t *testing.T) {
	addr := staffAccount(t)
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			subject := "Queue test " + l.lang + " " + itoa(time.Now().UnixNano())
			sender := newAddress("sender-" + l.lang)
			var rec struct{ ID string }
			if s := newAPIClient(t).do(http.MethodPost, "/v1/contact-requests", map[string]any{"email": sender, "name": "Rita Sender", "subject": subject,
				"message": "Line one\nLine two", "appLog": "10:00 upload failed\n", "consentVersion": contact.ConsentVersion}, &rec); s != http.StatusCreated {
				t.Fatalf("contact request: %d", s)
			}
			tb := openTab(t, l.accept)
			tb.signIn(l.lang, addr, password)
			tb.do(chromedp.Navigate(base + "/" + l.lang + "/staff/contact-requests"))
			tb.visible("#requests")
			tb.axe("requests")
			tb.do(chromedp.Click(css(`button[aria-describedby="req-` + rec.ID + `"]`)))
			tb.shownWithFocus("request")
			details := tb.text("#request")
			for _, want := range []string{sender, "Rita Sender", subject, "Line one", "10:00 upload failed", contact.ConsentVersion} {
				if !strings.Contains(details, want) {
					t.Errorf("the request shows %q, want %q in it", details, want)
				}
			}
			tb.axe("request opened")

			tb.do(chromedp.Click(css("#resolve-start")))
			tb.shownWithFocus("resolve")
			tb.fill("retainYears", "2")
			tb.submit("resolve-form")
			tb.summary()
			tb.visible("#retainReason-error")
			if tb.value("retainYears") != "2" {
				t.Error("the years typed were not kept")
			}
			tb.axe("resolve, reason missing")
			tb.fill("retainReason", "§ 257 HGB")
			tb.submit("resolve-form")
			tb.shownWithFocus("resolve-done")
			if strings.Contains(tb.text("#requests"), subject) {
				t.Error("the resolved request is still listed")
			}
			tb.axe("request resolved")
		})
	}
}

// Staff see the letters waiting: each with the address and the text carrying
// the code; the print stylesheet shows the letters and nothing of the page
// around them; a letter marked printed after a confirmation leaves the queue.
func TestStaffPrintsActivationLetters(t *testing.T) {
	addr := staffAccount(t)
	s := insuranceStore(t)
	tpl := stack.Template()
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			c := newContract(t, s)
			var reg struct{ ID string }
			if st := newAPIClient(t).do(http.MethodPost, "/v1/insurance/registrations", map[string]any{
				"firstName": c.Holder.FirstName, "lastName": c.Holder.LastName, "birthdate": c.Holder.Birthdate, "email": newAddress("letter-" + l.lang),
				"phone": "+49 345 123456", "contractNumber": c.Number, "activation": "post", "language": l.lang,
				"acceptedTermsVersion": tpl.Parameters["TermsVersion"].Default, "acceptedPrivacyVersion": tpl.Parameters["PrivacyNoticeVersion"].Default,
			}, &reg); st != http.StatusAccepted {
				t.Fatalf("registration: %d", st)
			}
			code := letterCode(t, s, reg.ID)
			tb := openTab(t, l.accept)
			tb.signIn(l.lang, addr, password)
			tb.do(chromedp.Navigate(base + "/" + l.lang + "/staff/letters"))
			tb.visible("#letters article")
			// The letter may be on a later page of the queue.
			tb.waitFor(`(() => { const b = document.getElementById('more-letters'); if ([...document.querySelectorAll('.letter-text')].some(p => p.textContent.includes(` + jsString(code) + `))) return true; if (!b.hidden) b.click(); return false; })()`)
			id := tb.eval(`[...document.querySelectorAll('.letter')].find(a => a.textContent.includes(` + jsString(code) + `)).id`)
			letter := tb.text("#" + id)
			for _, want := range []string{c.Holder.Address.Street, c.Holder.Address.PostalCode + " " + c.Holder.Address.City, code} {
				if !strings.Contains(letter, want) {
					t.Errorf("the letter shows %q, want %q in it", letter, want)
				}
			}
			tb.axe("letters")

			tb.call(func(ctx context.Context) error {
				_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
				return err
			})
			display := func(sel string) string {
				return tb.eval(`getComputedStyle(document.querySelector(` + jsString(sel) + `)).display`)
			}
			for sel, want := range map[string]string{".header": "none", ".footer": "none", "main h1": "none", ".subnav": "none", "#" + id + " .button-group": "none", "#" + id: "block", "#" + id + " .letter-text": "block"} {
				if got := display(sel); got != want {
					t.Errorf("printed, %s is displayed as %q, want %q", sel, got, want)
				}
			}
			tb.call(func(ctx context.Context) error {
				_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: ""})
				return err
			})

			tb.do(chromedp.Click(css("#" + id + " .button-group .button:not(.button-secondary)")))
			tb.shownWithFocus("printed")
			tb.axe("letter printed, confirmation")
			tb.do(chromedp.Click(css("#printed-confirm")))
			tb.visible("#printed-done")
			if tb.eval(`String(!!document.getElementById(`+jsString(id)+`))`) != "false" {
				t.Error("the printed letter is still shown")
			}
			tb.axe("letter removed")
			pg := insurance.Page{Limit: 100}
			for {
				ls, next, err := s.LetterPage(context.Background(), pg, time.Now())
				if err != nil {
					t.Fatal(err)
				}
				if slices.ContainsFunc(ls, func(x insurance.Letter) bool { return x.RegistrationID == reg.ID }) {
					t.Fatal("the printed letter is still in the queue")
				}
				if next == "" {
					break
				}
				pg.Cursor = next
			}
		})
	}
}

// An administrator invites a member: an empty form names the address; the
// invitation is sent (the temporary password mailed); the same address again is
// an inline error on the address field.
func TestAdminInvitesAMember(t *testing.T) {
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			tb := openTab(t, l.accept)
			tb.signInAdmin(l.lang)
			tb.do(chromedp.Navigate(base + "/" + l.lang + "/admin/members"))
			tb.visible("#invite-form")
			tb.axe("invite")
			tb.submit("invite-form")
			tb.summary()
			tb.visible("#email-error")
			tb.axe("invite, empty")

			addr := newAddress("invited-" + l.lang)
			tb.fill("email", addr)
			tb.fill("firstName", "Nora")
			tb.do(chromedp.Click(css(`label[for="staff"]`)))
			tb.submit("invite-form")
			tb.shownWithFocus("invite-done")
			if got := tb.text("#invite-done"); !strings.Contains(got, addr) {
				t.Errorf("confirmation %q", got)
			}
			if temporaryPassword(t, addr) == "" {
				t.Error("no temporary password mailed")
			}
			tb.axe("invited")

			tb.fill("email", addr)
			tb.submit("invite-form")
			tb.summary()
			if got := tb.text("#email-error"); got == "" {
				t.Error("the address taken is not an inline error on the address")
			}
			if tb.value("email") != addr {
				t.Error("the address typed was not kept")
			}
			tb.axe("invite, address taken")
		})
	}
}

// The home page links the staff pages to staff and the admin pages to
// administrators only (TestAdminPagesSayNoAccessToOthers: the pages say "No
// access" to anyone else).
func TestHomeLinksStaffAndAdminPagesByRole(t *testing.T) {
	staff := staffAccount(t)
	member := activeAccount(t, "en")
	for _, c := range []struct {
		who, addr, staffHidden, adminHidden string
	}{
		{"administrator", identitywire.LocalAdminEmail, "true", "false"},
		{"staff", staff, "false", "true"},
		{"member", member, "true", "true"},
	} {
		tb := openTab(t, languages[1].accept)
		if c.addr == identitywire.LocalAdminEmail {
			tb.signInAdmin("en")
		} else {
			tb.signIn("en", c.addr, password)
		}
		tb.do(chromedp.Navigate(base+"/en/"), chromedp.WaitVisible(css("#account")))
		s, a := tb.eval(`String(document.getElementById('for-staff').hidden)`), tb.eval(`String(document.getElementById('for-admin').hidden)`)
		if s != c.staffHidden || a != c.adminHidden {
			t.Errorf("%s: staff links hidden %s, admin links hidden %s", c.who, s, a)
		}
		tb.axe("home, " + c.who)
		if c.who == "staff" {
			tb.do(chromedp.Click(css(`#for-staff a[href$="/staff/letters"]`)), chromedp.WaitVisible(css("#content")))
		}
	}
}

// My contact requests: signed out it leads to sign-in and back; with none sent
// it says so; a request sent from the account is then listed, open, reached
// from the home page's link.
func TestMyContactRequestsListsWhatISent(t *testing.T) {
	empty := map[string]string{"de": "noch keine Anfrage", "en": "not sent a request"}
	open := map[string]string{"de": "offen", "en": "open"}
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			addr := activeAccount(t, l.lang)
			tb := openTab(t, l.accept)
			tb.do(chromedp.Navigate(base + "/" + l.lang + "/contact/requests"))
			tb.waitFor(`location.pathname.endsWith('/login')`)
			tb.signIn(l.lang, addr, password)
			tb.waitFor(`location.pathname.endsWith('/contact/requests')`)
			tb.waitFor(`document.getElementById('mine-count').textContent.includes(` + jsString(empty[l.lang]) + `)`)
			tb.axe("my requests, none")

			// Sent through the API from a client of its own: the browser's address
			// shares the per-client limit of contact requests with the contact form's
			// own tests.
			subject := "Mine " + l.lang + " " + itoa(time.Now().UnixNano())
			sender := newAPIClient(t)
			if st := sender.do(http.MethodPost, "/v1/sessions", map[string]string{"email": addr, "password": password}, nil); st/100 != 2 {
				t.Fatalf("sign in: %d", st)
			}
			if st := sender.do(http.MethodPost, "/v1/me/contact-requests", map[string]any{"subject": subject, "message": "Where is my letter?", "consentVersion": contact.ConsentVersion}, nil); st != http.StatusCreated {
				t.Fatalf("contact request: %d", st)
			}
			tb.do(chromedp.Navigate(base+"/"+l.lang+"/"), chromedp.WaitVisible(css("#account")))
			tb.do(chromedp.Click(css("#to-my-requests")), chromedp.WaitVisible(css("#mine li")))
			got := tb.text("#mine")
			for _, want := range []string{subject, "Where is my letter?", open[l.lang], contact.ConsentVersion} {
				if !strings.Contains(got, want) {
					t.Errorf("the list shows %q, want %q in it", got, want)
				}
			}
			if !tb.requestedPrefix("/v1/me/contact-requests") {
				t.Error("the list was not read from /v1/me/contact-requests")
			}
			tb.axe("my requests, one")
		})
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// requestedPrefix reports whether the tab sent a request to a path on the site
// starting with prefix (a query after it).
func (tb *tab) requestedPrefix(prefix string) bool {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return slices.ContainsFunc(tb.requests, func(r string) bool { return strings.HasPrefix(r, base+prefix) })
}
