package networkdb

import (
	"slices"
	"testing"

	"kontor/shared/dynamo"
)

// HKC-14 — the erasure finds, for every item of an account's connections and
// blocks, the items on the other member's side that name the account: a kind of
// item without its mirror would stay behind after the erasure.
func TestMirrorsNameTheOtherSideOfEveryConnectionItem(t *testing.T) {
	key := func(k dynamo.Item) string { return dynamo.String(k, dynamo.PK) + " " + dynamo.String(k, dynamo.SK) }
	cases := map[string][]string{
		outPrefix:        {"ACCOUNT#b CONN#IN#a", "ACCOUNT#b CONN#HIDDEN#a", "CONNECTION#r CONNECTION"},
		inPrefix:         {"ACCOUNT#b CONN#OUT#a", "CONNECTION#r CONNECTION"},
		hiddenPrefix:     {"ACCOUNT#b CONN#OUT#a", "CONNECTION#r CONNECTION"},
		withPrefix:       {"ACCOUNT#b CONN#WITH#a", "CONNECTION#r CONNECTION"},
		declinedPrefix:   {"ACCOUNT#b CONN#DECLINEDBY#a"},
		declinedByPrefix: {"ACCOUNT#b CONN#DECLINED#a"},
		blockPrefix:      {"ACCOUNT#b BLOCKEDBY#a"},
		blockedByPrefix:  {"ACCOUNT#b BLOCK#a"},
	}
	for prefix, want := range cases {
		id := "r"
		if !slices.Contains(want, "CONNECTION#r CONNECTION") {
			id = ""
		}
		var got []string
		for _, k := range mirrors("a", prefix+"b", id) {
			got = append(got, key(k))
		}
		want = append([]string{"ACCOUNT#a " + prefix + "b"}, want...)
		if !slices.Equal(got, want) {
			t.Errorf("%s: mirrors %v, want %v", prefix, got, want)
		}
	}
	if got := mirrors("a", "GROUP#g", ""); got != nil {
		t.Errorf("an item of another feature: %v", got)
	}
}
