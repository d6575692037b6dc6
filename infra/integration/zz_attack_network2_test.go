package integration

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Attacks on the members' network's connections and blocks (HKC-8), search
// (HKC-9) and the company register's honorary office (HKC-10), from outside over
// HTTP, as a stranger and as a malicious member: each names what an attacker
// tries and what must hold.

// sameAnswer fails when two answers differ in anything but the ids, times and
// names that belong to the one asked (what a blocked member could compare).
func sameAnswer(t *testing.T, a, b response, what string) {
	t.Helper()
	if a.Status != b.Status {
		t.Fatalf("%s: status %d and %d", what, a.Status, b.Status)
	}
	strip := func(r response) map[string]any {
		o := map[string]any{}
		if len(r.Body) > 0 {
			o = object(t, r)
		}
		for _, k := range []string{"id", "accountId", "at", "name", "company", "since"} {
			if _, ok := o[k]; ok {
				o[k] = "…"
			}
		}
		return o
	}
	if x, y := toJSON(t, strip(a)), toJSON(t, strip(b)); x != y {
		t.Fatalf("%s: answers differ:\n%s\n%s", what, x, y)
	}
}

// Attack (HKC-8): a third member takes a request's id and accepts, declines or
// deletes it; the recipient replays a decline, an accept after the decline and
// a delete; the sender accepts her own request. Each is refused, and nothing
// changes for the two members.
func TestAttackConnectionIDsOfAnotherPairAndReplays(t *testing.T) {
	anna, _ := groupMember(t, "Anna")
	ben, benID := groupMember(t, "Ben")
	mallory, _ := groupMember(t, "Mallory")
	id := ask(t, anna, benID, "", http.StatusCreated)
	for _, p := range []string{"/accept", "/decline"} {
		want(t, mallory.do(http.MethodPost, "/v1/connections/"+id+p, nil), http.StatusNotFound, "not_found")
	}
	want(t, mallory.do(http.MethodDelete, "/v1/connections/"+id, nil), http.StatusNotFound, "not_found")
	want(t, anna.do(http.MethodPost, "/v1/connections/"+id+"/accept", nil), http.StatusForbidden, "forbidden")
	if in := connections(t, ben, "incoming"); len(in) != 1 || in[0]["id"] != id {
		t.Fatalf("ben's incoming after the attempts: %v", in)
	}
	want(t, ben.do(http.MethodPost, "/v1/connections/"+id+"/decline", nil), http.StatusNoContent)
	want(t, ben.do(http.MethodPost, "/v1/connections/"+id+"/decline", nil), http.StatusNotFound, "not_found")
	want(t, ben.do(http.MethodPost, "/v1/connections/"+id+"/accept", nil), http.StatusNotFound, "not_found")
	want(t, ben.do(http.MethodDelete, "/v1/connections/"+id, nil), http.StatusNotFound, "not_found")
	want(t, anna.do(http.MethodDelete, "/v1/connections/"+id, nil), http.StatusNotFound, "not_found")
	for _, c := range []*client{anna, ben} {
		if n := len(connections(t, c, "accepted")) + len(connections(t, c, "incoming")) + len(connections(t, c, "outgoing")); n != 0 {
			t.Fatalf("%d entries left after a replayed decline", n)
		}
	}
	// The decline still throttles Anna: a replay did not reset it.
	want(t, anna.do(http.MethodPost, "/v1/connections", map[string]any{"accountId": benID}), http.StatusTooManyRequests, "too_many_attempts")
}

