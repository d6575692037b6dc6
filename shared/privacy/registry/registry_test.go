package registry

import (
	"path/filepath"
	"regexp"
	"testing"

	"kontor/infra/template"
	"kontor/shared/modules"
	"kontor/shared/privacy"
)

func TestRegistryIsComplete(t *testing.T) {
	if err := All().Validate(); err != nil {
		t.Fatal(err)
	}
}

// Every table of template.yaml holds only declared personal data: each is covered by
// a registered kind or declared clean, and every kind names a table that exists.
func TestEveryTableIsCoveredByTheRegistry(t *testing.T) {
	tpl, err := template.Load(filepath.Join("..", "..", "..", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	reg := All()
	covered := reg.Tables()
	for _, c := range reg.Clean {
		covered[c.Table] = true
	}
	inTemplate := map[string]bool{}
	for _, tb := range tpl.Tables {
		inTemplate[tb.LogicalID] = true
		if !covered[tb.LogicalID] {
			t.Errorf("table %s holds data that no privacy kind declares", tb.LogicalID)
		}
	}
	for _, b := range tpl.Buckets {
		inTemplate[b] = true
		if !covered[b] {
			t.Errorf("bucket %s holds data that no privacy kind declares", b)
		}
	}
	for table := range covered {
		if !inTemplate[table] {
			t.Errorf("registry names %s, which template.yaml does not declare", table)
		}
	}
}

// The record of processing speaks to people: its texts carry no internal promise
// ids ("Technical purposes only (AHK-3)").
func TestRegistryTextsCarryNoInternalIDs(t *testing.T) {
	internal := regexp.MustCompile(`\b(HKC|HGK|CP|H4U|AHK)-\d+\b`)
	for _, k := range All().Kinds {
		for _, txt := range []privacy.Text{k.Category, k.Purpose, k.Retention.Rule, k.Recipients, k.Source} {
			for _, s := range []string{txt.DE, txt.EN} {
				if m := internal.FindString(s); m != "" {
					t.Errorf("%s: %q names %s", k.ID, s, m)
				}
			}
		}
	}
	for _, p := range modules.Purposes() {
		for _, s := range []string{p.Description.DE, p.Description.EN} {
			if m := internal.FindString(s); m != "" {
				t.Errorf("consent purpose %s: %q names %s", p.ID, s, m)
			}
		}
	}
}
