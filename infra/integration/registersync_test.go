package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"kontor/shared/network"
)

// registerSeq makes each test's register numbers unique within a run.
var registerSeq atomic.Int64

// newRegisterNumber is a fresh, well-formed register number.
func newRegisterNumber() string {
	return fmt.Sprintf("Amtsgericht Hamburg HRB %d", 100000+time.Now().UnixNano()%800000+registerSeq.Add(1))
}

// company is a company of the stand-in register.
func company(street, city, website string) map[string]any {
	return map[string]any{"name": "Großmann Handel GmbH", "street": street, "houseNumber": "7", "postalCode": "20095", "city": city,
		"country": "DE", "website": website, "phone": "+49 40 1234-0"}
}

// putCompany sets a company in the stand-in register (with "fail" to make it fail).
func putCompany(t *testing.T, number string, c map[string]any) {
	t.Helper()
	body, _ := json.Marshal(c)
	req, _ := http.NewRequest(http.MethodPut, stack.APIURL+"/_local/register/companies/"+url.PathEscape(number), bytes.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("stand-in register: %d", resp.StatusCode)
	}
}

// asked is how often the stand-in register answered for number.
func asked(t *testing.T, number string) int {
	t.Helper()
	var c struct{ Asked int }
	getJSON(t, stack.APIURL+"/_local/register/companies/"+url.PathEscape(number), &c)
	return c.Asked
}

// syncRegister runs the register sync function once with the event (the
// schedule's when nil) and returns what it did.
func syncRegister(t *testing.T, event any) network.SyncResult {
	t.Helper()
	payload := []byte(`{"detail-type":"Scheduled Event","source":"aws.scheduler","detail":{}}`)
	if event != nil {
		payload, _ = json.Marshal(event)
	}
	out, err := stack.Invoke(context.Background(), "RegisterSyncFunction", payload)
	if err != nil {
		t.Fatalf("register sync: %v", err)
	}
	var res network.SyncResult
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("register sync answered %s", out)
	}
	return res
}

// honoraryMember is a network member with a complete profile, an honorary
// office for a fresh register number, and the register's company for it.
func honoraryMember(t *testing.T, staff *client, first string) (*client, string, string) {
	t.Helper()
	c, id := groupMember(t, first)
	number := newRegisterNumber()
	putCompany(t, number, company("Adolphsplatz", "Hamburg", "https://grossmann.example"))
	r := staff.do(http.MethodPut, "/v1/admin/members/"+id+"/honorary-office", map[string]any{"registerNumber": number})
	want(t, r, http.StatusCreated)
	return c, id, number
}

// registerView is the member's view of what the register set.
func registerView(t *testing.T, c *client) network.RegisterView {
	t.Helper()
	r := c.do(http.MethodGet, "/v1/me/profile/register", nil)
	want(t, r, http.StatusOK)
	var v network.RegisterView
	r.json(t, &v)
	return v
}

