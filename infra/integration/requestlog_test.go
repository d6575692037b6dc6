package integration

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/ids"
	"kontor/shared/requestlog"
	"kontor/shared/requestlog/requestlogdb"
)

type statsDoc struct {
	Mode string                `json:"mode"`
	Days []requestlog.DayStats `json:"days"`
}

func stats(t *testing.T, admin *client, from, to string) statsDoc {
	t.Helper()
	r := admin.do(http.MethodGet, "/v1/admin/stats?from="+from+"&to="+to, nil)
	want(t, r, http.StatusOK)
	var s statsDoc
	r.json(t, &s)
	return s
}

func routeCount(d requestlog.DayStats, route, class string) int64 {
	for _, r := range d.Routes {
		if r.Route == route && r.StatusClass == class {
			return r.Count
		}
	}
	return 0
}

func named(list []requestlog.NamedCount, name string) int64 {
	for _, n := range list {
		if n.Name == name {
			return n.Count
		}
	}
	return 0
}

func aggregate(t *testing.T) {
	t.Helper()
	if err := stack.TriggerSchedule(context.Background(), "RequestLogFunction"); err != nil {
		t.Fatalf("aggregation: %v", err)
	}
}

// rawArrived waits until the raw records of ip number want (the capture writes
// each record just after its response), at most 10 s, and returns the last count.
func rawArrived(t *testing.T, ip string, want int) int {
	t.Helper()
	n := 0
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if n = rawWithIP(t, ip); n >= want || time.Now().After(end) {
			return n
		}
	}
}

// rawWithIP counts the raw request records of any day that hold an address.
func rawWithIP(t *testing.T, ip string) int {
	t.Helper()
	out, err := db().Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(stack.Name("RequestLogTable")), ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(toJSON(t, out.Items), `"`+ip+`"`)
}

// Promise: HGK-14 — browser data is aggregated within 24 hours and then deleted.
// Promise: HGK-13 — distinct visitors per viewed resource and date, without usage profiles.
// Promise: HKC-11 — feature usage counted without personal reference.
// Promise: CP-2 — server log entries only until automated deletion.
func TestRequestsAreAggregatedAndRawRecordsDeleted(t *testing.T) {
	admin := adminClient(t)
	aggregate(t)
	today := time.Now().UTC().Format("2006-01-02")
	before := stats(t, admin, today, today).Days[0]

	traffic := []struct {
		ip, ua string
		n      int
	}{{"127.0.0.11", "Firefox/140", 3}, {"127.0.0.12", "Safari/19", 1}, {"127.0.0.13", "Firefox/140", 2}, {"127.0.0.11", "Chrome/150", 1}}
	for _, tr := range traffic {
		c := newClientFrom(t, tr.ip)
		for range tr.n {
			r := c.raw(http.MethodGet, "/v1/privacy/processing", "", nil, map[string]string{"User-Agent": tr.ua, "Referer": "https://search.example/?q=kontor"})
			want(t, r, http.StatusOK)
		}
	}
	bad := newClientFrom(t, "127.0.0.14")
	want(t, bad.do(http.MethodGet, "/v1/me", nil), http.StatusUnauthorized, "unauthenticated")
	if n := rawArrived(t, "127.0.0.11", 4); n != 4 {
		t.Fatalf("raw records not captured: %d", n)
	}
	// Every record is in before the aggregation runs.
	for ip, n := range map[string]int{"127.0.0.12": 1, "127.0.0.13": 2, "127.0.0.14": 1} {
		if got := rawArrived(t, ip, n); got < n {
			t.Fatalf("raw records of %s: %d, want %d", ip, got, n)
		}
	}

	aggregate(t)
	after := stats(t, admin, today, today).Days[0]
	if d := routeCount(after, "GET /v1/privacy/processing", "2xx") - routeCount(before, "GET /v1/privacy/processing", "2xx"); d != 7 {
		t.Fatalf("processing requests counted %d, want 7", d)
	}
	if d := routeCount(after, "GET /v1/me", "4xx") - routeCount(before, "GET /v1/me", "4xx"); d != 1 {
		t.Fatalf("failed /v1/me counted %d, want 1", d)
	}
	// Four distinct clients (address and browser): .11 twice with different browsers.
	if d := named(after.Visitors, "/v1/privacy/processing") - named(before.Visitors, "/v1/privacy/processing"); d != 4 {
		t.Fatalf("distinct visitors +%d, want +4", d)
	}
	if d := named(after.Features, "processing") - named(before.Features, "processing"); d != 7 {
		t.Fatalf("feature usage +%d, want +7", d)
	}
	for _, ip := range []string{"127.0.0.11", "127.0.0.12", "127.0.0.13", "127.0.0.14"} {
		if n := rawWithIP(t, ip); n != 0 {
			t.Fatalf("%d raw records of %s survive aggregation", n, ip)
		}
	}
	if strings.Contains(toJSON(t, after), "127.0.0.") || strings.Contains(toJSON(t, after), "Firefox") {
		t.Fatal("statistics hold client data")
	}
}

