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

	"kontor/shared/contact/contactapi"
	"kontor/shared/httpapi"
	"kontor/shared/identity/identityapi"
	"kontor/shared/insurance/insuranceapi"
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
	} {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

func phrase(r ratelimit.Rule) string {
	w := "hour"
	if r.Window != time.Hour {
		w = fmt.Sprintf("%d minutes", int(r.Window.Minutes()))
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
			if r.Name != ratelimit.MailPerClient.Name && !strings.Contains(limit, phrase(r)) {
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
	if !strings.Contains(string(raw), phrase(ratelimit.MailPerClient)) || !strings.Contains(string(raw), phrase(ratelimit.MailToAddress)) {
		t.Error("docs/limits.md does not state the mail limits per client and per address")
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
	for k, r := range routes {
		if r.Access == httpapi.Public && strings.HasPrefix(k, "POST ") && len(r.Limits) == 0 && k != "POST /v1/sessions" {
			t.Errorf("public %s stores or sends without a limit", k)
		}
	}
}