// Promise: HKC-10 — staff record an honorary office with the company's register
// number (checked for its form; staff and admin only; audited); a member without
// a profile, an unknown id and someone else signed in are refused; the member
// sees the office in their profile's register view, another member cannot set it.
func TestRegisterHonoraryOfficeIsStaffsToSet(t *testing.T) {
	staff := staffClient(t)
	member, id := groupMember(t, "Hanna")
	other, _ := groupMember(t, "Otto")
	path := "/v1/admin/members/" + id + "/honorary-office"
	for _, bad := range []string{"", "HRB 12345", "Amtsgericht Hamburg HRX 12345", "Amtsgericht Hamburg HRB 012345", "Amtsgericht Hamburg HRB 12345 b",
		"<script>alert(1)</script> HRB 1", "Amtsgericht Hamburg HRB 123456789"} {
		want(t, staff.do(http.MethodPut, path, map[string]any{"registerNumber": bad}), http.StatusBadRequest, "validation_failed")
	}
	r := staff.do(http.MethodPut, path, map[string]any{"registerNumber": "Amtsgericht"})
	if !strings.Contains(string(r.Body), "invalid_register_number") {
		t.Fatalf("field code not named: %s", r.Body)
	}
	want(t, other.do(http.MethodPut, path, map[string]any{"registerNumber": "Amtsgericht Hamburg HRB 12345"}), http.StatusForbidden, "forbidden")
	want(t, member.do(http.MethodGet, path, nil), http.StatusForbidden, "forbidden")
	want(t, staff.do(http.MethodGet, path, nil), http.StatusNotFound, "not_found")
	want(t, staff.do(http.MethodPut, "/v1/admin/members/not-an-id/honorary-office", map[string]any{"registerNumber": "Amtsgericht Hamburg HRB 12345"}), http.StatusNotFound)
	noProfile := invited(t, "network")
	want(t, staff.do(http.MethodPut, "/v1/admin/members/"+profile(t, noProfile).ID+"/honorary-office",
		map[string]any{"registerNumber": "Amtsgericht Hamburg HRB 12345"}), http.StatusNotFound, "not_found")

	want(t, staff.do(http.MethodPut, path, map[string]any{"registerNumber": "  Amtsgericht  Hamburg   HRB 12345 B "}), http.StatusCreated)
	want(t, staff.do(http.MethodPut, path, map[string]any{"registerNumber": "Amtsgericht Hamburg HRB 12345 B"}), http.StatusOK)
	r = staff.do(http.MethodGet, path, nil)
	want(t, r, http.StatusOK)
	if o := object(t, r); o["registerNumber"] != "Amtsgericht Hamburg HRB 12345 B" {
		t.Fatalf("office %v", o)
	}
	if v := registerView(t, member); !v.HonoraryOffice || v.RegisterNumber != "Amtsgericht Hamburg HRB 12345 B" || len(v.History) != 0 {
		t.Fatalf("member's view %+v", v)
	}
	if v := registerView(t, other); v.HonoraryOffice || len(v.Sources) != 0 {
		t.Fatalf("another member's view %+v", v)
	}
	// Not a network member: the member's view is hidden, as every network route.
	want(t, staff.do(http.MethodGet, "/v1/me/profile/register", nil), http.StatusNotFound, "not_found")
	want(t, staff.do(http.MethodDelete, path, nil), http.StatusNoContent)
	want(t, staff.do(http.MethodDelete, path, nil), http.StatusNoContent)
	want(t, staff.do(http.MethodGet, path, nil), http.StatusNotFound, "not_found")
}

