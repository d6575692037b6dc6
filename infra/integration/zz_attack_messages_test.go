package integration

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Attacks on direct messages (HKC-7, HKC-14) from outside over HTTP, as a
// stranger and as a malicious member: each names what an attacker tries and
// what must hold.

// shapeOf is what an answer tells apart from another of its kind: the status,
// the header names and the body's keys (nested one level), never the values
// that differ anyway (ids, names, times).
func shapeOf(t *testing.T, r response) string {
	t.Helper()
	var names []string
	for h := range r.Header {
		switch h {
		case "Date", "Content-Length", "Apigw-Requestid", "X-Amzn-Requestid", "X-Request-Id":
			continue
		}
		names = append(names, h)
	}
	slices.Sort(names)
	var keys []string
	if len(r.Body) > 0 {
		for k, v := range object(t, r) {
			keys = append(keys, k)
			if m, ok := v.(map[string]any); ok {
				for kk := range m {
					keys = append(keys, k+"."+kk)
				}
			}
		}
	}
	slices.Sort(keys)
	return strings.Join([]string{http.StatusText(r.Status), strings.Join(names, ","), strings.Join(keys, ",")}, " | ")
}

// Attack (HKC-7): a member who is blocked tries to find out by writing. Every
// answer they get (open, open again, send, read the conversation, list it, read
// their own copies) has the shape of the same answers to a member who is not
// blocked, and the blocker holds nothing of it.
func TestAttackMessagesBlockLeaksNothingToTheSender(t *testing.T) {
	mallory, _ := groupMember(t, "Mallory")
	blocker, blockerID := groupMember(t, "Berta")
	_, plainID := groupMember(t, "Paula")
	block(t, blockerID, profile(t, mallory).ID)

	answers := func(peer string) []response {
		opened := mallory.do(http.MethodPost, "/v1/conversations", map[string]any{"accountId": peer})
		conv := object(t, opened)["id"].(string)
		again := mallory.do(http.MethodPost, "/v1/conversations", map[string]any{"accountId": peer})
		sent := mallory.do(http.MethodPost, "/v1/conversations/"+conv+"/messages", map[string]any{"text": "Hallo, sind Sie da?"})
		return []response{opened, again, sent,
			mallory.do(http.MethodGet, "/v1/conversations/"+conv, nil),
			mallory.do(http.MethodGet, "/v1/conversations/"+conv+"/messages", nil)}
	}
	toBlocker, toPlain := answers(blockerID), answers(plainID)
	for i := range toBlocker {
		if a, b := shapeOf(t, toBlocker[i]), shapeOf(t, toPlain[i]); a != b {
			t.Fatalf("answer %d tells a block apart:\nblocked:     %s\nnot blocked: %s", i, a, b)
		}
	}
	if got, want := len(textsOf(t, mallory, object(t, toBlocker[0])["id"].(string))), 1; got != want {
		t.Fatalf("the blocked sender sees %d of their messages, want %d", got, want)
	}
	if cs, _ := listOf(t, blocker.do(http.MethodGet, "/v1/conversations", nil), "conversations"); len(cs) != 0 {
		t.Fatalf("the blocker lists %v", cs)
	}
}

