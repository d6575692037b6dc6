package serve_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"kontor/shared/classifieds/classifiedsapi"
	"kontor/shared/contact/contactapi"
	"kontor/shared/httpapi"
	"kontor/shared/identity/identityapi"
	"kontor/shared/insurance/insuranceapi"
	"kontor/shared/network/networkapi"
	"kontor/shared/privacy/privacyapi"
	"kontor/shared/ratelimit"
	"kontor/shared/requestlog/requestlogapi"
)

// allRoutes returns every route of every function.
func allRoutes() map[string]httpapi.Route {
	id, pr := identityapi.Handlers{}, privacyapi.Handlers{}
	out := map[string]httpapi.Route{}
	for _, m := range []map[string]httpapi.Route{
		id.AccountRoutes(), id.MemberRoutes(), id.SessionRoutes(), id.PasswordRoutes(), id.MeRoutes(), id.DeviceRoutes(),
		requestlogapi.Handlers{}.Routes(), insuranceapi.Import{}.Routes(), insuranceapi.Contracts{}.Routes(),
		insuranceapi.Registration{}.Routes(), insuranceapi.Claims{}.Routes(), insuranceapi.Review{}.Routes(),
		contactapi.Handlers{}.Routes(), pr.ExportRoutes(), pr.ConsentRoutes(), pr.ErasureRoutes(), pr.HoldRoutes(), pr.ProcessingRoutes(),
		networkapi.Handlers{}.Routes(), networkapi.Groups{}.Routes(), networkapi.Subscriptions{}.Routes(), networkapi.Messages{}.Routes(),
		networkapi.Handlers{}.Routes(), networkapi.Groups{}.Routes(), networkapi.Subscriptions{}.Routes(),
		networkapi.Connections{}.Routes(), networkapi.Search{}.Routes(),
		networkapi.Register{}.Routes(),
		classifiedsapi.Listings{}.Routes(), classifiedsapi.Watchlist{}.Routes(), classifiedsapi.ListingStats{}.Routes(),
		classifiedsapi.Ratings{}.Routes(), classifiedsapi.Advertiser{}.Routes(),
		classifiedsapi.Photos{}.Routes(), classifiedsapi.Identity{}.Routes(),
		classifiedsapi.Replies{}.Routes(),
		classifiedsapi.ReplyReview{}.Routes(),
		classifiedsapi.Alerts{}.Routes(),
		classifiedsapi.AlertUnsubscribe{}.Routes(),
		classifiedsapi.Plans{}.Routes(), classifiedsapi.PaymentWebhook{}.Routes(), // flat rate and payments
		classifiedsapi.Invoices{}.Routes(),
	} {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

func phrase(r ratelimit.Rule) string {
	w := "hour"
	switch r.Window {
	case time.Hour:
	case time.Minute:
		w = "minute"
	default:
		w = fmt.Sprintf("%d minutes", int(r.Window.Minutes()))
	}
	if r.Scope == ratelimit.Global {
		return fmt.Sprintf("%d from all clients per %s", r.Max, w)
	}
	return fmt.Sprintf("%d per %s per %s", r.Max, r.Scope, w)
}

// docs/limits.md lists every limited route with exactly the rules it applies and
// their numbers, and names no route that applies none (except the sign-in
// throttle, which keeps its own counters).
func TestLimitsDocMatchesRoutes(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "docs", "limits.md"))
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("^\\| `([A-Z]+ /[^`]+)` \\| ([^|]+) \\| ([^|]*) \\|$")
	name := regexp.MustCompile("`([a-z.]+)`")
	documented := map[string]bool{}
	for _, line := range strings.Split(string(raw), "\n") {
		m := row.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		key, limit := m[1], m[2]
		documented[key] = true
		route, ok := allRoutes()[key]
		if !ok {
			t.Errorf("docs/limits.md names %s, which no function serves", key)
			continue
		}
		var names []string
		for _, n := range name.FindAllStringSubmatch(m[3], -1) {
			names = append(names, n[1])
		}
		var want []string
		for _, r := range route.Limits {
			want = append(want, r.Name)
			if r.Name != ratelimit.MailPerClient.Name && r.Name != ratelimit.MailAll.Name && !strings.Contains(limit, phrase(r)) {
				t.Errorf("%s: docs say %q, the rule is %s", key, limit, phrase(r))
			}
		}
		slices.Sort(names)
		slices.Sort(want)
		if len(route.Limits) == 0 && key == "POST /v1/sessions" {
			continue
		}
		if !slices.Equal(names, want) {
			t.Errorf("%s: docs name rules %v, the route applies %v", key, names, want)
		}
	}
	for key, r := range allRoutes() {
		if len(r.Limits) > 0 && !documented[key] {
			t.Errorf("%s applies limits that docs/limits.md does not list", key)
		}
	}
	for _, r := range []ratelimit.Rule{ratelimit.MailPerClient, ratelimit.MailToAddress, ratelimit.MailAll} {
		if !strings.Contains(string(raw), phrase(r)) {
			t.Errorf("docs/limits.md does not state the mail limit %s", phrase(r))
		}
	}
}

