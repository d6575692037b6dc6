package web

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// noPage lists every route in openapi.yaml that no page calls, and why: only
// routes no person calls from a browser (an app's, a provider's). A route a person
// or staff member calls ships with its page.
var noPage = map[string]string{
	"POST /v1/identity-confirmation/callback": "called by the identity provider, not a page",
	"POST /v1/payments/webhook":               "called by the payment provider, server to server (HGK-6)",
	"POST /v1/sessions/device":                "called by an app with its device credential (H4U-6), not by a page",
	"POST /v1/insurance/eid/callback":         "called by the eID provider, server to server (H4U-5)",

	"GET /v1/group-subscriptions/unsubscribe":  "the link in a notification mail, opened from the mail program; the API answers its own confirmation page",
	"POST /v1/group-subscriptions/unsubscribe": "posted by the mail program (RFC 8058 one-click) or the API's own confirmation page",

	"GET /v1/alerts/unsubscribe":  "the link in an alert mail, opened from the mail program; the API answers its own confirmation page",
	"POST /v1/alerts/unsubscribe": "posted by the mail program (RFC 8058 one-click) or the API's own confirmation page",
	// Files on posts: the group page's file upload calls these; it removes them here.

	"POST /v1/me/devices": "called by an app, which keeps the credential it is shown once (H4U-6); the account page lists and removes devices",
}

var (
	pathParam  = regexp.MustCompile(`\{[^}]*\}|\$\{[^}]*\}`)
	v1Literal  = regexp.MustCompile("'(/v1/[^']*)'|\"(/v1/[^\"]*)\"|`(/v1/[^`]*)`")
	apiCall    = regexp.MustCompile("\\b(?:api|call|sendFile)\\(\\s*'([A-Z]+)'\\s*,\\s*('[^']*'|\"[^\"]*\"|`[^`]*`|[^,)]+)")
	imported   = regexp.MustCompile(`from\s+'(?:\.\./\.\./assets/|\./)([a-z]+\.js)'`)
	fetchCall  = regexp.MustCompile("fetch\\(\\s*('/v1/[^']*'|\"/v1/[^\"]*\"|`/v1/[^`]*`)\\s*(,\\s*\\{\\s*method:\\s*'([A-Z]+)')?")
	stringLike = regexp.MustCompile("^['\"`]")
)

// normalise makes a route comparable: path parameters, in OpenAPI's {name} or a
// template literal's ${expr}, become {}, and a query is dropped.
func normalise(method, path string) string {
	path, _, _ = strings.Cut(path, "?")
	return method + " " + pathParam.ReplaceAllString(path, "{}")
}

// specRoutes are the routes of openapi.yaml.
func specRoutes(t *testing.T) map[string]bool {
	t.Helper()
	raw, err := os.ReadFile("../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Paths map[string]map[string]yaml.Node `yaml:"paths"`
	}
	if err := yaml.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for path, ops := range spec.Paths {
		for method := range ops {
			switch method {
			case "get", "put", "post", "delete", "patch":
				out[normalise(strings.ToUpper(method), path)] = true
			}
		}
	}
	return out
}

// scriptCalls returns the routes a script calls: api('METHOD', path) (and
// call(), and sendFile(), the staff import's upload with progress) and
// fetch(path) (GET unless it names a method). A path that is not a literal is
// the page's Vars "endpoint". Every /v1/ string literal must be part of a call
// the scan understands, so a new way of calling cannot slip past it.
func scriptCalls(src string, vars map[string]string) ([]string, error) {
	var calls []string
	understood := map[string]int{}
	for _, m := range apiCall.FindAllStringSubmatch(src, -1) {
		arg := strings.TrimSpace(m[2])
		switch {
		case stringLike.MatchString(arg):
			path := arg[1 : len(arg)-1]
			if !strings.HasPrefix(path, "/v1/") {
				return nil, fmt.Errorf("api(%s, %s): not a /v1/ path", m[1], arg)
			}
			calls = append(calls, normalise(m[1], path))
			understood[path]++
		case vars["endpoint"] != "":
			calls = append(calls, normalise(m[1], vars["endpoint"]))
		default:
			return nil, fmt.Errorf("api(%s, %s): a path the scan cannot resolve (use a literal or the page's Vars endpoint)", m[1], arg)
		}
	}
	for _, m := range fetchCall.FindAllStringSubmatch(src, -1) {
		method := "GET"
		if m[3] != "" {
			method = m[3]
		}
		path := m[1][1 : len(m[1])-1]
		calls = append(calls, normalise(method, path))
		understood[path]++
	}
	// Each occurrence of a /v1/ literal must be one of the calls understood: a
	// path written once more than it is called (a call whose method the scan cannot
	// read, say) fails.
	seen := map[string]int{}
	for _, m := range v1Literal.FindAllStringSubmatch(src, -1) {
		lit := m[1] + m[2] + m[3]
		if seen[lit]++; seen[lit] > understood[lit] {
			return nil, fmt.Errorf("%q is not the path of an api() or fetch() call the scan understands", lit)
		}
	}
	return calls, nil
}