// Promise: HKC-10 — the daily sync takes over what the register changed in an
// honorary office holder's company details, and only those: the name, role,
// fax, contact address, birthdate and its visibility stay; each detail taken
// over shows "from the register" with its date and a history item (old and new
// value); the member gets one mail naming the changes, in their language. A run
// again changes nothing and mails nothing; a later change of the register is
// taken over in turn. A member without an office is never asked about.
func TestRegisterSyncTakesOverWhatTheRegisterChanged(t *testing.T) {
	staff := staffClient(t)
	member, _, number := honoraryMember(t, staff, "Rita")
	want(t, member.do(http.MethodPatch, "/v1/me", map[string]any{"language": "de"}), http.StatusOK)
	want(t, patchProfile(t, member, map[string]any{"birthdate": "1970-05-01", "birthdateVisible": false}), http.StatusOK)
	bystander, _ := groupMember(t, "Bert")
	bystanderNumber := newRegisterNumber()
	putCompany(t, bystanderNumber, company("Elsewhere", "Bremen", "https://elsewhere.example"))
	before, beforeBystander := myNetworkProfile(t, member), myNetworkProfile(t, bystander)
	email := profile(t, member).Email

	putCompany(t, number, company("Ballindamm", "Hamburg", "https://grossmann-handel.example"))
	syncRegister(t, nil)
	after := myNetworkProfile(t, member)
	if after["street"] != "Ballindamm" || after["houseNumber"] != "7" || after["postalCode"] != "20095" || after["companyWebsite"] != "https://grossmann-handel.example" ||
		after["phone"] != "+49 40 1234-0" {
		t.Fatalf("register's details not taken over: %v", after)
	}
	for _, f := range []string{"firstName", "lastName", "gender", "roleInCompany", "fax", "email", "birthdate", "birthdateVisible", "company", "city", "country"} {
		if after[f] != before[f] {
			t.Errorf("%s changed from %v to %v", f, before[f], after[f])
		}
	}
	if after["version"].(float64) != before["version"].(float64)+1 {
		t.Fatalf("version %v after %v: want one change", after["version"], before["version"])
	}
	v := registerView(t, member)
	changed := map[string]bool{}
	for _, h := range v.History {
		changed[h.Field] = true
		if h.Field == "street" && (h.Old != "Adolphsplatz" || h.New != "Ballindamm") {
			t.Errorf("history of street: %+v", h)
		}
	}
	for _, f := range []string{"street", "houseNumber", "postalCode", "companyWebsite", "phone"} {
		if !changed[f] || v.Sources[f].IsZero() {
			t.Errorf("%s: no history item or mark (%+v)", f, v)
		}
	}
	if len(v.History) != 5 || changed["company"] || !v.Sources["company"].IsZero() {
		t.Fatalf("history holds what did not change: %+v", v.History)
	}
	m := mailTo(t, email, "Handelsregister")
	if !strings.Contains(m.Text, "Straße: Adolphsplatz → Ballindamm") || !strings.Contains(m.Text, "/de/network/profile") {
		t.Fatalf("mail: %s", m.Text)
	}
	mails := mailCount(t, email)

	syncRegister(t, nil)
	again := myNetworkProfile(t, member)
	if again["version"] != after["version"] || len(registerView(t, member).History) != 5 {
		t.Fatalf("a second run changed something: %v", again)
	}
	time.Sleep(time.Second)
	if n := mailCount(t, email); n != mails {
		t.Fatalf("a second run mailed again (%d mails, were %d)", n, mails)
	}

	putCompany(t, number, company("Ballindamm", "Hamburg-Altstadt", "https://grossmann-handel.example"))
	syncRegister(t, nil)
	if p := myNetworkProfile(t, member); p["city"] != "Hamburg-Altstadt" || p["street"] != "Ballindamm" {
		t.Fatalf("later change not taken over: %v", p)
	}
	if v := registerView(t, member); len(v.History) != 6 || v.History[0].Field != "city" {
		t.Fatalf("history after the second change: %+v", v.History)
	}
	waitForMails(t, email, mails+1)

	if asked(t, bystanderNumber) != 0 {
		t.Fatal("the register was asked about a member without an office")
	}
	if p := myNetworkProfile(t, bystander); p["version"] != beforeBystander["version"] || p["street"] != beforeBystander["street"] {
		t.Fatalf("a member without an office changed: %v", p)
	}
}

