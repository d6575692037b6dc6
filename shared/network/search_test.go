package network

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"kontor/shared/problem"
)

// fakeIndex answers lookups from fixed hits and the check from fixed state.
type fakeIndex struct {
	hits map[string][]Hit // term → hits
	cur  Current
}

func (f fakeIndex) Lookup(_ context.Context, _, term string, _ bool, _ int) ([]Hit, error) {
	return f.hits[term], nil
}

func (f fakeIndex) Current(context.Context, string, []Hit) (Current, error) { return f.cur, nil }

func fullProfile(id, first, last string) Profile {
	return Profile{AccountID: id, FirstName: first, LastName: last, Gender: "female", Company: "Tee GmbH", RoleInCompany: "CEO",
		CompanyWebsite: "https://tee.example", Street: "Hafen", HouseNumber: "1", PostalCode: "20457", City: "Hamburg", Country: "DE",
		Phone: "+49 40 1", Fax: "+49 40 2", Email: "a@tee.example"}
}

func search(t *testing.T, f fakeIndex, r Reader, q, typ string) []string {
	t.Helper()
	parsed, err := CheckQuery(q, typ)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := (&SearchService{Store: f}).Search(context.Background(), r, parsed, typ, MaxResults)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, x := range rs {
		out = append(out, x.ID)
	}
	return out
}

// HKC-9: whatever the index proposes, only what the reader may open now, and
// still holds the words, is shown.
func TestSearchChecksEveryHitAgainstTheCurrentState(t *testing.T) {
	at := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	hidden := fullProfile("p-hidden", "Ted", "Birthday") // entered under "tea" once; renamed since
	hidden.Birthdate = "1931-02-03"
	incomplete := Profile{AccountID: "p-half", FirstName: "Tea"}
	f := fakeIndex{
		hits: map[string][]Hit{
			"tea": {{Kind: DocPerson, ID: "p-ok"}, {Kind: DocPerson, ID: "p-half"}, {Kind: DocPerson, ID: "p-gone"}, {Kind: DocPerson, ID: "p-hidden"},
				{Kind: DocGroup, ID: "g-open"}, {Kind: DocGroup, ID: "g-committee"}, {Kind: DocGroup, ID: "g-deleted"},
				{Kind: DocPost, ID: "post-mine", GroupID: "g-open"}, {Kind: DocPost, ID: "post-committee", GroupID: "g-committee"},
				{Kind: DocPost, ID: "post-edited", GroupID: "g-open"}, {Kind: DocComment, ID: "c-mine", PostID: "post-mine", GroupID: "g-open"},
				{Kind: DocPost, ID: "post-deleted-group", GroupID: "g-deleted"}},
			"1931": {{Kind: DocPerson, ID: "p-hidden"}},
		},
		cur: Current{
			Profiles: map[string]Profile{"p-ok": fullProfile("p-ok", "Tea", "Trader"), "p-half": incomplete, "p-hidden": hidden},
			Groups: map[string]Group{"g-open": {ID: "g-open", Kind: KindGroup, Name: "Tea traders"},
				"g-committee": {ID: "g-committee", Kind: KindCommittee, Name: "Tea committee"}},
			Member: map[string]bool{"g-open": true},
			Posts: map[string]Post{"post-mine": {ID: "post-mine", GroupID: "g-open", Text: "Tea prices", CreatedAt: at},
				"post-committee": {ID: "post-committee", GroupID: "g-committee", Text: "Tea secrets", CreatedAt: at},
				"post-edited":    {ID: "post-edited", GroupID: "g-open", Text: "Coffee now", CreatedAt: at}},
			Comments: map[string]Comment{"c-mine": {ID: "c-mine", PostID: "post-mine", GroupID: "g-open", Text: "More tea", CreatedAt: at.Add(time.Minute)}},
		},
	}
	member := Reader{AccountID: "reader"}
	if got := search(t, f, member, "tea", SearchPeople); !slices.Equal(got, []string{"p-ok"}) {
		t.Errorf("people: %v (incomplete, gone and renamed stay out)", got)
	}
	if got := search(t, f, member, "1931", SearchPeople); len(got) != 0 {
		t.Errorf("a hidden birthdate matched: %v", got)
	}
	if got := search(t, f, member, "tea", SearchGroups); !slices.Equal(got, []string{"g-open"}) {
		t.Errorf("groups for a member: %v (no committee they are not in, no deleted group)", got)
	}
	if got := search(t, f, Reader{AccountID: "staff", Staff: true}, "tea", SearchGroups); len(got) != 2 {
		t.Errorf("groups for staff: %v", got)
	}
	if got := search(t, f, member, "tea", SearchPosts); !slices.Equal(got, []string{"c-mine", "post-mine"}) {
		t.Errorf("posts: %v (newest first; not the committee's, not one edited away, not a deleted group's)", got)
	}
}

// Exact name matches come first, then names that begin with the query, then
// mentions; the three spellings of an umlaut are one.
func TestSearchRanksExactNamesFirst(t *testing.T) {
	later := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	mention := fullProfile("mention", "Otto", "Berg")
	mention.About, mention.UpdatedAt = "Arbeitet mit Herrn Müller", &later
	prefix := fullProfile("prefix", "Jan", "Müllerschön")
	exact := fullProfile("exact", "Jan", "Mueller")
	f := fakeIndex{
		hits: map[string][]Hit{"mull": {{Kind: DocPerson, ID: "mention"}, {Kind: DocPerson, ID: "prefix"}, {Kind: DocPerson, ID: "exact"}}},
		cur:  Current{Profiles: map[string]Profile{"mention": mention, "prefix": prefix, "exact": exact}},
	}
	if got := search(t, f, Reader{AccountID: "r"}, "Müller", SearchPeople); !slices.Equal(got, []string{"exact", "prefix", "mention"}) {
		t.Errorf("ranking %v", got)
	}
}

func TestCheckQueryNamesTheField(t *testing.T) {
	for q, code := range map[string]string{"": "required", "  ": "required", "\xff\xfe": "invalid_value", "x": "too_short", ".*?": "too_short"} {
		_, err := CheckQuery(q, SearchPeople)
		p, ok := problem.As(err)
		if !ok || len(p.Fields) != 1 || p.Fields[0].Field != "q" || p.Fields[0].Code.ID != code {
			t.Errorf("%q: %+v, want %s", q, p, code)
		}
	}
	if _, err := CheckQuery(strings.Repeat("ä", MaxQueryRunes), SearchPosts); err != nil {
		t.Errorf("a query of %d letters: %v", MaxQueryRunes, err)
	}
	if _, err := CheckQuery("anna", "messages"); err == nil {
		t.Error("an unknown type is taken")
	}
}