// pageCalls maps each route the site's scripts call to the pages calling it.
func pageCalls(t *testing.T) map[string][]string {
	t.Helper()
	calledBy := map[string][]string{}
	for _, p := range Pages(Options{}) {
		src, err := sources.ReadFile("pages/" + p.Dir + "/page.js")
		if err != nil {
			continue // a page without a script calls nothing
		}
		calls, err := scriptCalls(string(src)+"\n"+withImports(t, string(src)), p.Vars)
		if err != nil {
			t.Errorf("pages/%s/page.js: %v", p.Dir, err)
		}
		for _, c := range calls {
			if !slices.Contains(calledBy[c], "/"+p.Path) {
				calledBy[c] = append(calledBy[c], "/"+p.Path)
			}
		}
	}
	return calledBy
}

// withImports returns the shared scripts a page's script imports (web/assets),
// and theirs, once each.
func withImports(t *testing.T, src string) string {
	t.Helper()
	var out strings.Builder
	seen := map[string]bool{}
	queue := []string{src}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, m := range imported.FindAllStringSubmatch(s, -1) {
			if seen[m[1]] {
				continue
			}
			seen[m[1]] = true
			b, err := sources.ReadFile("assets/" + m[1])
			if err != nil {
				t.Fatalf("import %s: %v", m[1], err)
			}
			out.WriteString("\n" + string(b))
			queue = append(queue, string(b))
		}
	}
	return out.String()
}

// Every route in openapi.yaml that a person or staff member calls is reachable
// from a page; the rest are listed in noPage with the reason.
func TestEveryRouteIsCalledByAPageOrExplained(t *testing.T) {
	spec := specRoutes(t)
	called := pageCalls(t)
	for route, pages := range called {
		if !spec[route] {
			t.Errorf("%s is called by %v but is not in openapi.yaml", route, pages)
		}
		if reason, ok := noPage[route]; ok {
			t.Errorf("%s is called by %v but listed as without a page (%q): take it off the list", route, pages, reason)
		}
	}
	var uncovered []string
	for route := range spec {
		if len(called[route]) > 0 {
			continue
		}
		reason, ok := noPage[route]
		if !ok {
			t.Errorf("%s: no page calls it and noPage does not say why", route)
			continue
		}
		uncovered = append(uncovered, route+" — "+reason)
	}
	for route := range noPage {
		if !spec[route] {
			t.Errorf("noPage lists %s, which openapi.yaml does not have", route)
		}
	}
	slices.Sort(uncovered)
	t.Logf("%d of %d routes are called by a page; without a page:\n%s", len(spec)-len(uncovered), len(spec), strings.Join(uncovered, "\n"))
}

// The scan finds the calls a page makes, however they are written.
func TestScriptCallsScan(t *testing.T) {
	calls, err := scriptCalls("api('POST', `/v1/me/claims/${id}/invoices`, b); api('GET', '/v1/me'); fetch('/v1/csrf'); api('POST', form.dataset.endpoint);",
		map[string]string{"endpoint": "/v1/password/reset"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"POST /v1/me/claims/{}/invoices", "GET /v1/me", "POST /v1/password/reset", "GET /v1/csrf"}
	if !slices.Equal(calls, want) {
		t.Errorf("calls %v, want %v", calls, want)
	}
	if _, err := scriptCalls("const u = '/v1/me/export'; fetch(u);", nil); err == nil {
		t.Error("a /v1/ literal outside a recognised call passed the scan")
	}
	if _, err := scriptCalls("api('GET', url);", nil); err == nil {
		t.Error("an unresolvable path passed the scan")
	}
}