// Attack (HKC-8): a blocked member compares every answer with those for a member
// who does not block them — the request (201), the request again (200), their
// outgoing list, withdrawing, blocking back (204) — and finds no difference.
func TestAttackBlockedMemberComparesAnswers(t *testing.T) {
	blocker, blockerID := groupMember(t, "Berta")
	_, otherID := groupMember(t, "Olga")
	mallory, malloryID := groupMember(t, "Mallory")
	want(t, blocker.do(http.MethodPut, "/v1/blocks/"+malloryID, nil), http.StatusNoContent)

	first := func(to string) response {
		return mallory.do(http.MethodPost, "/v1/connections", map[string]any{"accountId": to, "note": "Hallo"})
	}
	toBlocker, toOther := first(blockerID), first(otherID)
	want(t, toBlocker, http.StatusCreated)
	sameAnswer(t, toBlocker, toOther, "request")
	sameAnswer(t, first(blockerID), first(otherID), "request again")
	out := connections(t, mallory, "outgoing")
	if len(out) != 2 || out[0]["status"] != out[1]["status"] || out[0]["note"] != out[1]["note"] {
		t.Fatalf("outgoing differ: %v", out)
	}
	if len(connections(t, blocker, "incoming")) != 0 {
		t.Fatal("a blocked member's request reached the blocker")
	}
	// Blocking back: the same 204 as blocking anyone, and unblocking again 204.
	for _, id := range []string{blockerID, otherID} {
		want(t, mallory.do(http.MethodPut, "/v1/blocks/"+id, nil), http.StatusNoContent)
		want(t, mallory.do(http.MethodDelete, "/v1/blocks/"+id, nil), http.StatusNoContent)
		want(t, mallory.do(http.MethodDelete, "/v1/blocks/"+id, nil), http.StatusNotFound, "not_found")
	}
	// The blocker's block still stands after Mallory's block and unblock.
	bs, _ := listOf(t, blocker.do(http.MethodGet, "/v1/blocks", nil), "blocks")
	if len(bs) != 1 || bs[0]["accountId"] != malloryID {
		t.Fatalf("blocker's blocks: %v", bs)
	}
	// Mallory's export does not name the blocker anywhere but as a request's recipient.
}

// Attack (HKC-8): a member blocks Mallory, Mallory's request stays hidden; the
// member unblocks her and then sends her a request himself. Without any block
// two crossing requests become a contact at once, so Mallory must not see his
// request waiting beside her own pending one: that state would tell her that
// her request never reached him.
func TestAttackUnblockThenAskDoesNotBetrayTheHiddenRequest(t *testing.T) {
	blocker, blockerID := groupMember(t, "Bruno")
	mallory, malloryID := groupMember(t, "Mallory")
	want(t, blocker.do(http.MethodPut, "/v1/blocks/"+malloryID, nil), http.StatusNoContent)
	hidden := ask(t, mallory, blockerID, "", http.StatusCreated)
	want(t, blocker.do(http.MethodDelete, "/v1/blocks/"+malloryID, nil), http.StatusNoContent)

	r := blocker.do(http.MethodPost, "/v1/connections", map[string]any{"accountId": malloryID})
	want(t, r, http.StatusCreated)
	if v := object(t, r); v["status"] != "accepted" || v["id"] != hidden {
		t.Fatalf("his request beside her hidden one: %v", v)
	}
	for _, c := range []*client{blocker, mallory} {
		if acc := connections(t, c, "accepted"); len(acc) != 1 || acc[0]["id"] != hidden {
			t.Fatalf("contacts: %v", acc)
		}
		if n := len(connections(t, c, "incoming")) + len(connections(t, c, "outgoing")); n != 0 {
			t.Fatalf("%d requests left beside the contact", n)
		}
	}
}

