package registry

import (
	"path/filepath"
	"testing"

	"kontor/infra/template"
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
