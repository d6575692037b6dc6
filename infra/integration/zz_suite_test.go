package integration

// This file's tests run last (go test runs files in name order): they look back at
// what the whole suite did.

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"kontor/infra/template"
)

// Every route in openapi.yaml is a route of template.yaml and the other way round,
// and the suite exercised each of them.
func TestEveryRouteIsDocumentedAndExercised(t *testing.T) {
	root, _ := filepath.Abs("../..")
	tpl, err := template.Load(filepath.Join(root, "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	inTemplate := map[string]bool{}
	for _, fn := range tpl.Functions {
		for _, r := range fn.Routes {
			inTemplate[r.Method+" "+r.Path] = true
		}
	}
	spec, err := os.ReadFile(filepath.Join(root, "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	inSpec := map[string]bool{}
	path := ""
	for _, line := range strings.Split(string(spec), "\n") {
		if m := regexp.MustCompile(`^  (/\S+):$`).FindStringSubmatch(line); m != nil {
			path = m[1]
		} else if m := regexp.MustCompile(`^    (get|post|put|patch|delete):$`).FindStringSubmatch(line); m != nil && path != "" {
			inSpec[strings.ToUpper(m[1])+" "+path] = true
		} else if !strings.HasPrefix(line, " ") && line != "" {
			path = ""
		}
	}
	var missing []string
	for r := range inTemplate {
		if !inSpec[r] {
			missing = append(missing, r+" (not in openapi.yaml)")
		}
		if !covered[r] {
			missing = append(missing, r+" (not exercised by the suite)")
		}
	}
	for r := range inSpec {
		if !inTemplate[r] {
			missing = append(missing, r+" (in openapi.yaml, not in template.yaml)")
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("routes out of step:\n%s", strings.Join(missing, "\n"))
	}
	if len(inTemplate) < 12 {
		t.Fatalf("only %d routes found in template.yaml", len(inTemplate))
	}
}

var (
	emailPattern = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`)
	ipPattern    = regexp.MustCompile(`\b(?:\d{1,3}\.){3}\d{1,3}\b`)
	tokenPattern = regexp.MustCompile(`\b[A-Za-z0-9_-]{43}\b`)
)

// The functions' application logs of the whole suite hold no personal data: no
// email address, no IP address, no name, no token or password.
func TestFunctionLogsHoldNoPersonalData(t *testing.T) {
	lines := 0
	for _, line := range strings.Split(logs.String(), "\n") {
		i := strings.Index(line, `{"time"`)
		if i < 0 || !strings.Contains(line, `"fn":`) {
			continue // not an application log line of a function
		}
		entry := line[i:]
		lines++
		for what, re := range map[string]*regexp.Regexp{"email": emailPattern, "ip": ipPattern, "token": tokenPattern} {
			if m := re.FindString(entry); m != "" {
				t.Errorf("log holds %s %q: %s", what, m, entry)
			}
		}
		for _, pd := range []string{"Bergström", "Kühn", "Cora", "Keks", "Großmann", goodPassword} {
			if strings.Contains(entry, pd) {
				t.Errorf("log holds %q: %s", pd, entry)
			}
		}
	}
	if lines < 50 {
		t.Fatalf("only %d function log lines captured; the check would prove nothing", lines)
	}
}