// Attack (HKC-8): a note with control characters, 10 kB of text, or a body
// over the limit; a forged cursor pointing into another part of the account's
// partition; a filter that is no list.
func TestAttackConnectionNoteCursorAndFilter(t *testing.T) {
	anna, _ := groupMember(t, "Anna")
	_, benID := groupMember(t, "Ben")
	for _, note := range []string{"a\x00b", "a\x1bb", strings.Repeat("x", 301)} {
		want(t, anna.do(http.MethodPost, "/v1/connections", map[string]any{"accountId": benID, "note": note}), http.StatusBadRequest, "validation_failed")
	}
	r := anna.do(http.MethodPost, "/v1/connections", map[string]any{"accountId": benID, "note": strings.Repeat("x", 10<<10)})
	if r.Status != http.StatusBadRequest && r.Status != http.StatusRequestEntityTooLarge {
		t.Fatalf("10 kB note: %d %s", r.Status, r.Body)
	}
	for _, sk := range []string{"BLOCKEDBY#", "CONN#HIDDEN#", "PROFILE", "CONN#IN"} {
		cursor := base64.RawURLEncoding.EncodeToString([]byte(sk))
		want(t, anna.do(http.MethodGet, "/v1/connections?filter=incoming&cursor="+cursor, nil), http.StatusBadRequest)
	}
	for _, q := range []string{"filter=incoming&limit=0", "filter=incoming&limit=101", "filter=incoming&limit=x",
		"filter=incoming&cursor=" + base64.RawURLEncoding.EncodeToString([]byte("CONN#OUT#"))} {
		want(t, anna.do(http.MethodGet, "/v1/connections?"+q, nil), http.StatusBadRequest)
	}
	for _, sk := range []string{"BLOCKEDBY#", "CONN#HIDDEN#"} {
		want(t, anna.do(http.MethodGet, "/v1/blocks?cursor="+base64.RawURLEncoding.EncodeToString([]byte(sk)), nil), http.StatusBadRequest)
	}
	for _, f := range []string{"hidden", "blocks", "INCOMING", ""} {
		want(t, anna.do(http.MethodGet, "/v1/connections?filter="+url.QueryEscape(f), nil), http.StatusBadRequest, "validation_failed")
	}
}

// Attack (HKC-9): queries with NUL, right-to-left overrides, combining marks,
// many words, a type in other case, limits that are no numbers; every one is
// refused or harmless (no 500), and no query text is ever logged.
func TestAttackSearchInjectionAndLogs(t *testing.T) {
	member, _ := groupMember(t, "Sina")
	secret := uniqueWord("geheim")
	for _, q := range []string{secret + "\x00x", "\u202e" + secret, secret + "\u0301\u0301\u0301", strings.Repeat(secret+" ", 20)[:190],
		"*", secret + "\xff"} {
		r := member.do(http.MethodGet, "/v1/search?type=people&q="+url.QueryEscape(q), nil)
		if r.Status != http.StatusOK && r.Status != http.StatusBadRequest {
			t.Fatalf("%q: %d %s", q, r.Status, r.Body)
		}
	}
	for _, qs := range []string{"type=PEOPLE&q=anna", "type=people&q=anna&limit=abc", "type=people&q=anna&limit=-1", "type=people&type=posts&q=anna",
		"type=people&q=anna&limit=1e1"} {
		want(t, member.do(http.MethodGet, "/v1/search?"+qs, nil), http.StatusBadRequest, "validation_failed")
	}
	if strings.Contains(strings.ToLower(logs.String()), secret) {
		t.Fatal("a search query is in the logs")
	}
}

// Attack (HKC-10): a member gives herself an honorary office, or marks or
// history of the register, through the profile's own route or the staff's
// routes with her own id; another member asks for her register view by id. All
// are refused or change nothing; the staff's routes are 403 for her, as every
// admin route.
func TestAttackMemberCannotSetHerOwnHonoraryOffice(t *testing.T) {
	mallory, malloryID := groupMember(t, "Mallory")
	other, _ := groupMember(t, "Otto")
	number := newRegisterNumber()
	path := "/v1/admin/members/" + malloryID + "/honorary-office"
	want(t, mallory.do(http.MethodPut, path, map[string]any{"registerNumber": number}), http.StatusForbidden, "forbidden")
	want(t, mallory.do(http.MethodGet, path, nil), http.StatusForbidden, "forbidden")
	want(t, mallory.do(http.MethodDelete, path, nil), http.StatusForbidden, "forbidden")
	for _, field := range []map[string]any{
		{"honoraryOffice": true}, {"registerNumber": number},
		{"sources": map[string]any{"company": "2026-01-01T00:00:00Z"}},
		{"history": []any{map[string]any{"field": "company", "old": "a", "new": "b"}}},
	} {
		r := patchProfile(t, mallory, field)
		if r.Status != http.StatusBadRequest && r.Status != http.StatusOK {
			t.Fatalf("patch %v: %d %s", field, r.Status, r.Body)
		}
	}
	for _, m := range []string{http.MethodPut, http.MethodPatch, http.MethodPost, http.MethodDelete} {
		if r := mallory.do(m, "/v1/me/profile/register", map[string]any{"registerNumber": number}); r.Status < 400 {
			t.Fatalf("%s /v1/me/profile/register: %d", m, r.Status)
		}
	}
	if v := registerView(t, mallory); v.HonoraryOffice || v.RegisterNumber != "" || len(v.Sources) != 0 || len(v.History) != 0 {
		t.Fatalf("mallory's view after the attempts: %+v", v)
	}
	// Another member's register view is nowhere to be had: a query naming her
	// id still answers the reader's own.
	_, hid, _ := honoraryMember(t, staffClient(t), "Hilde")
	if v := registerView(t, other); v.HonoraryOffice || v.RegisterNumber != "" {
		t.Fatalf("another member's view: %+v", v)
	}
	r := other.do(http.MethodGet, "/v1/me/profile/register?accountId="+hid, nil)
	want(t, r, http.StatusOK)
	if strings.Contains(string(r.Body), "HRB") {
		t.Fatalf("a query named another member's office: %s", r.Body)
	}
	want(t, other.do(http.MethodGet, "/v1/admin/members/"+hid+"/honorary-office", nil), http.StatusForbidden, "forbidden")
}

