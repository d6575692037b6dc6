package browsertest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/chromedp/chromedp"

	"kontor/shared/insurance"
	"kontor/shared/insurance/insurancedb"
)

// insuranceStore is the stack's insurance table, for what staff would do
// (importing contracts, printing letters), which has no page yet.
func insuranceStore(t *testing.T) *insurancedb.Store {
	t.Helper()
	cfg, err := stack.AWSConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return &insurancedb.Store{DB: dynamodb.NewFromConfig(cfg), Table: stack.Name("InsuranceTable")}
}

// newContract stores a health contract for a holder no other test uses, as the
// staff import does, and returns it.
func newContract(t *testing.T, s *insurancedb.Store) insurance.Contract {
	t.Helper()
	n := time.Now().UnixNano() % 1e9
	c := insurance.Contract{
		Number: fmt.Sprintf("KV-%d", n),
		Holder: insurance.Holder{
			CustomerNumber: fmt.Sprintf("C-%d", n), FirstName: "Erika", LastName: "Mustermann", Birthdate: "1964-08-12",
			Address: insurance.Address{Street: "Lindenstraße 4", PostalCode: "06108", City: "Halle (Saale)"},
		},
		Kind: "health", InsuranceNumber: fmt.Sprintf("H%d", n), Premium: insurance.Money{Cents: 41250, Currency: "EUR"},
		PaymentInterval: "monthly", StartsOn: "2020-01-01", ContributionsPaid: insurance.Money{Cents: 2722500, Currency: "EUR"},
		ImportedAt: time.Now().UTC(),
	}
	if err := s.SaveContracts(context.Background(), []insurance.Contract{c}, time.Now()); err != nil {
		t.Fatal(err)
	}
	return c
}

// letterCode reads the code of the registration's letter from the print queue.
func letterCode(t *testing.T, s *insurancedb.Store, regID string) string {
	t.Helper()
	pg := insurance.Page{Limit: 100}
	for {
		ls, next, err := s.LetterPage(context.Background(), pg, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range ls {
			if l.RegistrationID == regID {
				return l.Code
			}
		}
		if next == "" {
			t.Fatalf("no letter for registration %s", regID)
		}
		pg.Cursor = next
	}
}

// fillRegistration fills the registration form for contract c with the holder's
// first name and date of birth, lastName (a wrong one to see the mismatch), addr,
// a phone number, the activation method, and both acceptances.
func (tb *tab) fillRegistration(c insurance.Contract, lastName, addr, activation string) {
	tb.t.Helper()
	tb.fill("contractNumber", c.Number)
	tb.fill("firstName", c.Holder.FirstName)
	tb.fill("lastName", lastName)
	tb.do(chromedp.SetValue(css("#birthdate"), c.Holder.Birthdate), chromedp.SetValue(css("#activation"), activation))
	tb.fill("email", addr)
	tb.fill("phone", "+49 345 123456")
	tb.do(
		chromedp.Click(css(`label[for="acceptedTermsVersion"]`)),
		chromedp.Click(css(`label[for="acceptedPrivacyVersion"]`)),
	)
}

// A person with a contract registers (a mismatch first), activates with the
// letter's code, sets the password from the mail, gives the consents the portal
// asks for, sees the contract, files a claim and sees its status.
func TestInsuranceRegistrationActivationContractsAndClaims(t *testing.T) {
	s := insuranceStore(t)
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			c := newContract(t, s)
			addr := newAddress("insured-" + l.lang)
			tb := openTab(t, l.accept)
			tb.do(chromedp.Navigate(base+"/"+l.lang+"/insurance/register"), chromedp.WaitVisible(css("#register-form")))
			tb.axe("registration")

			tb.submit("register-form")
			tb.summary()
			tb.axe("registration, empty")

			tb.fillRegistration(c, "Musterfrau", addr, "post")
			tb.submit("register-form")
			tb.waitFor(`document.getElementById('error-summary').textContent.includes(` + jsString(map[string]string{"de": "passen nicht", "en": "do not match"}[l.lang]) + `)`)
			if f := tb.focused(); f != "error-summary" {
				t.Errorf("focus on %q after the mismatch, want the error summary", f)
			}
			if tb.eval(`document.getElementById('contractNumber').getAttribute('aria-invalid')`) != "true" {
				t.Error("the contract number is not marked invalid")
			}
			tb.axe("registration, mismatch")

			tb.fill("lastName", "Mustermann")
			tb.submit("register-form")
			tb.visible("#done-post")
			if f := tb.focused(); f != "done-post" {
				t.Errorf("focus on %q after registering", f)
			}
			tb.axe("registered by post")
			href := tb.eval(`document.getElementById('activate-link').href`)
			_, regID, ok := strings.Cut(href, "registration=")
			if !ok || regID == "" {
				t.Fatalf("activation link %q", href)
			}

			tb.do(chromedp.Click(css("#activate-link")), chromedp.WaitVisible(css("#activate-form")))
			if v := tb.value("registrationId"); v != regID {
				t.Errorf("registration id %q, want %q", v, regID)
			}
			tb.fill("code", "WRONGWRONGXX")
			tb.submit("activate-form")
			tb.summary()
			if tb.eval(`document.getElementById('code').getAttribute('aria-invalid')`) != "true" {
				t.Error("the wrong code is not marked invalid")
			}
			tb.axe("activation, wrong code")
			tb.fill("code", letterCode(t, s, regID))
			tb.submit("activate-form")
			tb.visible("#done")
			tb.axe("activated")

			tb.do(chromedp.Navigate(mailedLink(t, addr, "/confirm")), chromedp.WaitVisible(css("#password")),
				chromedp.SendKeys(css("#password"), password),
				chromedp.Click(css(`#form button[type="submit"]`)),
				chromedp.WaitVisible(css("#done")))

			tb.do(chromedp.Navigate(base + "/" + l.lang + "/insurance/contracts"))
			tb.waitFor(`location.pathname.endsWith('/login')`)
			tb.signIn(l.lang, addr, password)
			tb.waitFor(`location.pathname.endsWith('/insurance/contracts')`)
			tb.visible("#consent")
			tb.axe("contracts, consent missing")

			tb.do(chromedp.Navigate(base+"/"+l.lang+"/privacy-centre"), chromedp.WaitVisible(css("#consents")))
			for _, p := range []string{"portal-processing", "health-data"} {
				tb.do(chromedp.Click(css("#consent-" + p + ` button[type="submit"]`)))
				tb.waitFor(`document.querySelectorAll('#consent-` + p + ` .history li').length === 1`)
			}

			tb.do(chromedp.Navigate(base+"/"+l.lang+"/insurance/contracts"), chromedp.WaitVisible(css("#contracts h2")))
			got := tb.text("#contracts")
			for _, want := range []string{c.Number, c.InsuranceNumber, "Mustermann", "Halle (Saale)", "412,50", map[string]string{"de": "monatlich", "en": "monthly"}[l.lang]} {
				if l.lang == "en" && want == "412,50" {
					want = "412.50"
				}
				if !strings.Contains(got, want) {
					t.Errorf("contracts %q lack %q", got, want)
				}
			}
			tb.axe("contracts")
			tb.screenshot("insurance-contracts-" + l.lang)

			tb.do(chromedp.Navigate(base+"/"+l.lang+"/insurance/claims"), chromedp.WaitVisible(css("#claim-form")))
			tb.visible("#no-claims")
			tb.axe("claims, none")
			tb.do(chromedp.SetValue(css("#treatmentDate"), "2026-03-02"))
			tb.fill("amount", "abc")
			tb.submit("claim-form")
			tb.summary()
			tb.axe("new claim, wrong amount")
			tb.fill("amount", map[string]string{"de": "84,20", "en": "84.20"}[l.lang])
			tb.fill("description", "Physiotherapie")
			tb.submit("claim-form")
			tb.visible("#created")
			tb.axe("claim created")
			if !tb.requested("/v1/me/claims") {
				t.Error("no request to /v1/me/claims")
			}

			tb.do(chromedp.Click(css("#created-link")), chromedp.WaitVisible(css("#claim div")))
			got = tb.text("#claim")
			for _, want := range []string{map[string]string{"de": "Eingereicht", "en": "Submitted"}[l.lang], c.Number, "84", "Physiotherapie"} {
				if !strings.Contains(got, want) {
					t.Errorf("claim %q lacks %q", got, want)
				}
			}
			if n := tb.eval(`String(document.querySelectorAll('#history li').length)`); n != "1" {
				t.Errorf("history has %s entries, want 1", n)
			}
			tb.axe("claim status")
			tb.screenshot("insurance-claim-" + l.lang)

			tb.do(chromedp.Navigate(base+"/"+l.lang+"/insurance/claims"), chromedp.WaitVisible(css("#claims-table")))
			if got := tb.text("#claims"); !strings.Contains(got, map[string]string{"de": "Eingereicht", "en": "Submitted"}[l.lang]) {
				t.Errorf("claims list %q lacks the status", got)
			}
			tb.axe("claims list")
		})
	}
}