// Attack (HKC-7): replays of deletions. A message deleted twice, a message of
// the other side deleted by its id, a deleted conversation deleted, read,
// written to again, and reopened with the same member: nothing of it comes
// back for the side that deleted, and the other side keeps all of theirs.
func TestAttackMessagesDeletionReplaysBringNothingBack(t *testing.T) {
	olga, _ := groupMember(t, "Olga")
	piet, pietID := groupMember(t, "Piet")
	conv := openConversation(t, olga, pietID)
	first := secret(t, "Erste")
	second := secret(t, "Zweite")
	m1 := sendMessage(t, olga, conv, first)
	sendMessage(t, piet, conv, second)

	want(t, olga.do(http.MethodDelete, "/v1/messages/"+m1, nil), http.StatusNoContent)
	want(t, olga.do(http.MethodDelete, "/v1/messages/"+m1, nil), http.StatusNotFound, "not_found")
	if got := textsOf(t, olga, conv); len(got) != 1 || got[0] != second {
		t.Fatalf("olga reads %v after deleting her first message", got)
	}
	// Piet keeps his copy.
	if got := textsOf(t, piet, conv); len(got) != 2 {
		t.Fatalf("piet reads %v", got)
	}

	want(t, olga.do(http.MethodDelete, "/v1/conversations/"+conv, nil), http.StatusNoContent)
	for _, r := range []response{
		olga.do(http.MethodDelete, "/v1/conversations/"+conv, nil),
		olga.do(http.MethodGet, "/v1/conversations/"+conv, nil),
		olga.do(http.MethodGet, "/v1/conversations/"+conv+"/messages", nil),
		olga.do(http.MethodPost, "/v1/conversations/"+conv+"/messages", map[string]any{"text": "noch da?"}),
	} {
		want(t, r, http.StatusNotFound, "not_found")
	}
	if cs, _ := listOf(t, olga.do(http.MethodGet, "/v1/conversations", nil), "conversations"); len(cs) != 0 {
		t.Fatalf("olga lists %v after deleting", cs)
	}
	if e := exported(t, olga); strings.Contains(e, first) || strings.Contains(e, second) {
		t.Fatalf("olga's export after deleting: %s", e)
	}

	// Reopened with the same member: the same conversation, empty for Olga.
	again := openConversation(t, olga, pietID)
	if got := textsOf(t, olga, again); len(got) != 0 {
		t.Fatalf("olga's old messages came back: %v", got)
	}
	if got := textsOf(t, piet, conv); len(got) != 2 || got[0] != second || got[1] != first {
		t.Fatalf("piet reads %v", got)
	}
	third := secret(t, "Dritte")
	sendMessage(t, piet, conv, third)
	if got := textsOf(t, olga, again); len(got) != 1 || got[0] != third {
		t.Fatalf("after reopening olga reads %v", got)
	}
	// Both delete: Piet reopens, neither sees anything old.
	want(t, olga.do(http.MethodDelete, "/v1/conversations/"+again, nil), http.StatusNoContent)
	want(t, piet.do(http.MethodDelete, "/v1/conversations/"+conv, nil), http.StatusNoContent)
	reopened := openConversation(t, piet, profile(t, olga).ID)
	sendMessage(t, piet, reopened, "Neu")
	for _, c := range []*client{olga, piet} {
		if got := textsOf(t, c, reopened); len(got) != 1 || got[0] != "Neu" {
			t.Fatalf("after both deleted and piet reopened: %v", got)
		}
	}
}

