package integration

import (
	"crypto/rand"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"kontor/shared/network"
	"kontor/shared/ratelimit"
)

// The search (HKC-9) is checked here through HTTP → authorizer → SearchFunction
// → moto, with the index kept by SearchIndexFunction from the network table's
// stream as the local stack runs it.

// indexWait bounds how long a change may take to reach the index.
const indexWait = 20 * time.Second

// uniqueWord is a word no other test writes (letters only, so it is one term).
func uniqueWord(prefix string) string {
	return prefix + strings.ToLower(rand.Text()[:8])
}

// searchFor asks a search and returns the results.
func searchFor(t *testing.T, c *client, q, typ string) []map[string]any {
	t.Helper()
	rs, _ := listOf(t, c.do(http.MethodGet, "/v1/search?type="+typ+"&q="+url.QueryEscape(q), nil), "results")
	return rs
}

// resultIDs are the ids of results.
func resultIDs(rs []map[string]any) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r["id"].(string))
	}
	return out
}

// eventuallyFound polls a search until it has the id, and says how long it took.
func eventuallyFound(t *testing.T, c *client, q, typ, id string) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		for _, got := range resultIDs(searchFor(t, c, q, typ)) {
			if got == id {
				return time.Since(start)
			}
		}
		if time.Since(start) > indexWait {
			t.Fatalf("%s %q: %s not found within %s", typ, q, id, indexWait)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// wantNone fails when a search has any result.
func wantNone(t *testing.T, c *client, q, typ, why string) {
	t.Helper()
	if rs := searchFor(t, c, q, typ); len(rs) > 0 {
		t.Fatalf("%s: %s %q found %v", why, typ, q, rs)
	}
}

// Promise: HKC-9 — a result appears only if the searcher may open it at that
// moment: a member of group A finds nothing of group B, a committee and its posts
// are found by its members only, and an account without the network role does not
// learn that the search exists.
func TestSearchPermissionMatrix(t *testing.T) {
	staff, _ := groupMember(t, "Sabine", "staff")
	inA, inAID := groupMember(t, "Anton")
	inB, inBID := groupMember(t, "Berta")
	inC, inCID := groupMember(t, "Carla")
	word := uniqueWord("matrix")
	a := newGroup(t, staff, map[string]any{"kind": "group", "access": "closed", "name": "Gruppe A " + word})
	b := newGroup(t, staff, map[string]any{"kind": "group", "access": "closed", "name": "Gruppe B " + word})
	c := newGroup(t, staff, map[string]any{"kind": "committee", "name": "Ausschuss " + word, "moderators": []string{inCID}})
	want(t, staff.do(http.MethodPut, "/v1/groups/"+a+"/members/"+inAID, nil), http.StatusCreated)
	want(t, staff.do(http.MethodPut, "/v1/groups/"+b+"/members/"+inBID, nil), http.StatusCreated)
	postA := post(t, inA, a, "Bericht aus A über "+word)
	postB := post(t, inB, b, "Bericht aus B über "+word)
	postC := post(t, inC, c, "Vertrauliches aus dem Ausschuss über "+word)

	// Each finds the posts of their own group once indexed …
	took := eventuallyFound(t, inB, word, network.SearchPosts, postB)
	t.Logf("HKC-9: a post's first hit %s after its creation (bounded by %s)", took, indexWait)
	eventuallyFound(t, inC, word, network.SearchPosts, postC)
	eventuallyFound(t, inA, word, network.SearchPosts, postA)
	// … and nothing else, though the index holds all three.
	for _, tc := range []struct {
		c    *client
		mine string
	}{{inA, postA}, {inB, postB}, {inC, postC}} {
		if got := resultIDs(searchFor(t, tc.c, word, network.SearchPosts)); len(got) != 1 || got[0] != tc.mine {
			t.Errorf("posts found: %v, want only %s", got, tc.mine)
		}
	}
	// Groups are listed for every member (they may ask to join); the committee only
	// for its members and staff.
	eventuallyFound(t, inC, word, network.SearchGroups, c)
	for _, tc := range []struct {
		c    *client
		want int
	}{{inA, 2}, {inB, 2}, {inC, 3}, {staff, 3}} {
		got := searchFor(t, tc.c, "Ausschuss "+word, network.SearchGroups)
		if tc.want == 3 && (len(got) != 1 || got[0]["id"] != c) {
			t.Errorf("the committee's member or staff find %v", got)
		}
		if tc.want == 2 && len(got) != 0 {
			t.Errorf("a non-member finds the committee: %v", got)
		}
		eventuallyFound(t, tc.c, word, network.SearchGroups, a)
	}
	// Results carry no count of what was left out, and no text of it.
	r := inA.do(http.MethodGet, "/v1/search?type=posts&q="+word, nil)
	if strings.Contains(string(r.Body), "Vertrauliches") || strings.Contains(string(r.Body), "aus B") || strings.Contains(string(r.Body), "total") {
		t.Fatalf("the answer leaks: %s", r.Body)
	}
	// Without the role: 404, as if there were no search; signed out: 401.
	outsider, _ := signUp(t, "searchout")
	want(t, outsider.do(http.MethodGet, "/v1/search?type=posts&q="+word, nil), http.StatusNotFound, "not_found")
	anon := newClient(t)
	want(t, anon.do(http.MethodGet, "/v1/search?type=posts&q="+word, nil), http.StatusUnauthorized, "unauthenticated")
}

// Promise: HKC-9 — no hidden field ever matches: a birthdate only while its owner
// shows it, a voluntary detail only while given (gone at once when the consent is
// withdrawn), and an incomplete profile never.
func TestSearchHiddenFieldsNeverMatch(t *testing.T) {
	owner, ownerID := networkMember(t)
	reader, _ := networkMember(t)
	name := uniqueWord("hidden")
	p := fullProfile(0)
	p["lastName"], p["birthdate"] = name, "1931-02-03"
	want(t, owner.do(http.MethodPatch, "/v1/me/profile", p), http.StatusOK)
	eventuallyFound(t, reader, name, network.SearchPeople, ownerID)
	// Indexed now, and the birthdate is hidden: it does not match.
	wantNone(t, reader, name+" 1931", network.SearchPeople, "a hidden birthdate")
	want(t, patchProfile(t, owner, map[string]any{"birthdateVisible": true}), http.StatusOK)
	eventuallyFound(t, reader, name+" 1931", network.SearchPeople, ownerID)
	want(t, patchProfile(t, owner, map[string]any{"birthdateVisible": false}), http.StatusOK)
	wantNone(t, reader, name+" 1931", network.SearchPeople, "a birthdate hidden again (at once)")

	skill := uniqueWord("skill")
	want(t, owner.do(http.MethodPut, "/v1/me/consents/network.voluntary", map[string]any{"textVersion": network.VoluntaryVersion}), http.StatusOK)
	want(t, patchProfile(t, owner, map[string]any{"expertise": []string{"Zollrecht " + skill}}), http.StatusOK)
	eventuallyFound(t, reader, skill, network.SearchPeople, ownerID)
	want(t, owner.do(http.MethodDelete, "/v1/me/consents/network.voluntary", nil), http.StatusOK)
	wantNone(t, reader, skill, network.SearchPeople, "a withdrawn voluntary detail (at once)")

	// A profile not complete is found by nobody, not even by its name.
	half, _ := networkMember(t)
	halfName := uniqueWord("half")
	want(t, half.do(http.MethodPatch, "/v1/me/profile", map[string]any{"version": 0, "firstName": halfName}), http.StatusOK)
	eventuallyFound(t, reader, name, network.SearchPeople, ownerID) // the indexer has caught up with later changes …
	time.Sleep(time.Second)
	wantNone(t, reader, halfName, network.SearchPeople, "an incomplete profile")
}

// Promise: HKC-9 — a removal is effective at once: a deleted post, a member
// removed from the group, an erased account are gone from the very next search,
// whatever the index still holds; and the index itself lets go of them soon after.
func TestSearchRemovalsAreEffectiveAtOnce(t *testing.T) {
	staff, _ := groupMember(t, "Stella", "staff")
	author, authorID := groupMember(t, "Arne")
	reader, readerID := groupMember(t, "Rolf")
	leaver, leaverID := groupMember(t, "Lotte")
	word := uniqueWord("gone")
	g := newGroup(t, staff, map[string]any{"kind": "group", "access": "open", "name": "Gruppe " + word})
	for _, id := range []string{authorID, readerID} {
		want(t, staff.do(http.MethodPut, "/v1/groups/"+g+"/members/"+id, nil), http.StatusCreated)
	}
	kept := post(t, author, g, "Bleibt: "+word)
	deleted := post(t, author, g, "Wird gelöscht: "+word)
	eventuallyFound(t, reader, word, network.SearchPosts, kept)
	eventuallyFound(t, reader, word, network.SearchPosts, deleted)

	want(t, author.do(http.MethodDelete, "/v1/posts/"+deleted, nil), http.StatusNoContent)
	if got := resultIDs(searchFor(t, reader, word, network.SearchPosts)); len(got) != 1 || got[0] != kept {
		t.Fatalf("after the deletion: %v", got)
	}
	want(t, staff.do(http.MethodDelete, "/v1/groups/"+g+"/members/"+readerID, nil), http.StatusNoContent)
	wantNone(t, reader, word, network.SearchPosts, "a member removed from the group")

	// Erasure: the person is gone from results at once, and from the index soon.
	leaverName := uniqueWord("leaver")
	want(t, patchProfile(t, leaver, map[string]any{"lastName": leaverName}), http.StatusOK)
	eventuallyFound(t, reader, leaverName, network.SearchPeople, leaverID)
	// The export names the terms the profile is found by (derived, nothing more).
	for _, cat := range export(t, leaver).Categories {
		if cat.ID == "network.searchindex" && !strings.Contains(toJSON(t, cat.Data), network.Terms(leaverName)[0]) {
			t.Fatalf("the export's search terms: %s", toJSON(t, cat.Data))
		}
	}
	want(t, leaver.do(http.MethodDelete, "/v1/me", nil), http.StatusOK)
	wantNone(t, reader, leaverName, network.SearchPeople, "an erased account")
	deadline := time.Now().Add(indexWait)
	for hits := scanFor(t, "NetworkTable", leaverID, leaverName); len(hits) > 0; hits = scanFor(t, "NetworkTable", leaverID, leaverName) {
		if time.Now().After(deadline) {
			t.Fatalf("the network table still holds the erased account: %v", hits)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if hits := indexEntries(t, deleted); len(hits) > 0 {
		t.Fatalf("the index still holds the deleted post: %v", hits)
	}
}

// indexEntries are the items of the search index that hold any of the needles.
func indexEntries(t *testing.T, needles ...string) []string {
	t.Helper()
	var out []string
	for _, h := range scanFor(t, "NetworkTable", needles...) {
		if strings.Contains(h, `"pk":"SEARCH`) {
			out = append(out, h)
		}
	}
	return out
}

// Promise: HKC-9 — German and English folding and stemming, prefixes as one
// types, and exact name matches first. "Müller", "Mueller" and "Muller" find each
// other (ü, ue and u are one letter to the search); "Ausschüsse" finds
// "Ausschuss"; a group's name ranks its exact match above a name that begins
// with the query, and both above a mere mention.
func TestSearchFoldsStemsAndRanks(t *testing.T) {
	staff, _ := groupMember(t, "Silke", "staff")
	member, memberID := groupMember(t, "Maren")
	word := uniqueWord("fold")
	mueller, muellerID := networkMember(t)
	p := fullProfile(0)
	p["firstName"], p["lastName"] = "Jürgen", "Müller-"+word
	want(t, mueller.do(http.MethodPatch, "/v1/me/profile", p), http.StatusOK)
	for _, q := range []string{"Jürgen Müller " + word, "juergen mueller " + word, "JURGEN MULLER " + word, "müll " + word} {
		eventuallyFound(t, member, q, network.SearchPeople, muellerID)
	}

	g := newGroup(t, staff, map[string]any{"kind": "group", "access": "open", "name": "Fachgruppe " + word})
	want(t, staff.do(http.MethodPut, "/v1/groups/"+g+"/members/"+memberID, nil), http.StatusCreated)
	stemmed := post(t, member, g, "Die Ausschüsse tagen: Meetings im Plenum "+word)
	for _, q := range []string{"Ausschuss " + word, "ausschusse " + word, "meeting " + word, word + " Ausschü", word + " meet"} {
		eventuallyFound(t, member, q, network.SearchPosts, stemmed)
	}
	// Prefixes as one types (the last word), from two letters on.
	eventuallyFound(t, member, word[:len(word)-3], network.SearchGroups, g)

	// Ranking: exact name, then a name that begins so, then a mention.
	rank := uniqueWord("rank")
	mention := newGroup(t, staff, map[string]any{"kind": "group", "access": "open", "name": "Allgemeines", "description": "Über " + rank + " und mehr"})
	prefixed := newGroup(t, staff, map[string]any{"kind": "group", "access": "open", "name": rank + "verband"})
	exact := newGroup(t, staff, map[string]any{"kind": "group", "access": "open", "name": rank})
	for _, id := range []string{mention, prefixed, exact} {
		eventuallyFound(t, member, rank, network.SearchGroups, id)
	}
	if got := resultIDs(searchFor(t, member, rank, network.SearchGroups)); strings.Join(got, ",") != exact+","+prefixed+","+mention {
		t.Fatalf("ranking: %v, want exact %s, prefix %s, mention %s", got, exact, prefixed, mention)
	}
}

// Bad input: a query of 10 kB, an empty one, one of metacharacters only, an
// unknown type and a bad limit are refused with a problem naming the field;
// regular-expression and wildcard characters are plain separators, never
// operators.
func TestSearchRefusesBadInput(t *testing.T) {
	member, _ := groupMember(t, "Bodo")
	for _, tc := range []struct {
		query, field, code string
	}{
		{"type=people&q=" + strings.Repeat("a", 10<<10), "q", "too_long"},
		{"type=people&q=" + strings.Repeat("ä", network.MaxQueryRunes+1), "q", "too_long"},
		{"type=people&q=", "q", "required"},
		{"type=people", "q", "required"},
		{"type=people&q=" + url.QueryEscape("   "), "q", "required"},
		{"type=people&q=" + url.QueryEscape(".* [] () | ^$ % _ ?"), "q", "too_short"},
		{"type=people&q=x", "q", "too_short"},
		{"type=messages&q=anna", "type", "invalid_value"},
		{"q=anna", "type", "invalid_value"},
		{"type=people&q=anna&limit=0", "limit", "invalid_value"},
		{"type=people&q=anna&limit=51", "limit", "invalid_value"},
	} {
		r := member.do(http.MethodGet, "/v1/search?"+tc.query, nil)
		want(t, r, http.StatusBadRequest, "validation_failed")
		pb := r.problem(t)
		if len(pb.Errors) != 1 || pb.Errors[0].Field != tc.field || pb.Errors[0].Code != tc.code {
			t.Errorf("%.60s: %+v", tc.query, pb.Errors)
		}
	}
	// Metacharacters around a word are separators: the word is searched as text.
	word := uniqueWord("meta")
	want(t, patchProfile(t, member, map[string]any{"lastName": word}), http.StatusOK)
	id := profile(t, member).ID
	for _, q := range []string{".*" + word + ".*", "(" + word + "|x)", word + "%", "'" + word + "' OR 1=1 --", "^" + word + "$"} {
		eventuallyFound(t, member, q, network.SearchPeople, id)
	}
	wantNone(t, member, ".*"+word[:6]+"zzz.*", network.SearchPeople, "a pattern taken as a pattern")
}

// Searching is counted per account (network.search): past the limit, 429 with
// when to try again, for the account's every search.
func TestSearchIsThrottled(t *testing.T) {
	member, _ := groupMember(t, "Thea")
	path := "/v1/search?type=people&q=" // refused as empty, counted all the same
	for i := range ratelimit.NetworkSearch.Max {
		if r := member.do(http.MethodGet, path, nil); r.Status == http.StatusTooManyRequests {
			t.Fatalf("limited after %d of %d", i, ratelimit.NetworkSearch.Max)
		}
	}
	r := member.do(http.MethodGet, "/v1/search?type=people&q=anna", nil)
	want(t, r, http.StatusTooManyRequests, "too_many_attempts")
	if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 || time.Duration(s)*time.Second > ratelimit.NetworkSearch.Window+time.Second {
		t.Fatalf("Retry-After %q", r.Header.Get("Retry-After"))
	}
}