// Activation by eID: registered in the browser, the person follows the link to
// the provider (the local stand-in), identifies as the contract's holder and is
// sent back to the activation page of the registration, in the page's language,
// which activates; the mailed link then sets the password.
func TestInsuranceActivationByEIDComesBack(t *testing.T) {
	s := insuranceStore(t)
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			c := newContract(t, s)
			addr := newAddress("eid-" + l.lang)
			tb := openTab(t, l.accept)
			tb.do(chromedp.Navigate(base+"/"+l.lang+"/insurance/register"), chromedp.WaitVisible(css("#register-form")))
			tb.fillRegistration(c, c.Holder.LastName, addr, "eid")
			tb.submit("register-form")
			tb.waitFor(`!document.getElementById('done-eid').hidden || !document.getElementById('error-summary').hidden`)
			if tb.eval(`String(document.getElementById('done-eid').hidden)`) == "true" {
				t.Fatalf("registration for eID refused: %s", tb.text("#error-summary"))
			}
			if f := tb.focused(); f != "done-eid" {
				t.Errorf("focus on %q after registering, want the eID panel", f)
			}
			tb.axe("registered for eID")

			tb.do(chromedp.Click(css("#eid-link")), chromedp.WaitVisible(css(`input[name="givenNames"]`)))
			if !strings.Contains(tb.location(), "/_local/eid/identify/") {
				t.Fatalf("the eID link led to %s", tb.location())
			}
			tb.do(
				chromedp.SendKeys(css(`input[name="givenNames"]`), c.Holder.FirstName),
				chromedp.SendKeys(css(`input[name="familyNames"]`), c.Holder.LastName),
				chromedp.SetValue(css(`input[name="dateOfBirth"]`), c.Holder.Birthdate),
				chromedp.Click(css("button")),
			)
			tb.waitFor(`location.pathname === '/` + l.lang + `/insurance/activate'`)
			if q := tb.eval(`location.search`); !strings.Contains(q, "via=eid") || !strings.Contains(q, "registration=") {
				t.Fatalf("back at the activation page with %q", q)
			}
			tb.visible("#intro-eid")
			tb.axe("back from the eID provider")
			tb.submit("activate-form")
			tb.visible("#done")
			tb.axe("activated by eID")
			if link := mailedLink(t, addr, "/confirm"); link == "" {
				t.Fatal("no mail to set the password")
			}
		})
	}
}