// Attack (HKC-7): an operator (or a restore) moves stored values around: the
// other side's copy with its key put in place of a copy the member deleted,
// and a copy moved under another message id. Nothing opens: the seals name
// conversation, side and message. Such a copy is left out (it used to fail the
// whole listing and the member's export with 500); the rest still opens.
func TestAttackMessagesMovedCiphertextDoesNotOpen(t *testing.T) {
	rita, _ := groupMember(t, "Rita")
	sven, svenID := groupMember(t, "Sven")
	conv := openConversation(t, rita, svenID)
	gone := secret(t, "Weg")
	m1 := sendMessage(t, rita, conv, gone)
	m2 := sendMessage(t, rita, conv, "Bleibt")
	_, id1, _ := strings.Cut(m1, ".")
	_, id2, _ := strings.Cut(m2, ".")
	svenSide := sideOf(t, svenID, conv)
	ritaSide := map[string]string{"a": "b", "b": "a"}[svenSide]
	want(t, sven.do(http.MethodDelete, "/v1/messages/"+m1, nil), http.StatusNoContent)

	ctx := context.Background()
	get := func(table, pk, sk string) map[string]types.AttributeValue {
		out, err := db().GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(stack.Name(table)), ConsistentRead: aws.Bool(true),
			Key: map[string]types.AttributeValue{"pk": sAV(pk), "sk": sAV(sk)}})
		if err != nil || out.Item == nil {
			t.Fatalf("%s %s %s: %v", table, pk, sk, err)
		}
		return out.Item
	}
	put := func(table, pk, sk string, it map[string]types.AttributeValue) {
		c := map[string]types.AttributeValue{}
		for k, v := range it {
			c[k] = v
		}
		c["pk"], c["sk"] = sAV(pk), sAV("MSG#"+sk)
		if _, err := db().PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(stack.Name(table)), Item: c}); err != nil {
			t.Fatal(err)
		}
	}
	// Rita's copy of the message Sven deleted, with its key, in Sven's side.
	put("NetworkTable", "DMMSG#"+conv+"#"+svenSide, id1, get("NetworkTable", "DMMSG#"+conv+"#"+ritaSide, "MSG#"+id1))
	put("MessageKeysTable", "SIDE#"+conv+"#"+svenSide, id1, get("MessageKeysTable", "SIDE#"+conv+"#"+ritaSide, "MSG#"+id1))
	if got := textsOf(t, sven, conv); len(got) != 1 || got[0] != "Bleibt" {
		t.Fatalf("with the other side's copy moved in, sven reads %q", got)
	}
	// Sven's own copy of message 2 moved under message 1's id (the one he deleted).
	put("NetworkTable", "DMMSG#"+conv+"#"+svenSide, id1, get("NetworkTable", "DMMSG#"+conv+"#"+svenSide, "MSG#"+id2))
	put("MessageKeysTable", "SIDE#"+conv+"#"+svenSide, id1, get("MessageKeysTable", "SIDE#"+conv+"#"+svenSide, "MSG#"+id2))
	if got := textsOf(t, sven, conv); len(got) != 1 || got[0] != "Bleibt" {
		t.Fatalf("with a copy moved under another message id, sven reads %q", got)
	}
	// His export opens what is his and leaves the moved copies out.
	if e := exported(t, sven); strings.Contains(e, gone) || strings.Count(e, "Bleibt") != 1 {
		t.Fatalf("sven's export: %s", e)
	}
	for _, c := range copiesOf(t, conv) {
		if c.side == svenSide && c.msg == id1 {
			if text, ok := openableWithWhatIsLeft(t, c); ok && text == gone {
				t.Fatal("the moved copy opens with a key left")
			}
		}
	}
}

// Attack (HKC-7): hostile input. NUL and other control characters, a text at
// and over the cap in four-byte characters, markup (shown as text), invalid
// JSON, a huge body, a wrong type; limits out of range; a cursor from another
// conversation (it pages only the reader's own copies).
func TestAttackMessagesHostileInput(t *testing.T) {
	ulla, _ := groupMember(t, "Ulla")
	_, vikID := groupMember(t, "Vik")
	_, wimID := groupMember(t, "Wim")
	conv := openConversation(t, ulla, vikID)
	other := openConversation(t, ulla, wimID)
	path := "/v1/conversations/" + conv + "/messages"
	// Direction overrides would make a web address read as another
	// ("https://bank.example/\u202emoc.live" shows as ".../evil.com").
	for _, s := range []string{"a\x00b", "a\x07b", "a\tb", "a\u2028b", "a\u0085b", "\x1b[31mrot", "https://bank.example/\u202emoc.live", "a\u202db", "a\u2067b\u2069"} {
		want(t, ulla.do(http.MethodPost, path, map[string]any{"text": s}), http.StatusBadRequest, "validation_failed")
	}
	want(t, ulla.do(http.MethodPost, path, map[string]any{"text": strings.Repeat("😀", 5001)}), http.StatusBadRequest, "validation_failed")
	sendMessage(t, ulla, conv, strings.Repeat("😀", 5000))
	sendMessage(t, ulla, conv, "שלום \u200fעולם, مرحبا")
	m := object(t, ulla.do(http.MethodPost, path, map[string]any{"text": `<script>alert(1)</script><img src=x onerror=alert(1)> "quoted" & 'single'`}))
	if h := m["html"].(string); strings.Contains(h, "<script") || strings.Contains(h, "<img") {
		t.Fatalf("markup rendered as markup: %s", h)
	}
	for _, body := range []string{`{"text":`, `[]`, `{"text":"a"}{"text":"b"}`, `null`, `"text"`} {
		r := ulla.raw(http.MethodPost, path, "application/json", []byte(body), nil)
		if r.Status != http.StatusBadRequest {
			t.Fatalf("%s: %d %s", body, r.Status, r.Body)
		}
	}
	want(t, ulla.raw(http.MethodPost, path, "application/json", []byte(`{"text":"`+strings.Repeat("a", 1<<20)+`"}`), nil), http.StatusRequestEntityTooLarge)
	want(t, ulla.do(http.MethodPost, "/v1/conversations", map[string]any{"accountId": strings.Repeat("a", 2000)}), http.StatusRequestEntityTooLarge)
	for _, q := range []string{"limit=0", "limit=-1", "limit=101", "limit=99999999999999999999", "limit=abc", "cursor=" + strings.Repeat("A", 5000), "cursor=%00"} {
		want(t, ulla.do(http.MethodGet, path+"?"+q, nil), http.StatusBadRequest, "validation_failed")
		want(t, ulla.do(http.MethodGet, "/v1/conversations?"+q, nil), http.StatusBadRequest, "validation_failed")
	}
	// A cursor from the other conversation pages Ulla's copies of this one only.
	secretOther := secret(t, "Andere")
	sendMessage(t, ulla, other, secretOther)
	sendMessage(t, ulla, other, "zweite")
	_, cursor := listOf(t, ulla.do(http.MethodGet, "/v1/conversations/"+other+"/messages?limit=1", nil), "messages")
	if cursor == "" {
		t.Fatal("no cursor")
	}
	r := ulla.do(http.MethodGet, path+"?cursor="+cursor, nil)
	if strings.Contains(string(r.Body), secretOther) {
		t.Fatalf("a cursor from another conversation read it: %s", r.Body)
	}
	// A message id spliced from this conversation's id and the other's message
	// deletes nothing.
	ms, _ := listOf(t, ulla.do(http.MethodGet, "/v1/conversations/"+other+"/messages", nil), "messages")
	for _, m := range ms {
		_, msg, _ := strings.Cut(m["id"].(string), ".")
		want(t, ulla.do(http.MethodDelete, "/v1/messages/"+conv+"."+msg, nil), http.StatusNotFound, "not_found")
		want(t, ulla.do(http.MethodDelete, "/v1/messages/"+m["id"].(string)+"."+msg, nil), http.StatusNotFound, "not_found")
	}
	if got := textsOf(t, ulla, other); len(got) != 2 || got[1] != secretOther {
		t.Fatalf("after spliced deletions ulla reads %v", got)
	}
}

