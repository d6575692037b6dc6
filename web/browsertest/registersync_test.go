package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// putRegisterCompany sets a company in the stand-in company register.
func putRegisterCompany(t *testing.T, number string, company map[string]string) {
	t.Helper()
	body, _ := json.Marshal(company)
	req, _ := http.NewRequest(http.MethodPut, base+"/_local/register/companies/"+url.PathEscape(number), bytes.NewReader(body))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("stand-in register: %d", res.StatusCode)
	}
}

// Promise: HKC-10 — staff record a member's honorary office with the register
// number on the members page (a malformed number refused inline first) and see
// it; after the daily sync the member's profile page marks the detail the
// register changed "from the register, on <date>" and lists the change; staff
// remove the office and the member's page shows nothing of the register any
// more.
func TestRegisterOfficeSetByStaffAndShownToTheMember(t *testing.T) {
	texts := map[string]map[string]string{
		"de": {"invalid": "Registergericht", "set": "hat jetzt ein Ehrenamt", "never": "Noch nie", "source": "Aus dem Handelsregister, am",
			"removed": "kein Ehrenamt mehr"},
		"en": {"invalid": "register court", "set": "now has an honorary office", "never": "Never yet", "source": "From the commercial register, on",
			"removed": "no longer has an honorary office"},
	}
	for i, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			w := texts[l.lang]
			addr, id, _ := groupMember(t, l.lang, "Rita")
			number := fmt.Sprintf("Amtsgericht Hamburg HRB %d", 100000+time.Now().UnixNano()%800000+int64(i))
			putRegisterCompany(t, number, map[string]string{"name": "Rita GmbH", "street": "Ballindamm", "houseNumber": "1", "postalCode": "20457",
				"city": "Hamburg", "country": "DE", "website": "https://firma.example", "phone": "+49 40 1234"})

			adm := openTab(t, l.accept)
			adm.signInAdmin(l.lang)
			adm.do(chromedp.Navigate(base + "/" + l.lang + "/admin/members"))
			adm.visible("#honorary-form")
			adm.fill("honoraryAccountId", id)
			adm.fill("registerNumber", "HRB 12345")
			adm.submit("honorary-form")
			if got := adm.summary(); !strings.Contains(got, w["invalid"]) {
				t.Errorf("summary %q, want the register number's problem", got)
			}
			if got := adm.text("#registerNumber-error"); !strings.Contains(got, w["invalid"]) {
				t.Errorf("inline error %q", got)
			}
			if adm.value("honoraryAccountId") != id {
				t.Error("the account id typed was not kept")
			}
			adm.axe("members, register number refused")

			adm.fill("registerNumber", number)
			adm.submit("honorary-form")
			adm.shownWithFocus("honorary-done")
			if got := adm.text("#honorary-done"); !strings.Contains(got, w["set"]) || !strings.Contains(got, number) {
				t.Errorf("confirmation %q", got)
			}
			adm.fill("honoraryShowAccountId", id)
			adm.submit("honorary-show-form")
			adm.visible("#honorary-office")
			if got := adm.text("#honorary-office"); !strings.Contains(got, number) || !strings.Contains(got, w["never"]) {
				t.Errorf("office shown as %q", got)
			}
			adm.axe("members, honorary office set and shown")

			if err := stack.TriggerSchedule(context.Background(), "RegisterSyncFunction"); err != nil {
				t.Fatal(err)
			}
			tb := networkPage(t, l.accept, l.lang, addr, "profile")
			tb.visible("#register")
			if got := tb.text("#street-register"); !strings.HasPrefix(got, w["source"]) {
				t.Errorf("street marked %q", got)
			}
			if tb.value("street") != "Ballindamm" {
				t.Errorf("street %q, want the register's", tb.value("street"))
			}
			if tb.eval(`String(!!document.getElementById('company-register'))`) != "false" {
				t.Error("a detail the register did not change is marked")
			}
			if got := tb.eval(`document.getElementById('street').getAttribute('aria-describedby')`); !strings.Contains(got, "street-register") {
				t.Errorf("the mark does not describe the field: %q", got)
			}
			if got := tb.text("#register-history"); !strings.Contains(got, "Hafenstraße") || !strings.Contains(got, "Ballindamm") {
				t.Errorf("history %q", got)
			}
			if !strings.Contains(tb.text("#register-number"), number) {
				t.Error("register number not shown")
			}
			tb.axe("profile, from the register")

			adm.fill("honoraryRemoveAccountId", id)
			adm.submit("honorary-remove-form")
			adm.shownWithFocus("honorary-done")
			if got := adm.text("#honorary-done"); !strings.Contains(got, w["removed"]) {
				t.Errorf("confirmation %q", got)
			}
			adm.axe("members, honorary office removed")
			adm.checkClean()

			tb.do(chromedp.Reload())
			tb.visible("#content") // shown once the register's part is read too
			if tb.eval(`String(document.getElementById('register').hidden)`) != "true" || tb.eval(`String(!!document.getElementById('street-register'))`) != "false" {
				t.Error("the register's part still shows after the office was removed")
			}
			tb.axe("profile, no office")
			tb.checkClean()
		})
	}
}