// A run that was skipped leaves raw records of earlier days; the next run counts and
// deletes them, closes those days, and deletes their salt and visitor pseudonyms, so
// no identifier outlives its day.
func TestSkippedRunIsCaughtUpAndDailySaltIsDeleted(t *testing.T) {
	now := time.Now().UTC()
	rec := &requestlogdb.Recorder{DB: db(), Table: stack.Name("RequestLogTable"), Retention: 24 * time.Hour}
	for i, at := range []time.Time{now.AddDate(0, 0, -3), now.AddDate(0, 0, -2), now.AddDate(0, 0, -2)} {
		raw := requestlog.Raw{At: at, IP: "127.0.0.21", Method: "GET", Route: "GET /v1/privacy/processing", Resource: "/v1/privacy/processing",
			Status: 200, UA: "Old/1", ID: ids.NewV7(at) + string(rune('a'+i)), Feature: "processing"}
		if err := rec.Record(context.Background(), raw); err != nil {
			t.Fatal(err)
		}
	}
	// The raw records' TTL has passed (they are older than 24 hours): reads and the
	// aggregator still count them before deleting.
	aggregate(t)
	if n := rawWithIP(t, "127.0.0.21"); n != 0 {
		t.Fatalf("%d old raw records survive", n)
	}
	admin := adminClient(t)
	days := stats(t, admin, now.AddDate(0, 0, -3).Format("2006-01-02"), now.AddDate(0, 0, -2).Format("2006-01-02")).Days
	if len(days) != 2 || routeCount(days[0], "GET /v1/privacy/processing", "2xx") != 1 || routeCount(days[1], "GET /v1/privacy/processing", "2xx") != 2 {
		t.Fatalf("caught-up days %+v", days)
	}
	if !days[0].Closed || !days[1].Closed || named(days[1].Visitors, "/v1/privacy/processing") != 1 {
		t.Fatalf("days not closed with their visitor counts: %+v", days)
	}
	for _, d := range days {
		for _, pk := range []string{"SALT#" + d.Day, "VISITIDX#" + d.Day, "VISIT#" + d.Day + "#/v1/privacy/processing"} {
			out, err := db().Query(context.Background(), &dynamodb.QueryInput{
				TableName: aws.String(stack.Name("RequestLogTable")), ConsistentRead: aws.Bool(true),
				KeyConditionExpression:    aws.String("pk = :pk"),
				ExpressionAttributeValues: map[string]typesAV{":pk": sAV(pk)},
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Items) != 0 {
				t.Errorf("%s still holds %d items after the day closed", pk, len(out.Items))
			}
		}
	}
}

// Promise: HGK-12 — logging in records the IP address and time, only as evidence: admin-only, audited.
func TestLoginEvidenceIsAdminOnlyAndAudited(t *testing.T) {
	c, _ := signUp(t, "evidence")
	p := profile(t, c)
	want(t, c.do(http.MethodGet, "/v1/admin/evidence/"+p.ID, nil), http.StatusForbidden, "forbidden")
	want(t, c.do(http.MethodGet, "/v1/admin/stats", nil), http.StatusForbidden, "forbidden")
	admin := adminClient(t)
	r := admin.do(http.MethodGet, "/v1/admin/evidence/"+p.ID, nil)
	want(t, r, http.StatusOK)
	var ev struct {
		Records []struct {
			Event string    `json:"event"`
			IP    string    `json:"ip"`
			At    time.Time `json:"at"`
		} `json:"records"`
	}
	r.json(t, &ev)
	if len(ev.Records) != 1 || ev.Records[0].Event != "login" || ev.Records[0].IP != c.ip || time.Since(ev.Records[0].At) > time.Minute {
		t.Fatalf("evidence %+v", ev)
	}
	entries, err := privacyStore().AuditFor(context.Background(), p.ID, time.Now())
	if err != nil || len(entries) != 1 || entries[0].Action != "evidence.read" {
		t.Fatalf("read not audited: %+v %v", entries, err)
	}
	// The person sees it in their export.
	d := export(t, c)
	found := false
	for _, cat := range d.Categories {
		if cat.ID == "evidence.events" && strings.Contains(toJSON(t, cat.Data), `"`+c.ip+`"`) {
			found = true
		}
	}
	if !found {
		t.Fatal("evidence missing from the export")
	}
	// Raw records are not readable outside security mode.
	want(t, admin.do(http.MethodGet, "/v1/admin/request-logs?day="+time.Now().UTC().Format("2006-01-02"), nil), http.StatusNotFound, "not_found")
	want(t, admin.do(http.MethodGet, "/v1/admin/stats?from=2026-01-01&to=2025-01-01", nil), http.StatusBadRequest, "validation_failed")
}

// A page with a mailed link's token in its address must not leave the token in the
// request log through the next request's Referer: the raw record keeps the referring
// origin only, and every response asks the browser to send no referrer at all.
func TestRawLogKeepsOnlyTheReferringOrigin(t *testing.T) {
	const ip = "127.0.0.16"
	c := newClientFrom(t, ip)
	r := c.raw(http.MethodGet, "/v1/privacy/processing", "", nil, map[string]string{"Referer": "https://portal.example/password/reset?token=Zm9vYmFyYmF6cXV4"})
	want(t, r, http.StatusOK)
	if r.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("Referrer-Policy %q", r.Header.Get("Referrer-Policy"))
	}
	n := rawArrived(t, ip, 1)
	out, err := db().Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(stack.Name("RequestLogTable")), ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	all := toJSON(t, out.Items)
	if n != 1 || !strings.Contains(all, "https://portal.example/") {
		t.Fatalf("the request's raw record with its referring origin is missing: %d records of %s", n, ip)
	}
	// The route key "POST /v1/password/reset" of other tests' records may be there;
	// the referrer's path may not.
	if strings.Contains(all, "Zm9vYmFyYmF6cXV4") || strings.Contains(all, "portal.example/password") {
		t.Fatal("the referrer's path or token reached the request log")
	}
}