// Attack (HKC-9): a member of group A searches for group B's post and comment,
// by the whole word, by its prefix and in another spelling (case, umlaut
// transcription); the committee's name is searched by a non-member; nothing of
// B shows, while B's member finds both. A member who leaves a group loses its
// posts at once. The index holds ids and terms only, and no item of the index
// names anything but profiles, groups, posts and comments.
func TestAttackSearchAcrossGroupsPrefixAndSpelling(t *testing.T) {
	staff, _ := groupMember(t, "Sabine", "staff")
	insider, insiderID := groupMember(t, "Ines")
	outsider, _ := groupMember(t, "Otto")
	word := uniqueWord("bilanzgeheimnis")
	committeeWord := uniqueWord("prufungsausschuss")
	committee := newGroup(t, staff, map[string]any{"kind": "committee", "name": "Ausschuss " + committeeWord})
	want(t, staff.do(http.MethodPut, "/v1/groups/"+committee+"/members/"+insiderID, nil), http.StatusCreated)
	p := post(t, insider, committee, "Entwurf Müller "+word)
	c := comment(t, insider, p, "Kommentar "+word+"kommentar")
	eventuallyFound(t, insider, word, "posts", p)
	eventuallyFound(t, insider, word+"kommentar", "posts", c)
	eventuallyFound(t, insider, committeeWord, "groups", committee)
	for _, q := range []string{word, word[:len(word)-2], strings.ToUpper(word), "Mueller " + word, "MÜLLER " + word[:6], word + "kommentar"} {
		wantNone(t, outsider, q, "posts", "a non-member of the committee")
	}
	for _, q := range []string{committeeWord, committeeWord[:5], "Ausschüsse " + committeeWord} {
		wantNone(t, outsider, q, "groups", "a committee's name to a non-member")
	}
	// The index holds no text but its terms, and only documents of the network.
	for _, h := range indexEntries(t, word) {
		if strings.Contains(h, "Entwurf") || strings.Contains(h, "Kommentar") || strings.Contains(h, insiderID) {
			t.Fatalf("an index item holds text or its author: %s", h)
		}
	}
	for _, h := range scanFor(t, "NetworkTable", `"pk":"SEARCHDOC#`) {
		if !strings.Contains(h, `"pk":"SEARCHDOC#person#`) && !strings.Contains(h, `"pk":"SEARCHDOC#group#`) &&
			!strings.Contains(h, `"pk":"SEARCHDOC#post#`) && !strings.Contains(h, `"pk":"SEARCHDOC#comment#`) {
			t.Fatalf("the index names something else: %.200s", h)
		}
	}
	// Leaving: the posts are gone from the very next search.
	want(t, staff.do(http.MethodDelete, "/v1/groups/"+committee+"/members/"+insiderID, nil), http.StatusNoContent)
	wantNone(t, insider, word, "posts", "a committee the searcher just left")
}

