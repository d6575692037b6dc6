package modules

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// Every problem code, shared or a module's, has its texts, is defined once, and is
// documented in openapi.yaml's list of codes, which lists nothing else.
func TestProblemCodesAreDefinedOnceAndDocumented(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	spec := string(raw)
	i := strings.Index(spec, "description: Stable machine-readable code.")
	if i < 0 {
		t.Fatal("openapi.yaml has no list of problem codes")
	}
	block := spec[i:]
	block = block[strings.Index(block, "enum:")+len("enum:"):]
	documented := map[string]bool{}
	for _, line := range strings.Split(block, "\n")[1:] {
		m := regexp.MustCompile(`^\s+- ([a-z_]+)$`).FindStringSubmatch(line)
		if m == nil {
			break
		}
		documented[m[1]] = true
	}
	seen := map[string]bool{}
	for _, c := range Problems() {
		if c.ID == "" || c.DE == "" || c.EN == "" || c.DE == c.EN {
			t.Errorf("code %q: de=%q en=%q", c.ID, c.DE, c.EN)
		}
		if seen[c.ID] {
			t.Errorf("code %s defined twice", c.ID)
		}
		seen[c.ID] = true
	}
	var missing, extra []string
	for id := range seen {
		if !documented[id] {
			missing = append(missing, id)
		}
	}
	for id := range documented {
		if !seen[id] {
			extra = append(extra, id)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 || len(extra) > 0 {
		t.Fatalf("openapi.yaml's codes: missing %v, unknown %v", missing, extra)
	}
}
