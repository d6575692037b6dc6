package privacy

import (
	"strings"
	"testing"
)

func TestValidateFindsIncompleteAndDuplicateKinds(t *testing.T) {
	full := Kind{ID: "m.k", Module: "m", Table: "T", Fields: []string{"f"},
		Category: Text{"a", "a"}, Purpose: Text{"b", "b"}, LegalBasis: Contract,
		Retention: Retention{Rule: Text{"c", "c"}}, Recipients: Text{"d", "d"}, Source: Text{"e", "e"}}
	if err := (Registry{Kinds: []Kind{full}}).Validate(); err != nil {
		t.Fatalf("complete kind refused: %v", err)
	}
	noPurpose := full
	noPurpose.ID, noPurpose.Purpose = "m.other", Text{DE: "nur deutsch"}
	err := (Registry{Kinds: []Kind{full, full, noPurpose}}).Validate()
	if err == nil || !strings.Contains(err.Error(), "declared twice") || !strings.Contains(err.Error(), "purpose.en") {
		t.Fatalf("got %v", err)
	}
}