// Attack (HKC-14): after a member's erasure the other side's conversation, its
// listing and its export name no erased id; the former member cannot be opened
// again (404, as an unknown id) nor written to (409).
func TestAttackMessagesErasedMemberLeavesNoIdBehind(t *testing.T) {
	xaver, xaverID := groupMember(t, "Xaver")
	yvo, yvoID := groupMember(t, "Yvo")
	conv := openConversation(t, xaver, yvoID)
	sendMessage(t, xaver, conv, "Von Xaver")
	sendMessage(t, yvo, conv, "Von Yvo")
	want(t, xaver.do(http.MethodDelete, "/v1/me", nil), http.StatusOK)
	for _, r := range []response{
		yvo.do(http.MethodGet, "/v1/conversations", nil),
		yvo.do(http.MethodGet, "/v1/conversations/"+conv, nil),
		yvo.do(http.MethodGet, "/v1/conversations/"+conv+"/messages", nil),
	} {
		want(t, r, http.StatusOK)
		if strings.Contains(string(r.Body), xaverID) {
			t.Fatalf("an answer names the erased member: %s", r.Body)
		}
	}
	if e := exported(t, yvo); strings.Contains(e, xaverID) || !strings.Contains(e, "Von Xaver") {
		t.Fatalf("yvo's export: %s", e)
	}
	want(t, yvo.do(http.MethodPost, "/v1/conversations", map[string]any{"accountId": xaverID}), http.StatusNotFound, "not_found")
	want(t, yvo.do(http.MethodPost, "/v1/conversations/"+conv+"/messages", map[string]any{"text": "Hallo?"}), http.StatusConflict, "conversation_closed")
	for _, tb := range []string{"NetworkTable", "MessageKeysTable"} {
		for _, it := range scanAll(t, tb) {
			if holdsAny(it, xaverID) {
				t.Fatalf("%s holds the erased account: %v %v", tb, it["pk"], it["sk"])
			}
		}
	}
}