// Promise: HKC-10 — a register that is down, slow (past the client's timeout),
// answers garbage (not JSON, broken JSON, an HTML page, a redirect, an oversized
// body), answers for another register number (a forged or mixed-up answer), no
// longer knows the number, or gives details the profile's own rules refuse,
// changes nothing: no detail, no history, no mail; the failure is recorded for
// staff by its reason. The next run with a register that works takes the change
// over.
func TestRegisterSyncFailingRegisterChangesNothing(t *testing.T) {
	staff := staffClient(t)
	member, id, number := honoraryMember(t, staff, "Frieda")
	email := profile(t, member).Email
	syncRegister(t, nil)
	mailTo(t, email, "commercial register") // the first run's changes
	before, mails, history := myNetworkProfile(t, member), mailCount(t, email), len(registerView(t, member).History)
	changed := company("Mönckebergstraße", "Hamburg", "https://grossmann.example")
	cases := []struct{ fail, reason string }{
		{"down", "unavailable"},
		{"slow", "timeout"},
		{"garbage", "invalid_json"},
		{"html", "not_json"},
		{"redirect", "redirect"},
		{"oversized", "oversized"},
		{"wrong-number", "wrong_number"},
		{"invalid-website", "invalid_fields"},
		{"invalid-postal-code", "invalid_fields"},
		{"gone", "unknown_number"},
	}
	for _, tc := range cases {
		c := map[string]any{}
		for k, v := range changed {
			c[k] = v
		}
		switch tc.fail {
		case "invalid-website":
			c["website"] = "javascript:alert(1)"
		case "invalid-postal-code":
			c["postalCode"] = "ABCDE"
		case "gone":
			req, _ := http.NewRequest(http.MethodDelete, stack.APIURL+"/_local/register/companies/"+url.PathEscape(number), nil)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_ = resp.Body.Close()
		case "slow":
			c["fail"], c["delaySeconds"] = "slow", 30
		default:
			c["fail"] = tc.fail
		}
		if tc.fail != "gone" {
			putCompany(t, number, c)
		}
		res := syncRegister(t, nil)
		if res.Failed == 0 || !res.Done {
			t.Errorf("%s: run %+v", tc.fail, res)
		}
		p := myNetworkProfile(t, member)
		if p["version"] != before["version"] || p["street"] != before["street"] || p["companyWebsite"] != before["companyWebsite"] {
			t.Fatalf("%s: the profile changed: %v", tc.fail, p)
		}
		if v := registerView(t, member); len(v.History) != history {
			t.Fatalf("%s: history %+v", tc.fail, v.History)
		}
		r := staff.do(http.MethodGet, "/v1/admin/members/"+id+"/honorary-office", nil)
		want(t, r, http.StatusOK)
		if o := object(t, r); o["failure"] != tc.reason {
			t.Errorf("%s: recorded %v, want %s", tc.fail, o["failure"], tc.reason)
		}
	}
	if n := mailCount(t, email); n != mails {
		t.Fatalf("a failing register caused %d mails", n-mails)
	}
	putCompany(t, number, changed)
	syncRegister(t, nil)
	if p := myNetworkProfile(t, member); p["street"] != "Mönckebergstraße" {
		t.Fatalf("the register working again changed nothing: %v", p)
	}
	r := staff.do(http.MethodGet, "/v1/admin/members/"+id+"/honorary-office", nil)
	if o := object(t, r); o["failures"].(float64) != 0 || o["failure"] != nil {
		t.Fatalf("failures not cleared: %v", o)
	}
	waitForMails(t, email, mails+1)
}

// waitForMails waits until addr got n mails in all, and fails if it gets a
// different number.
func waitForMails(t *testing.T, addr string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for mailCount(t, addr) < n && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	if got := mailCount(t, addr); got != n {
		t.Fatalf("%d mails to the member, want %d", got, n)
	}
}

// Promise: HKC-10 — a run stopped half way goes on where it stopped: no member
// is asked twice and none is skipped; and a change the member made to a detail
// the register does not manage stays through a run that takes over the
// register's.
func TestRegisterSyncResumesWhereARunStopped(t *testing.T) {
	staff := staffClient(t)
	syncRegister(t, nil) // no earlier run left unfinished
	type holder struct {
		c      *client
		number string
	}
	var hs []holder
	for _, name := range []string{"Anna", "Bruno", "Carla"} {
		c, _, number := honoraryMember(t, staff, name)
		hs = append(hs, holder{c, number})
	}
	for _, h := range hs {
		putCompany(t, h.number, company("Jungfernstieg", "Hamburg", "https://grossmann.example"))
	}
	counts := map[string]int{}
	for _, h := range hs {
		counts[h.number] = asked(t, h.number)
	}
	first := syncRegister(t, map[string]any{"limit": 1})
	if first.Done || first.Members != 1 {
		t.Fatalf("partial run: %+v", first)
	}
	rest := syncRegister(t, nil)
	if !rest.Done {
		t.Fatalf("the rest: %+v", rest)
	}
	for _, h := range hs {
		if n := asked(t, h.number) - counts[h.number]; n != 1 {
			t.Errorf("%s asked %d times over the two runs", h.number, n)
		}
		if p := myNetworkProfile(t, h.c); p["street"] != "Jungfernstieg" {
			t.Errorf("not synced: %v", p)
		}
	}
	want(t, patchProfile(t, hs[0].c, map[string]any{"roleInCompany": "Prokuristin"}), http.StatusOK)
	putCompany(t, hs[0].number, company("Neuer Wall", "Hamburg", "https://grossmann.example"))
	syncRegister(t, nil)
	if p := myNetworkProfile(t, hs[0].c); p["roleInCompany"] != "Prokuristin" || p["street"] != "Neuer Wall" {
		t.Fatalf("after the member's change and a run: %v", p)
	}
}

