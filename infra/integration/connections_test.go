package integration

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"kontor/shared/ratelimit"
)

// connections lists the caller's requests or contacts under filter.
func connections(t *testing.T, c *client, filter string) []map[string]any {
	t.Helper()
	out, _ := listOf(t, c.do(http.MethodGet, "/v1/connections?filter="+filter, nil), "connections")
	return out
}

// ask sends a contact request and returns the answer's connection id.
func ask(t *testing.T, c *client, to, note string, status int) string {
	t.Helper()
	r := c.do(http.MethodPost, "/v1/connections", map[string]any{"accountId": to, "note": note})
	want(t, r, status)
	return object(t, r)["id"].(string)
}

// ids of a listing's entries, and of their other members.
func idsOf(entries []map[string]any, field string) []string {
	var out []string
	for _, e := range entries {
		out = append(out, e[field].(string))
	}
	return out
}

// Promise: HKC-8 — members connect: a request with a note reaches only its
// recipient (told by a mail without the note or the sender's name), who accepts or declines it; only the two see it (any other id, also
// the other member's, is 404); names come from the profile at read time; either
// ends the contact; a request the other member sent already is accepted instead
// of a second one; sending again is idempotent.
func TestConnectionsRequestAcceptDeclineRemove(t *testing.T) {
	anna, annaID := groupMember(t, "Anna")
	ben, benID := groupMember(t, "Ben")
	carla, carlaID := groupMember(t, "Carla")

	id := ask(t, anna, benID, "Wir kennen uns vom Neujahrsempfang <b>", http.StatusCreated)
	if again := ask(t, anna, benID, "noch einmal", http.StatusOK); again != id {
		t.Fatalf("a second request %s beside %s", again, id)
	}
	out := connections(t, anna, "outgoing")
	if len(out) != 1 || out[0]["id"] != id || out[0]["accountId"] != benID || out[0]["status"] != "outgoing" {
		t.Fatalf("anna's outgoing: %v", out)
	}
	// Ben is told by mail, which names no one and carries no note.
	m := mailTo(t, profile(t, ben).Email, "contact request")
	if strings.Contains(m.Text, "Neujahrsempfang") || strings.Contains(m.Text, "Anna") || !strings.Contains(m.Text, "/en/network/connections") {
		t.Fatalf("request mail: %s", m.Text)
	}
	in := connections(t, ben, "incoming")
	if len(in) != 1 || in[0]["id"] != id || in[0]["note"] != "Wir kennen uns vom Neujahrsempfang <b>" || in[0]["name"] != "Anna Großmann" {
		t.Fatalf("ben's incoming: %v", in)
	}
	// Names are read now: Anna's new name shows at once.
	want(t, patchProfile(t, anna, map[string]any{"firstName": "Annabell"}), http.StatusOK)
	if in := connections(t, ben, "incoming"); in[0]["name"] != "Annabell Großmann" {
		t.Fatalf("name after the change: %v", in)
	}
	// Nobody else sees it; the sender cannot accept her own request.
	for _, p := range []string{"/accept", "/decline"} {
		want(t, carla.do(http.MethodPost, "/v1/connections/"+id+p, nil), http.StatusNotFound, "not_found")
		want(t, anna.do(http.MethodPost, "/v1/connections/"+id+p, nil), http.StatusForbidden, "forbidden")
	}
	want(t, carla.do(http.MethodDelete, "/v1/connections/"+id, nil), http.StatusNotFound, "not_found")
	want(t, ben.do(http.MethodPost, "/v1/connections/0190a0a0-0000-7000-8000-000000000000/accept", nil), http.StatusNotFound, "not_found")
	want(t, ben.do(http.MethodPost, "/v1/connections/not-an-id/accept", nil), http.StatusNotFound, "not_found")
	if len(connections(t, carla, "incoming"))+len(connections(t, carla, "outgoing")) != 0 {
		t.Fatal("carla sees a request between others")
	}

	r := ben.do(http.MethodPost, "/v1/connections/"+id+"/accept", nil)
	want(t, r, http.StatusOK)
	if v := object(t, r); v["status"] != "accepted" || v["note"] != nil || v["since"] == nil {
		t.Fatalf("accepted: %v", v)
	}
	want(t, ben.do(http.MethodPost, "/v1/connections/"+id+"/accept", nil), http.StatusOK)
	for _, c := range []*client{anna, ben} {
		if acc := connections(t, c, "accepted"); len(acc) != 1 || acc[0]["id"] != id {
			t.Fatalf("accepted: %v", acc)
		}
		if len(connections(t, c, "incoming"))+len(connections(t, c, "outgoing")) != 0 {
			t.Fatal("a request left after acceptance")
		}
	}
	want(t, anna.do(http.MethodPost, "/v1/connections", map[string]any{"accountId": benID}), http.StatusConflict, "already_connected")
	want(t, ben.do(http.MethodPost, "/v1/connections/"+id+"/decline", nil), http.StatusConflict, "already_connected")
	// Either member ends the contact; for both it is gone.
	want(t, anna.do(http.MethodDelete, "/v1/connections/"+id, nil), http.StatusNoContent)
	want(t, ben.do(http.MethodDelete, "/v1/connections/"+id, nil), http.StatusNotFound, "not_found")
	if len(connections(t, ben, "accepted")) != 0 {
		t.Fatal("contact left after removal")
	}

	// Carla asks Ben, then Ben asks Carla: his request accepts hers.
	cid := ask(t, carla, benID, "", http.StatusCreated)
	r = ben.do(http.MethodPost, "/v1/connections", map[string]any{"accountId": carlaID})
	want(t, r, http.StatusCreated)
	if v := object(t, r); v["id"] != cid || v["status"] != "accepted" {
		t.Fatalf("crossing requests: %v", v)
	}
	// A withdrawn request is gone for both.
	wid := ask(t, anna, carlaID, "", http.StatusCreated)
	want(t, anna.do(http.MethodDelete, "/v1/connections/"+wid, nil), http.StatusNoContent)
	if len(connections(t, carla, "incoming")) != 0 {
		t.Fatal("a withdrawn request still reaches its recipient")
	}
	_ = annaID
}

