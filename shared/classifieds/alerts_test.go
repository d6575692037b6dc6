package classifieds

import (
	"reflect"
	"strings"
	"testing"

	"kontor/shared/problem"
)

// Criteria are checked and normalised; a kind alone is too broad (HGK-3).
func TestAlertCriteriaValidate(t *testing.T) {
	c, err := AlertCriteria{Kind: KindOffer, Words: []string{"Ostsee  Überführung", "ostsee"}}.Validate()
	if err != nil || !reflect.DeepEqual(c.Words, []string{"ostsee", "überführung"}) {
		t.Fatalf("%+v %v", c, err)
	}
	if _, err := (AlertCriteria{Kind: KindSearch}).Validate(); !problemIs(err, CodeAlertTooBroad) {
		t.Fatalf("kind only: %v", err)
	}
	for name, in := range map[string]AlertCriteria{
		"kind":     {Kind: "both", Area: "baltic"},
		"area":     {Kind: KindOffer, Area: "moon"},
		"boatType": {Kind: KindOffer, BoatType: "raft"},
		"from":     {Kind: KindOffer, From: "2026-02-30"},
		"to":       {Kind: KindOffer, From: "2026-06-02", To: "2026-06-01"},
		"words":    {Kind: KindOffer, Words: []string{"a b c d e f g", "x"}},
	} {
		p, ok := problem.As(func() error { _, err := in.Validate(); return err }())
		if !ok || len(p.Fields) != 1 || p.Fields[0].Field != name {
			t.Errorf("%s: %+v", name, p)
		}
	}
	six := AlertCriteria{Kind: KindOffer, Words: []string{"eins zwei drei vier fünf sechs"}}
	if p, ok := problem.As(func() error { _, err := six.Validate(); return err }()); !ok || p.Fields[0].Code != CodeAlertTooManyWords {
		t.Errorf("six words: %+v", p)
	}
	long := AlertCriteria{Kind: KindOffer, Words: []string{strings.Repeat("a", MaxAlertWord+1)}}
	if p, ok := problem.As(func() error { _, err := long.Validate(); return err }()); !ok || p.Fields[0].Code != problem.FieldTooLong {
		t.Errorf("long word: %+v", p)
	}
}

func problemIs(err error, c problem.Code) bool {
	p, ok := problem.As(err)
	return ok && p.Code == c
}

// A listing's four match keys name every partition an alert it matches is in.
func TestListingMatchKeys(t *testing.T) {
	l := Listing{Kind: KindOffer, Area: "baltic", BoatType: "catamaran"}
	want := []string{"offer#baltic#catamaran", "offer#baltic#*", "offer#*#catamaran", "offer#*#*"}
	if got := ListingMatchKeys(l); !reflect.DeepEqual(got, want) {
		t.Fatal(got)
	}
	for _, c := range []AlertCriteria{{Kind: KindOffer, Area: "baltic"}, {Kind: KindOffer, BoatType: "catamaran"}, {Kind: KindOffer, Words: []string{"x"}}, {Kind: KindOffer, Area: "baltic", BoatType: "catamaran"}} {
		found := false
		for _, k := range want {
			found = found || k == c.MatchKey()
		}
		if !found || !c.Matches(l) && len(c.Words) == 0 {
			t.Errorf("%+v: key %s", c, c.MatchKey())
		}
	}
}

// Matching: kind, area, boat type, overlapping dates, every word in title or text.
func TestAlertMatches(t *testing.T) {
	l := Listing{Kind: KindOffer, Area: "baltic", BoatType: "sailing-yacht", From: "2026-07-01", To: "2026-07-14", Title: "Mitsegeln Ostsee", Text: "Überführung nach Kiel"}
	for c, want := range map[*AlertCriteria]bool{
		{Kind: KindOffer, Area: "baltic"}:                                       true,
		{Kind: KindSearch, Area: "baltic"}:                                      false,
		{Kind: KindOffer, Area: "north-sea"}:                                    false,
		{Kind: KindOffer, BoatType: "catamaran"}:                                false,
		{Kind: KindOffer, From: "2026-07-14"}:                                   true,
		{Kind: KindOffer, From: "2026-07-15"}:                                   false,
		{Kind: KindOffer, To: "2026-07-01"}:                                     true,
		{Kind: KindOffer, To: "2026-06-30"}:                                     false,
		{Kind: KindOffer, From: "2026-06-01", To: "2026-08-01"}:                 true,
		{Kind: KindOffer, Words: []string{"ostsee", "kiel"}}:                    true,
		{Kind: KindOffer, Words: []string{"überführung"}}:                       true,
		{Kind: KindOffer, Words: []string{"ostsee", "hamburg"}}:                 false,
		{Kind: KindOffer, Area: "baltic", Words: []string{"mitsegeln"}}:         true,
		{Kind: KindOffer, Area: "baltic", BoatType: "sailing-yacht"}:            true,
		{Kind: KindOffer, Area: "baltic", BoatType: "motor-yacht"}:              false,
		{Kind: KindOffer, Area: "baltic", From: "2026-07-10", To: "2026-07-10"}: true,
	} {
		if got := c.Matches(l); got != want {
			t.Errorf("%+v: %v", *c, got)
		}
	}
}