// Every route that sends mail, creates an account, takes a password or a token,
// uploads, or stores for an anonymous caller applies a limit.
func TestRoutesThatInviteAbuseAreLimited(t *testing.T) {
	must := []string{
		"POST /v1/accounts", "POST /v1/accounts/confirm", "POST /v1/accounts/email/confirm", "POST /v1/password/forgot",
		"POST /v1/password/reset", "PUT /v1/me/password", "PATCH /v1/me", "POST /v1/me/devices", "POST /v1/sessions/device",
		"POST /v1/admin/members", "POST /v1/admin/holds", "POST /v1/insurance/registrations", "POST /v1/insurance/activations",
		"POST /v1/me/claims/{id}/invoices", "POST /v1/staff/contract-imports", "POST /v1/contact-requests",
	}
	routes := allRoutes()
	for _, k := range must {
		if len(routes[k].Limits) == 0 {
			t.Errorf("%s applies no limit", k)
		}
	}
}

// anonymousWriteExempt are anonymous state-changing routes that keep their own
// bounds instead of the rule, with the reason (docs/limits.md).
var anonymousWriteExempt = map[string]string{
	// Stores a session only after a correct password; failures are throttled per
	// account and client; a global limit would let anyone lock everyone out.
	"POST /v1/sessions": "sign-in throttle (docs/identity.md)",
}

// The rule for anonymous writes (docs/limits.md): every route a caller without a
// session can change something through declares a per-client limit, a global limit
// (one counter for all clients), and a body cap. A new anonymous route without them
// fails here.
func TestAnonymousWritesAreBounded(t *testing.T) {
	n := 0
	for key, r := range allRoutes() {
		method, _, _ := strings.Cut(key, " ")
		if r.Access != httpapi.Public || method == "GET" || method == "HEAD" || method == "OPTIONS" {
			continue
		}
		if _, ok := anonymousWriteExempt[key]; ok {
			continue
		}
		n++
		scopes := map[ratelimit.Scope]bool{}
		for _, l := range r.Limits {
			scopes[l.Scope] = true
		}
		if !scopes[ratelimit.PerClient] {
			t.Errorf("anonymous %s declares no per-client limit", key)
		}
		if !scopes[ratelimit.Global] {
			t.Errorf("anonymous %s declares no global limit", key)
		}
		if r.MaxBody <= 0 || r.MaxBody > httpapi.DefaultMaxBody*4 {
			t.Errorf("anonymous %s declares body cap %d; want one, at most %d bytes", key, r.MaxBody, httpapi.DefaultMaxBody*4)
		}
		// Per client before global: a client past its own limit spends nothing of
		// everyone's budget.
		seenGlobal := false
		for _, l := range r.Limits {
			if l.Scope == ratelimit.Global {
				seenGlobal = true
			} else if seenGlobal {
				t.Errorf("anonymous %s counts %s after a global limit", key, l.Name)
			}
		}
	}
	if n < 9 {
		t.Fatalf("only %d anonymous writes found; the route list is incomplete", n)
	}
}