// Promise: HKC-8 — a request to oneself, to an unknown id, to an account without
// the network role or to a member without a complete profile is the same 404;
// an account without the role gets 404 for every route; a bad note or filter is
// a field problem; after a decline, asking the same member again waits 30 days
// (429 with Retry-After); mass requests are refused with 429.
func TestConnectionsRefuseBadInputAndThrottle(t *testing.T) {
	dora, doraID := groupMember(t, "Dora")
	emil, emilID := groupMember(t, "Emil")
	outsider, _ := signUp(t, "noconnect")
	outsiderID := profile(t, outsider).ID
	incomplete, incompleteID := networkMember(t)

	for _, to := range []string{doraID, outsiderID, incompleteID, "0190a0a0-0000-7000-8000-000000000000", "x"} {
		want(t, dora.do(http.MethodPost, "/v1/connections", map[string]any{"accountId": to}), http.StatusNotFound, "not_found")
		if to != doraID {
			want(t, dora.do(http.MethodPut, "/v1/blocks/"+to, nil), http.StatusNotFound, "not_found")
		}
	}
	want(t, dora.do(http.MethodPut, "/v1/blocks/"+doraID, nil), http.StatusNotFound, "not_found")
	want(t, outsider.do(http.MethodPost, "/v1/connections", map[string]any{"accountId": doraID}), http.StatusNotFound, "not_found")
	want(t, outsider.do(http.MethodGet, "/v1/connections?filter=incoming", nil), http.StatusNotFound, "not_found")
	want(t, outsider.do(http.MethodGet, "/v1/blocks", nil), http.StatusNotFound, "not_found")
	want(t, outsider.do(http.MethodPut, "/v1/blocks/"+doraID, nil), http.StatusNotFound, "not_found")
	_ = incomplete

	r := dora.do(http.MethodPost, "/v1/connections", map[string]any{"accountId": emilID, "note": strings.Repeat("x", 301)})
	want(t, r, http.StatusBadRequest, "validation_failed")
	if p := r.problem(t); len(p.Errors) != 1 || p.Errors[0].Field != "note" || p.Errors[0].Code != "too_long" {
		t.Fatalf("problem: %+v", p)
	}
	want(t, dora.do(http.MethodPost, "/v1/connections", map[string]any{"accountId": emilID, "note": "a\x00b"}), http.StatusBadRequest, "validation_failed")
	want(t, dora.do(http.MethodPost, "/v1/connections", map[string]any{"note": "hi"}), http.StatusBadRequest, "validation_failed")
	want(t, dora.do(http.MethodPost, "/v1/connections", map[string]any{"accountId": emilID, "extra": 1}), http.StatusBadRequest, "invalid_json")
	want(t, dora.do(http.MethodGet, "/v1/connections?filter=everyone", nil), http.StatusBadRequest, "validation_failed")
	if len(connections(t, emil, "incoming")) != 0 {
		t.Fatal("a refused request arrived")
	}

	// Emil declines; Dora cannot ask again for 30 days.
	id := ask(t, dora, emilID, "Hallo", http.StatusCreated)
	want(t, emil.do(http.MethodPost, "/v1/connections/"+id+"/decline", nil), http.StatusNoContent)
	if len(connections(t, dora, "outgoing")) != 0 {
		t.Fatal("the declined request is still pending for its sender")
	}
	r = dora.do(http.MethodPost, "/v1/connections", map[string]any{"accountId": emilID})
	want(t, r, http.StatusTooManyRequests, "too_many_attempts")
	if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 29*24*3600 || s > 30*24*3600 {
		t.Fatalf("Retry-After %q", r.Header.Get("Retry-After"))
	}
	// Emil may still ask Dora.
	ask(t, emil, doraID, "", http.StatusCreated)

	// Mass requests: past network.connect every request is 429, also to real members.
	mass, _ := groupMember(t, "Massimo")
	var last response
	for i := 0; i <= ratelimit.NetworkConnect.Max; i++ {
		last = mass.do(http.MethodPost, "/v1/connections", map[string]any{"accountId": "0190a0a0-0000-7000-8000-" + strconv.Itoa(100000000000+i)})
	}
	want(t, last, http.StatusTooManyRequests, "too_many_attempts")
	want(t, mass.do(http.MethodPost, "/v1/connections", map[string]any{"accountId": emilID}), http.StatusTooManyRequests, "too_many_attempts")
	if last.Header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
}