// Promise: HKC-10 — removing the office stops the sync (the register is not
// asked again and the profile stays) and deletes its marks and history.
// Promise: HKC-14 — the export holds the office and the history; the
// deactivation deletes them, and nothing of the network table names the person.
func TestRegisterSyncEndsWithTheOfficeAndTheAccount(t *testing.T) {
	staff := staffClient(t)
	member, id, number := honoraryMember(t, staff, "Ulrike")
	putCompany(t, number, company("Große Bleichen", "Hamburg", "https://grossmann.example"))
	syncRegister(t, nil)
	if len(registerView(t, member).History) == 0 {
		t.Fatal("no history to remove")
	}
	want(t, staff.do(http.MethodDelete, "/v1/admin/members/"+id+"/honorary-office", nil), http.StatusNoContent)
	if v := registerView(t, member); v.HonoraryOffice || len(v.History) != 0 || len(v.Sources) != 0 {
		t.Fatalf("after removal: %+v", v)
	}
	n, p := asked(t, number), myNetworkProfile(t, member)
	putCompany(t, number, company("Anderswo", "Hamburg", "https://grossmann.example"))
	syncRegister(t, nil)
	if asked(t, number) != n {
		t.Fatal("the register was asked after the office was removed")
	}
	if q := myNetworkProfile(t, member); q["version"] != p["version"] || q["street"] != "Große Bleichen" {
		t.Fatalf("the profile changed after the office was removed: %v", q)
	}

	leaver, leaverID, leaverNumber := honoraryMember(t, staff, "Lotte")
	putCompany(t, leaverNumber, company("Spitalerstraße", "Hamburg", "https://grossmann.example"))
	syncRegister(t, nil)
	found := false
	for _, cat := range export(t, leaver).Categories {
		if cat.ID == network.KindRegister {
			s := toJSON(t, cat.Data)
			found = strings.Contains(s, leaverNumber) && strings.Contains(s, "Spitalerstraße")
		}
	}
	if !found {
		t.Fatal("the export lacks the office or its history")
	}
	want(t, leaver.do(http.MethodDelete, "/v1/me", nil), http.StatusOK)
	if hits := scanFor(t, "NetworkTable", leaverID, leaverNumber); len(hits) > 0 {
		t.Fatalf("the network table still names the former member: %v", hits)
	}
	n = asked(t, leaverNumber)
	syncRegister(t, nil)
	if asked(t, leaverNumber) != n {
		t.Fatal("the register was asked about a deactivated member")
	}
}

// Promise: HKC-10 — a member who restricted the processing of their data (Art.
// 18, HKC-16) is left out of the run: the register is not asked about them and
// nothing of their profile changes; once the restriction is lifted the next run
// takes the register's change over.
func TestRegisterSyncLeavesOutARestrictedMember(t *testing.T) {
	staff := staffClient(t)
	member, _, number := honoraryMember(t, staff, "Renate")
	syncRegister(t, nil)
	want(t, member.do(http.MethodPut, "/v1/me/restriction", nil), http.StatusOK)
	putCompany(t, number, company("Rathausmarkt", "Hamburg", "https://grossmann.example"))
	n, before := asked(t, number), myNetworkProfile(t, member)
	if res := syncRegister(t, nil); res.Restricted == 0 {
		t.Fatalf("no member left out: %+v", res)
	}
	if asked(t, number) != n {
		t.Fatal("the register was asked about a member who restricted processing")
	}
	if p := myNetworkProfile(t, member); p["version"] != before["version"] || p["street"] == "Rathausmarkt" {
		t.Fatalf("a restricted member's profile changed: %v", p)
	}
	want(t, member.do(http.MethodDelete, "/v1/me/restriction", nil), http.StatusOK)
	syncRegister(t, nil)
	if p := myNetworkProfile(t, member); p["street"] != "Rathausmarkt" {
		t.Fatalf("after the restriction was lifted: %v", p)
	}
}
