package browsertest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/chromedp/chromedp"

	"kontor/shared/identity/identitywire"
	"kontor/shared/ids"
	"kontor/shared/requestlog"
	"kontor/shared/requestlog/requestlogdb"
)

// dynamoDB is the stack's emulated DynamoDB.
func dynamoDB(t *testing.T) *dynamodb.Client {
	t.Helper()
	cfg, err := stack.AWSConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return dynamodb.NewFromConfig(cfg)
}

// signInAdmin signs the tab in as the local stack's administrator, created as
// `make run` creates it (identitywire.SeedLocalAdmin) unless it exists.
func (tb *tab) signInAdmin(lang string) {
	tb.t.Helper()
	cfg, err := stack.AWSConfig(context.Background())
	if err != nil {
		tb.t.Fatal(err)
	}
	if _, err := identitywire.SeedLocalAdmin(context.Background(), cfg, stack.Name("IdentityTable")); err != nil {
		tb.t.Fatal(err)
	}
	tb.signIn(lang, identitywire.LocalAdminEmail, identitywire.LocalAdminPassword)
}

// accountID signs in to addr through the API, from a loopback address of its
// own, and returns the account's id (GET /v1/me).
func accountID(t *testing.T, addr string) string {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Transport: ownClient()}
	var csrf struct{ CsrfToken string }
	res, err := c.Get(base + "/v1/csrf")
	if err != nil {
		t.Fatal(err)
	}
	_ = json.NewDecoder(res.Body).Decode(&csrf)
	_ = res.Body.Close()
	req, _ := http.NewRequest(http.MethodPost, base+"/v1/sessions", strings.NewReader(`{"email":`+strconv.Quote(addr)+`,"password":`+strconv.Quote(password)+`}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", csrf.CsrfToken)
	if res, err = c.Do(req); err != nil || res.StatusCode != http.StatusCreated && res.StatusCode != http.StatusOK {
		t.Fatalf("sign in %s: %v %v", addr, res, err)
	}
	_ = res.Body.Close()
	if res, err = c.Get(base + "/v1/me"); err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var me struct{ ID string }
	if err := json.NewDecoder(res.Body).Decode(&me); err != nil || me.ID == "" {
		t.Fatalf("GET /v1/me: %d %v", res.StatusCode, err)
	}
	return me.ID
}

// An administrator places a legal hold (an empty form first), sees it listed;
// a second hold on the same person is refused inline; the hold is lifted after
// a confirmation.
func TestAdminPlacesAndLiftsALegalHold(t *testing.T) {
	exists := map[string]string{"de": "schon eine Sperre", "en": "already has a hold"}
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			id := accountID(t, activeAccount(t, l.lang))
			tb := openTab(t, l.accept)
			tb.signInAdmin(l.lang)
			tb.do(chromedp.Navigate(base + "/" + l.lang + "/admin/holds"))
			tb.visible("#place-form")
			tb.axe("holds")

			tb.submit("place-form")
			tb.summary()
			// The API names the first missing field; the summary links to it.
			tb.visible("#place-form .field-invalid")
			if tb.eval(`String(document.querySelectorAll('#error-summary a[href^="#"]').length)`) == "0" {
				t.Error("the summary links no field")
			}
			tb.axe("holds, empty form")

			tb.fill("accountId", id)
			tb.fill("reason", "Court case 4711")
			tb.submit("place-form")
			tb.visible("#place-done")
			if f := tb.focused(); f != "place-done" {
				t.Errorf("focus on %q, want the confirmation", f)
			}
			if got := tb.text("#holds"); !strings.Contains(got, id) || !strings.Contains(got, "Court case 4711") {
				t.Fatalf("hold not listed: %q", got)
			}
			tb.axe("holds, placed")

			tb.fill("accountId", id)
			tb.fill("reason", "Again")
			tb.submit("place-form")
			if got := tb.summary(); !strings.Contains(got, exists[l.lang]) {
				t.Errorf("summary %q, want it to say the hold exists", got)
			}
			if got := tb.text("#accountId-error"); !strings.Contains(got, exists[l.lang]) {
				t.Errorf("inline error %q", got)
			}
			if tb.value("reason") != "Again" {
				t.Error("the reason typed was not kept")
			}
			tb.axe("holds, second hold refused")

			tb.do(chromedp.Click(css(`button[aria-describedby="hold-` + id + `"]`)))
			tb.visible("#lift")
			if f := tb.focused(); f != "lift" {
				t.Errorf("focus on %q, want the confirmation", f)
			}
			if !strings.Contains(tb.text("#lift-title"), id) {
				t.Errorf("confirmation names %q", tb.text("#lift-title"))
			}
			tb.axe("holds, lift confirmation")
			tb.fill("liftReason", "Case closed")
			tb.submit("lift-form")
			tb.visible("#lift-done")
			if strings.Contains(tb.text("#holds"), id) {
				t.Error("lifted hold still listed")
			}
			tb.axe("holds, lifted")
		})
	}
}

// seedStats records raw requests on the two days before today (the aggregation
// visits the last three days) and runs the aggregation, as the request log does
// with real traffic, and returns the days.
func seedStats(t *testing.T) []string {
	t.Helper()
	rec := &requestlogdb.Recorder{DB: dynamoDB(t), Table: stack.Name("RequestLogTable"), Retention: 24 * time.Hour}
	now := time.Now().UTC()
	var days []string
	n := 0
	add := func(at time.Time, ip, route, resource, feature string, status int) {
		n++
		raw := requestlog.Raw{At: at, IP: ip, Method: "GET", Route: route, Resource: resource, Status: status, UA: "Test/1",
			ID: ids.NewV7(at) + strconv.Itoa(n), Feature: feature}
		if err := rec.Record(context.Background(), raw); err != nil {
			t.Fatal(err)
		}
	}
	for i, visitors := range []int{3, 1} {
		at := now.AddDate(0, 0, -2+i)
		days = append(days, at.Format("2006-01-02"))
		for v := range visitors {
			add(at, "127.0.9."+strconv.Itoa(10+v), "GET /v1/privacy/processing", "/v1/privacy/processing", "processing", 200)
		}
	}
	add(now.AddDate(0, 0, -2), "127.0.9.10", "GET /v1/me", "", "me", 401)
	if err := stack.TriggerSchedule(context.Background(), "RequestLogFunction"); err != nil {
		t.Fatal(err)
	}
	return days
}

// The statistics page draws a bar per day, route and feature from the
// aggregated request log, each chart with a text alternative and a table.
func TestAdminStatisticsDrawsCharts(t *testing.T) {
	days := seedStats(t)
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			tb := openTab(t, l.accept)
			tb.signInAdmin(l.lang)
			tb.do(chromedp.Navigate(base+"/"+l.lang+"/admin/statistics?from="+days[0]+"&to="+days[1]), chromedp.WaitVisible(css("#chart-days svg")))
			count := func(sel string) int {
				n, err := strconv.Atoi(tb.eval(`String(document.querySelectorAll(` + jsString(sel) + `).length)`))
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
			for sel, want := range map[string]int{
				"#chart-days rect.bar": 2, "#chart-routes rect.bar": 2, "#chart-features rect.bar": 2,
				"#chart-days tbody tr": 2, "#chart-routes tbody tr": 2, "#chart-features tbody tr": 2,
				"svg[role=img] > title": 3, "svg[role=img] > desc": 3,
			} {
				if got := count(sel); got != want {
					t.Errorf("%s: %d, want %d", sel, got, want)
				}
			}
			if got := tb.eval(`[...document.querySelectorAll('#chart-days tbody td')].map(td => td.textContent).join(',')`); got != "3,1" {
				t.Errorf("visitors per day %q, want 3,1", got)
			}
			if got := tb.eval(`[...document.querySelectorAll('#chart-routes tbody tr')].map(tr => tr.textContent).join('|')`); got != "GET /v1/privacy/processing40|GET /v1/me11" {
				t.Errorf("routes %q", got)
			}
			// The tallest bar is the day with the most visitors.
			if got := tb.eval(`[...document.querySelectorAll('#chart-days rect.bar')].map(r => r.getAttribute('height')).join(',')`); got != "180,60" {
				t.Errorf("bar heights %q", got)
			}
			if v := tb.value("from"); v != days[0] {
				t.Errorf("from shows %q", v)
			}
			tb.axe("statistics")
			tb.screenshot("admin-statistics-" + l.lang)
		})
	}
}

// Someone without the admin or staff role sees that they have no access on
// the admin and staff pages, and no data, in both languages.
func TestAdminPagesSayNoAccessToOthers(t *testing.T) {
	addr := activeAccount(t, "en")
	tb := openTab(t, languages[1].accept)
	tb.signIn("en", addr, password)
	for _, l := range languages {
		for _, p := range []string{"admin/holds", "admin/statistics", "admin/members", "admin/security", "staff/contract-imports", "staff/contact-requests", "staff/letters", "staff/claims", "staff/claim?id=" + uuid()} {
			tb.do(chromedp.Navigate(base+"/"+l.lang+"/"+p), chromedp.WaitVisible(css("#denied")))
			if got := tb.text("#denied"); !strings.Contains(got, map[string]string{"de": "Kein Zugriff", "en": "No access"}[l.lang]) {
				t.Errorf("%s/%s: %q", l.lang, p, got)
			}
			if tb.eval(`String(document.getElementById('content').hidden)`) != "true" {
				t.Errorf("%s/%s: content shown", l.lang, p)
			}
			tb.axe(l.lang + "/" + p + ", no access")
		}
	}
}