// Promise: HKC-8 — a member blocks another: the blocker's own request to them is
// withdrawn and their contact ends (an ordinary removal for the blocked side); a
// request from the blocked member disappears for the blocker and stays pending for
// the sender, and new ones look pending to the sender and never arrive; the
// blocked member learns nothing. Unblocking lets new requests arrive again.
func TestConnectionsBlocksTellTheBlockedSideNothing(t *testing.T) {
	fritz, fritzID := groupMember(t, "Fritz")
	gisela, giselaID := groupMember(t, "Gisela")
	hanna, hannaID := groupMember(t, "Hanna")

	// Fritz and Gisela are connected; Hanna asked Fritz; Fritz asked... nobody yet.
	cid := ask(t, fritz, giselaID, "", http.StatusCreated)
	want(t, gisela.do(http.MethodPost, "/v1/connections/"+cid+"/accept", nil), http.StatusOK)
	hid := ask(t, hanna, fritzID, "Vor dem Block", http.StatusCreated)
	oid := ask(t, fritz, hannaID, "", http.StatusCreated) // crossing: accepts Hanna's
	if oid != hid {
		t.Fatalf("crossing request: %s, %s", oid, hid)
	}
	want(t, fritz.do(http.MethodDelete, "/v1/connections/"+hid, nil), http.StatusNoContent)
	hid = ask(t, hanna, fritzID, "Vor dem Block", http.StatusCreated)

	want(t, fritz.do(http.MethodPut, "/v1/blocks/"+giselaID, nil), http.StatusNoContent)
	want(t, fritz.do(http.MethodPut, "/v1/blocks/"+hannaID, nil), http.StatusNoContent)
	want(t, fritz.do(http.MethodPut, "/v1/blocks/"+hannaID, nil), http.StatusNoContent)
	blocks, _ := listOf(t, fritz.do(http.MethodGet, "/v1/blocks", nil), "blocks")
	if got := idsOf(blocks, "accountId"); len(got) != 2 || blocks[0]["name"] == nil {
		t.Fatalf("blocks: %v", blocks)
	}
	// Gisela sees an ordinary removal; Fritz has no contact either.
	if len(connections(t, gisela, "accepted"))+len(connections(t, fritz, "accepted")) != 0 {
		t.Fatal("the contact outlived the block")
	}
	// Hanna's request: gone for Fritz, pending for her.
	if len(connections(t, fritz, "incoming")) != 0 {
		t.Fatal("the blocked member's request still reaches the blocker")
	}
	if out := connections(t, hanna, "outgoing"); len(out) != 1 || out[0]["id"] != hid || out[0]["status"] != "outgoing" {
		t.Fatalf("hanna's view: %v", out)
	}
	want(t, fritz.do(http.MethodPost, "/v1/connections/"+hid+"/accept", nil), http.StatusNotFound, "not_found")
	// A new request of Gisela looks the same as any: 201, pending; it never
	// arrives, and no mail tells of it.
	fritzMail := profile(t, fritz).Email
	mailsBefore := mailCount(t, fritzMail)
	r := gisela.do(http.MethodPost, "/v1/connections", map[string]any{"accountId": fritzID, "note": "Warum?"})
	want(t, r, http.StatusCreated)
	gid := object(t, r)["id"].(string)
	if v := object(t, r); v["status"] != "outgoing" || v["name"] == nil {
		t.Fatalf("blocked side's answer: %v", v)
	}
	want(t, gisela.do(http.MethodPost, "/v1/connections", map[string]any{"accountId": fritzID}), http.StatusOK)
	if len(connections(t, fritz, "incoming")) != 0 {
		t.Fatal("a request from a blocked member arrived")
	}
	// Fritz cannot ask a member he blocks; Gisela can withdraw as usual.
	want(t, fritz.do(http.MethodPost, "/v1/connections", map[string]any{"accountId": giselaID}), http.StatusConflict, "member_blocked")
	want(t, gisela.do(http.MethodDelete, "/v1/connections/"+gid, nil), http.StatusNoContent)
	// Gisela's export says nothing of the block.
	for _, cat := range export(t, gisela).Categories {
		if strings.Contains(toJSON(t, cat.Data), fritzID) && cat.ID == "network.blocks" {
			t.Fatalf("the blocked member's export names the blocker: %v", cat.Data)
		}
	}
	if got := toJSON(t, export(t, gisela)); strings.Contains(got, "BLOCKEDBY") || strings.Contains(got, "blockedBy") {
		t.Fatal("the export tells of a block")
	}
	// Unblocked: a new request arrives again.
	want(t, fritz.do(http.MethodDelete, "/v1/blocks/"+giselaID, nil), http.StatusNoContent)
	want(t, fritz.do(http.MethodDelete, "/v1/blocks/"+giselaID, nil), http.StatusNotFound, "not_found")
	ask(t, gisela, fritzID, "", http.StatusCreated)
	if in := connections(t, fritz, "incoming"); len(in) != 1 || in[0]["accountId"] != giselaID {
		t.Fatalf("after unblocking: %v", in)
	}
	// One mail for the request after the unblocking, none for the one before.
	deadline := time.Now().Add(10 * time.Second)
	for mailCount(t, fritzMail) < mailsBefore+1 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(time.Second)
	if n := mailCount(t, fritzMail); n != mailsBefore+1 {
		t.Fatalf("%d mails to the blocker since the blocked request, want 1", n-mailsBefore)
	}
	// The storage contract the direct messages read: ACCOUNT#<A> / BLOCK#<B>.
	if n := scanFor(t, "NetworkTable", "BLOCK#"+hannaID); len(n) != 1 {
		t.Fatalf("block items of Hanna: %v", n)
	}
}