// Attack (HKC-8): the recipient accepts a request the sender has withdrawn,
// and the sender withdraws one that was accepted: the later one is 404 and
// changes nothing, so both sides stay alike. The notes, names and address of
// the flow never reach the logs. (Sent at the same moment the two depend on
// DynamoDB's transactions being isolated; the local emulator restores a copy of
// the table after a failed transaction, which can bring back what the other one
// deleted, so the race itself is not run here.)
func TestAttackAcceptAfterWithdrawAndBack(t *testing.T) {
	anna, _ := groupMember(t, "Annika")
	ben, benID := groupMember(t, "Benedikt")
	note := uniqueWord("vertraulichenotiz")
	id := ask(t, anna, benID, "Notiz "+note, http.StatusCreated)
	want(t, anna.do(http.MethodDelete, "/v1/connections/"+id, nil), http.StatusNoContent)
	want(t, ben.do(http.MethodPost, "/v1/connections/"+id+"/accept", nil), http.StatusNotFound, "not_found")
	for _, c := range []*client{anna, ben} {
		if n := len(connections(t, c, "accepted")) + len(connections(t, c, "incoming")) + len(connections(t, c, "outgoing")); n != 0 {
			t.Fatalf("%d entries after accepting a withdrawn request", n)
		}
	}
	id = ask(t, anna, benID, "Notiz "+note, http.StatusCreated)
	want(t, ben.do(http.MethodPost, "/v1/connections/"+id+"/accept", nil), http.StatusOK)
	// Anna's "withdraw" of the accepted request ends the contact, as the route says;
	// a replay is 404.
	want(t, anna.do(http.MethodDelete, "/v1/connections/"+id, nil), http.StatusNoContent)
	want(t, anna.do(http.MethodDelete, "/v1/connections/"+id, nil), http.StatusNotFound, "not_found")
	want(t, ben.do(http.MethodPost, "/v1/connections/"+id+"/accept", nil), http.StatusNotFound, "not_found")
	for _, c := range []*client{anna, ben} {
		if n := len(connections(t, c, "accepted")) + len(connections(t, c, "incoming")) + len(connections(t, c, "outgoing")); n != 0 {
			t.Fatalf("%d entries after the contact ended", n)
		}
	}
	l := strings.ToLower(logs.String())
	for _, secret := range []string{note, "annika", "benedikt", strings.ToLower(profile(t, ben).Email)} {
		if strings.Contains(l, secret) {
			t.Fatalf("the logs hold %q", secret)
		}
	}
}

// Attack (HKC-8, HKC-14): a member probes ids with requests and blocks — her own,
// an unknown one, an account without the network role, a member whose profile
// is not complete, a member who left the network — and compares the answers
// byte for byte: all are the same 404, so none tells which ids exist.
func TestAttackRequestProbesAreOneAnswer(t *testing.T) {
	mallory, malloryID := groupMember(t, "Mallory")
	outsider, _ := signUp(t, "probe")
	_, incompleteID := networkMember(t)
	leaver, leaverID := groupMember(t, "Lena")
	want(t, leaver.do(http.MethodDelete, "/v1/me", nil), http.StatusOK)
	bodyOf := func(r response) string {
		pb := r.problem(t)
		pb.Instance = ""
		return toJSON(t, pb)
	}
	var first string
	for _, id := range []string{malloryID, profile(t, outsider).ID, incompleteID, leaverID, "0190a0a0-0000-7000-8000-000000000000"} {
		for _, r := range []response{
			mallory.do(http.MethodPost, "/v1/connections", map[string]any{"accountId": id, "note": "Hallo"}),
			mallory.do(http.MethodPut, "/v1/blocks/"+id, nil),
			mallory.do(http.MethodDelete, "/v1/blocks/"+id, nil),
		} {
			want(t, r, http.StatusNotFound, "not_found")
			if b := bodyOf(r); first == "" {
				first = b
			} else if b != first {
				t.Fatalf("answers differ for %s:\n%s\n%s", id, b, first)
			}
		}
	}
}