// Promise: HKC-8, HKC-14 — the export holds the member's requests, contacts and the
// blocks they made; a deactivation erases every request, contact, decline and block
// involving the account on both sides (a request hidden by the account's block
// too), and the other members' lists no longer name it.
func TestConnectionsExportAndErasure(t *testing.T) {
	leaver, leaverID := groupMember(t, "Ludwig")
	other, otherID := groupMember(t, "Olga")
	third, thirdID := groupMember(t, "Theo")
	blocker, blockerID := groupMember(t, "Berta")
	hidden, hiddenID := groupMember(t, "Hugo")

	cid := ask(t, leaver, otherID, "", http.StatusCreated)
	want(t, other.do(http.MethodPost, "/v1/connections/"+cid+"/accept", nil), http.StatusOK)
	ask(t, leaver, thirdID, "Mein Hinweis", http.StatusCreated)
	did := ask(t, third, leaverID, "", http.StatusCreated) // accepts Ludwig's
	want(t, leaver.do(http.MethodDelete, "/v1/connections/"+did, nil), http.StatusNoContent)
	did = ask(t, third, leaverID, "", http.StatusCreated)
	want(t, leaver.do(http.MethodPost, "/v1/connections/"+did+"/decline", nil), http.StatusNoContent)
	want(t, leaver.do(http.MethodPut, "/v1/blocks/"+blockerID, nil), http.StatusNoContent)
	want(t, blocker.do(http.MethodPut, "/v1/blocks/"+leaverID, nil), http.StatusNoContent)
	ask(t, blocker, otherID, "", http.StatusCreated)
	// Hugo, blocked by Ludwig, asks him: the request is stored for Hugo alone.
	want(t, leaver.do(http.MethodPut, "/v1/blocks/"+hiddenID, nil), http.StatusNoContent)
	ask(t, hidden, leaverID, "Versteckt", http.StatusCreated)

	got := map[string]string{}
	for _, cat := range export(t, leaver).Categories {
		got[cat.ID] = toJSON(t, cat.Data)
	}
	if !strings.Contains(got["network.connections"], cid) || !strings.Contains(got["network.connections"], thirdID) {
		t.Fatalf("connections exported: %s", got["network.connections"])
	}
	if !strings.Contains(got["network.blocks"], blockerID) {
		t.Fatalf("blocks exported: %s", got["network.blocks"])
	}
	// Berta blocks Ludwig too: his export lists his block of her once, never hers.
	if strings.Count(got["network.blocks"], blockerID) != 1 {
		t.Fatalf("blocks exported: %s", got["network.blocks"])
	}

	want(t, leaver.do(http.MethodDelete, "/v1/me", nil), http.StatusOK)

	if len(connections(t, other, "accepted")) != 0 || len(connections(t, third, "outgoing"))+len(connections(t, third, "incoming")) != 0 {
		t.Fatal("the former member is still listed")
	}
	if blocks, _ := listOf(t, blocker.do(http.MethodGet, "/v1/blocks", nil), "blocks"); len(blocks) != 0 {
		t.Fatalf("blocks of the former member: %v", blocks)
	}
	if hits := scanFor(t, "NetworkTable", leaverID); len(hits) > 0 {
		t.Fatalf("the network table still names the former member: %v", hits)
	}
	if out := connections(t, hidden, "outgoing"); len(out) != 0 {
		t.Fatalf("hugo's request to the former member: %v", out)
	}
	// The others' own data stays.
	if out := connections(t, blocker, "outgoing"); len(out) != 1 || out[0]["accountId"] != otherID {
		t.Fatalf("berta's request: %v", out)
	}
}
