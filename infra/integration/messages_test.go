package integration

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"kontor/shared/network"
	"kontor/shared/network/networkdb"
	"kontor/shared/ratelimit"
)

// openConversation opens c's conversation with a member and returns its id.
func openConversation(t *testing.T, c *client, peerID string) string {
	t.Helper()
	r := c.do(http.MethodPost, "/v1/conversations", map[string]any{"accountId": peerID})
	if r.Status != http.StatusCreated && r.Status != http.StatusOK {
		t.Fatalf("open conversation: %d %s", r.Status, r.Body)
	}
	return object(t, r)["id"].(string)
}

// sendMessage sends a message and returns its id.
func sendMessage(t *testing.T, c *client, conv, text string) string {
	t.Helper()
	r := c.do(http.MethodPost, "/v1/conversations/"+conv+"/messages", map[string]any{"text": text})
	want(t, r, http.StatusCreated)
	m := object(t, r)
	if m["text"] != text || m["mine"] != true {
		t.Fatalf("sent: %v", m)
	}
	return m["id"].(string)
}

// textsOf lists the texts of c's copies of a conversation, newest first.
func textsOf(t *testing.T, c *client, conv string) []string {
	t.Helper()
	ms, _ := listOf(t, c.do(http.MethodGet, "/v1/conversations/"+conv+"/messages", nil), "messages")
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m["text"].(string)
	}
	return out
}

// secret is a text no other test writes.
func secret(t *testing.T, what string) string {
	t.Helper()
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return what + "-" + hex.EncodeToString(b)
}

// block makes a block b as the blocks feature stores it: ACCOUNT#<a> /
// BLOCK#<b> on the network table.
func block(t *testing.T, a, b string) {
	t.Helper()
	_, err := db().PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(stack.Name("NetworkTable")),
		Item: map[string]types.AttributeValue{"pk": sAV("ACCOUNT#" + a), "sk": sAV("BLOCK#" + b)}})
	if err != nil {
		t.Fatal(err)
	}
}

// scanAll reads every item of a table.
func scanAll(t *testing.T, logicalID string) []map[string]types.AttributeValue {
	t.Helper()
	var out []map[string]types.AttributeValue
	p := dynamodb.NewScanPaginator(db(), &dynamodb.ScanInput{TableName: aws.String(stack.Name(logicalID)), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page.Items...)
	}
	return out
}

// holds reports whether an attribute value holds needle anywhere.
func holds(v types.AttributeValue, needle []byte) bool {
	switch x := v.(type) {
	case *types.AttributeValueMemberS:
		return bytes.Contains([]byte(x.Value), needle)
	case *types.AttributeValueMemberB:
		return bytes.Contains(x.Value, needle)
	case *types.AttributeValueMemberSS:
		return bytes.Contains([]byte(strings.Join(x.Value, "\x00")), needle)
	case *types.AttributeValueMemberBS:
		return bytes.Contains(bytes.Join(x.Value, nil), needle)
	case *types.AttributeValueMemberL:
		for _, e := range x.Value {
			if holds(e, needle) {
				return true
			}
		}
	case *types.AttributeValueMemberM:
		for _, e := range x.Value {
			if holds(e, needle) {
				return true
			}
		}
	}
	return false
}

// placesHolding names every place outside the members' own exports where one
// of the needles is found: each item of every table of the template, each
// object of every bucket, every mail sent, and the functions' log output.
func placesHolding(t *testing.T, needles ...[]byte) []string {
	t.Helper()
	ctx := context.Background()
	var found []string
	for _, tb := range stack.Template().Tables {
		for _, it := range scanAll(t, tb.LogicalID) {
			for name, v := range it {
				for _, n := range needles {
					if holds(v, n) {
						found = append(found, tb.LogicalID+"."+name)
					}
				}
			}
		}
	}
	s3c := s3.NewFromConfig(awsCfg, func(o *s3.Options) { o.UsePathStyle = true })
	for _, b := range stack.Template().Buckets {
		p := s3.NewListObjectsV2Paginator(s3c, &s3.ListObjectsV2Input{Bucket: aws.String(stack.Name(b))})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				t.Fatalf("list %s: %v", b, err)
			}
			for _, o := range page.Contents {
				obj, err := s3c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(stack.Name(b)), Key: o.Key})
				if err != nil {
					t.Fatalf("get %s/%s: %v", b, aws.ToString(o.Key), err)
				}
				body, err := io.ReadAll(obj.Body)
				_ = obj.Body.Close()
				if err != nil {
					t.Fatal(err)
				}
				for _, n := range needles {
					if bytes.Contains(body, n) {
						found = append(found, b+"/"+aws.ToString(o.Key))
					}
				}
			}
		}
	}
	mails, err := stack.Mail(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mails {
		for _, n := range needles {
			if bytes.Contains([]byte(m.Subject+m.Text+toJSON(t, m.Headers)), n) {
				found = append(found, "mail to "+strings.Join(m.To, ","))
			}
		}
	}
	for _, n := range needles {
		if bytes.Contains([]byte(logs.String()), n) {
			found = append(found, "function logs")
		}
	}
	return found
}

// exported is the member's export of direct messages, as JSON.
func exported(t *testing.T, c *client) string {
	t.Helper()
	for _, cat := range export(t, c).Categories {
		if cat.ID == "network.messages" {
			return toJSON(t, cat.Data)
		}
	}
	t.Fatal("the export has no network.messages")
	return ""
}

// storedCopy is a copy as a restore of the network table would bring it back.
type storedCopy struct {
	conv, side, msg string
	cipher          []byte
}

// copiesOf reads every stored copy of a conversation (both sides) from the
// network table.
func copiesOf(t *testing.T, conv string) []storedCopy {
	t.Helper()
	var out []storedCopy
	for _, it := range scanAll(t, "NetworkTable") {
		pk := it["pk"].(*types.AttributeValueMemberS).Value
		rest, ok := strings.CutPrefix(pk, "DMMSG#"+conv+"#")
		if !ok {
			continue
		}
		out = append(out, storedCopy{conv: conv, side: rest, msg: it["id"].(*types.AttributeValueMemberS).Value,
			cipher: it["cipher"].(*types.AttributeValueMemberB).Value})
	}
	return out
}

// openableWithWhatIsLeft tries every key left on the message keys table on a
// copy: every side key that KMS opens (under its own context and under the
// copy's) with every sealed message key. It returns the text if any pair opens it.
func openableWithWhatIsLeft(t *testing.T, c storedCopy) (string, bool) {
	t.Helper()
	ctx := context.Background()
	k := kms.NewFromConfig(awsCfg)
	var sideKeys [][]byte
	var msgKeys [][]byte
	for _, it := range scanAll(t, "MessageKeysTable") {
		sealed := it["sealed"].(*types.AttributeValueMemberB).Value
		if it["sk"].(*types.AttributeValueMemberS).Value != "KEY" {
			msgKeys = append(msgKeys, sealed)
			continue
		}
		parts := strings.Split(it["pk"].(*types.AttributeValueMemberS).Value, "#")
		for _, ec := range []map[string]string{networkdb.SideContext(parts[1], parts[2]), networkdb.SideContext(c.conv, c.side)} {
			out, err := k.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: sealed, EncryptionContext: ec})
			if err == nil {
				sideKeys = append(sideKeys, out.Plaintext)
			}
		}
	}
	for _, sk := range sideKeys {
		for _, mk := range msgKeys {
			if text, err := network.OpenCopy(sk, c.conv, c.side, c.msg, mk, c.cipher); err == nil {
				return text, true
			}
		}
	}
	return "", false
}

// wantNowhere fails unless no needle is found in any place a copy could be.
func wantNowhere(t *testing.T, when string, needles ...string) {
	t.Helper()
	bs := make([][]byte, len(needles))
	for i, n := range needles {
		bs[i] = []byte(n)
	}
	if found := placesHolding(t, bs...); len(found) > 0 {
		t.Fatalf("%s: found in %v", when, found)
	}
}

// Promise: HKC-7 — a conversation is visible only to its two members, each
// deletes their own view; a message is stored only sealed, and once deleted it
// is in no table, bucket, mail, log or export, and its stored ciphertext (as a
// point-in-time restore of the network table would bring back) opens with no
// key left anywhere.
func TestMessagesDeletedCannotBeRestored(t *testing.T) {
	anna, annaID := groupMember(t, "Annegret")
	ben, benID := groupMember(t, "Benedikt")
	conv := openConversation(t, anna, benID)
	if again := openConversation(t, anna, benID); again != conv {
		t.Fatalf("opened twice: %s, %s", conv, again)
	}
	if fromBen := openConversation(t, ben, annaID); fromBen != conv {
		t.Fatalf("the other side opened %s, want %s", fromBen, conv)
	}
	gone, kept, reply := secret(t, "Geheimnis"), secret(t, "Bleibt"), secret(t, "Antwort")
	goneID := sendMessage(t, anna, conv, gone+"\n<script>alert(1)</script> https://example.org/x")
	sendMessage(t, anna, conv, kept)
	sendMessage(t, ben, conv, reply)
	if got := textsOf(t, ben, conv); len(got) != 3 || got[0] != reply || got[1] != kept {
		t.Fatalf("ben reads %v", got)
	}
	ms, _ := listOf(t, ben.do(http.MethodGet, "/v1/conversations/"+conv+"/messages", nil), "messages")
	if html := ms[2]["html"].(string); strings.Contains(html, "<script>") || !strings.Contains(html, `href="https://example.org/x"`) {
		t.Fatalf("html %q", html)
	}
	// Stored only sealed: no text anywhere, no mail about it at all.
	wantNowhere(t, "after sending", gone, kept, reply)
	if info := describeKeysTable(t); info != "" {
		t.Fatal(info)
	}
	restore := copiesOf(t, conv) // what a point-in-time restore brings back
	restoredItems := conversationItems(t, conv, annaID)
	if len(restore) != 6 {
		t.Fatalf("%d copies, want 6 (each message once per side)", len(restore))
	}

	// Anna deletes the message for herself: Ben still reads it.
	want(t, anna.do(http.MethodDelete, "/v1/messages/"+goneID, nil), http.StatusNoContent)
	want(t, anna.do(http.MethodDelete, "/v1/messages/"+goneID, nil), http.StatusNotFound)
	if got := textsOf(t, anna, conv); len(got) != 2 {
		t.Fatalf("anna reads %v", got)
	}
	if len(textsOf(t, ben, conv)) != 3 || !strings.Contains(exported(t, ben), gone) {
		t.Fatal("ben lost his copy")
	}
	if strings.Contains(exported(t, anna), gone) || !strings.Contains(exported(t, anna), kept) {
		t.Fatalf("anna's export: %s", exported(t, anna))
	}
	for _, c := range restore {
		text, ok := openableWithWhatIsLeft(t, c)
		mineGone := c.msg == strings.SplitN(goneID, ".", 2)[1] && ownsSide(t, annaID, conv, c.side)
		if mineGone && ok {
			t.Fatalf("anna's deleted copy opens with what is left: %q", text)
		}
		if !mineGone && !ok {
			t.Fatalf("a copy that was not deleted does not open (%s %s)", c.side, c.msg)
		}
	}
	// Ben deletes it too: it is nowhere.
	want(t, ben.do(http.MethodDelete, "/v1/messages/"+goneID, nil), http.StatusNoContent)
	wantNowhere(t, "after both deleted the message", gone)
	for _, x := range []*client{anna, ben} {
		if strings.Contains(exported(t, x), gone) {
			t.Fatal("a deleted message is in an export")
		}
	}

	// Anna deletes the whole conversation: her side is gone, Ben keeps his.
	annaSide := sideOf(t, annaID, conv)
	want(t, anna.do(http.MethodDelete, "/v1/conversations/"+conv, nil), http.StatusNoContent)
	want(t, anna.do(http.MethodGet, "/v1/conversations/"+conv+"/messages", nil), http.StatusNotFound)
	if got := textsOf(t, ben, conv); len(got) != 2 {
		t.Fatalf("ben reads %v after anna's deletion", got)
	}
	if e := exported(t, anna); strings.Contains(e, kept) || strings.Contains(e, reply) {
		t.Fatalf("anna's export after deleting: %s", e)
	}
	for _, c := range restore {
		if _, ok := openableWithWhatIsLeft(t, c); ok && c.side == annaSide {
			t.Fatalf("a copy of anna's deleted side opens (%s)", c.msg)
		}
	}
	// A point-in-time restore of the network table brings anna's side item and
	// copies back: her conversation shows, with nothing in it, and her export
	// holds no text. Deleting it again removes the rest.
	writeItems(t, restoredItems)
	if got := textsOf(t, anna, conv); len(got) != 0 {
		t.Fatalf("restored copies read as %v", got)
	}
	if e := exported(t, anna); strings.Contains(e, kept) || strings.Contains(e, reply) || strings.Contains(e, gone) {
		t.Fatalf("anna's export after a restore: %s", e)
	}
	want(t, anna.do(http.MethodPost, "/v1/conversations/"+conv+"/messages", map[string]any{"text": "nach der Wiederherstellung"}), http.StatusNotFound)
	want(t, anna.do(http.MethodDelete, "/v1/conversations/"+conv, nil), http.StatusNoContent)
	for _, it := range scanAll(t, "MessageKeysTable") {
		if strings.HasPrefix(it["pk"].(*types.AttributeValueMemberS).Value, "SIDE#"+conv+"#"+annaSide) {
			t.Fatalf("a key of anna's deleted side is left: %v", it["sk"])
		}
	}
	// Ben deletes too: nothing of the conversation is readable anywhere.
	want(t, ben.do(http.MethodDelete, "/v1/conversations/"+conv, nil), http.StatusNoContent)
	wantNowhere(t, "after both deleted the conversation", gone, kept, reply)
	for _, c := range restore {
		if text, ok := openableWithWhatIsLeft(t, c); ok {
			t.Fatalf("a copy opens after both sides were deleted: %q", text)
		}
	}
	if len(copiesOf(t, conv)) != 0 {
		t.Fatal("copies left on the network table")
	}
}

// conversationItems reads the network table's items of a conversation as a
// point-in-time restore would bring them back: both sides' copies and the
// account's side item.
func conversationItems(t *testing.T, conv, accountID string) []map[string]types.AttributeValue {
	t.Helper()
	var out []map[string]types.AttributeValue
	for _, it := range scanAll(t, "NetworkTable") {
		pk, sk := it["pk"].(*types.AttributeValueMemberS).Value, it["sk"].(*types.AttributeValueMemberS).Value
		if strings.HasPrefix(pk, "DMMSG#"+conv+"#") || (pk == "DM#"+accountID && sk == "CONV#"+conv) {
			out = append(out, it)
		}
	}
	return out
}

// writeItems puts items back on the network table.
func writeItems(t *testing.T, items []map[string]types.AttributeValue) {
	t.Helper()
	for _, it := range items {
		if _, err := db().PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(stack.Name("NetworkTable")), Item: it}); err != nil {
			t.Fatal(err)
		}
	}
}

// describeKeysTable says what keeps copies of the message keys table, if
// anything: it must have no point-in-time recovery and no stream.
func describeKeysTable(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	name := aws.String(stack.Name("MessageKeysTable"))
	cb, err := db().DescribeContinuousBackups(ctx, &dynamodb.DescribeContinuousBackupsInput{TableName: name})
	if err != nil {
		t.Fatal(err)
	}
	if d := cb.ContinuousBackupsDescription; d != nil && d.PointInTimeRecoveryDescription != nil &&
		d.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus == types.PointInTimeRecoveryStatusEnabled {
		return "the message keys table has point-in-time recovery"
	}
	dt, err := db().DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: name})
	if err != nil {
		t.Fatal(err)
	}
	if s := dt.Table.StreamSpecification; s != nil && aws.ToBool(s.StreamEnabled) {
		return "the message keys table has a stream"
	}
	return ""
}

// sideOf is the letter of an account's side of a conversation.
func sideOf(t *testing.T, accountID, conv string) string {
	t.Helper()
	out, err := db().GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(stack.Name("NetworkTable")), ConsistentRead: aws.Bool(true),
		Key: map[string]types.AttributeValue{"pk": sAV("DM#" + accountID), "sk": sAV("CONV#" + conv)}})
	if err != nil || out.Item == nil {
		t.Fatalf("side of %s: %v", accountID, err)
	}
	return out.Item["side"].(*types.AttributeValueMemberS).Value
}

func ownsSide(t *testing.T, accountID, conv, side string) bool {
	t.Helper()
	return sideOf(t, accountID, conv) == side
}

// Promise: HKC-7 — no one but the two members sees or deletes anything of a
// conversation: every id that is not the reader's is 404, as is a conversation
// with oneself, an unknown account, an account outside the network or with an
// incomplete profile; readers without the network role get 404 for every route.
func TestMessagesAreSeenOnlyByTheirTwoMembers(t *testing.T) {
	cora, coraID := groupMember(t, "Cora")
	dirk, dirkID := groupMember(t, "Dirk")
	eve, eveID := groupMember(t, "Eve")
	conv := openConversation(t, cora, dirkID)
	msg := sendMessage(t, cora, conv, "Nur für Dirk")
	for _, r := range []response{
		eve.do(http.MethodGet, "/v1/conversations/"+conv, nil),
		eve.do(http.MethodGet, "/v1/conversations/"+conv+"/messages", nil),
		eve.do(http.MethodPost, "/v1/conversations/"+conv+"/messages", map[string]any{"text": "Hallo"}),
		eve.do(http.MethodDelete, "/v1/conversations/"+conv, nil),
		eve.do(http.MethodDelete, "/v1/messages/"+msg, nil),
		eve.do(http.MethodDelete, "/v1/messages/"+conv+".0190a0a0-0000-7000-8000-000000000000", nil),
		eve.do(http.MethodDelete, "/v1/messages/not-an-id", nil),
		eve.do(http.MethodGet, "/v1/conversations/not-an-id/messages", nil),
	} {
		want(t, r, http.StatusNotFound, "not_found")
	}
	if cs, _ := listOf(t, eve.do(http.MethodGet, "/v1/conversations", nil), "conversations"); len(cs) != 0 {
		t.Fatalf("eve lists %v", cs)
	}
	if got := textsOf(t, dirk, conv); len(got) != 1 || got[0] != "Nur für Dirk" {
		t.Fatalf("dirk reads %v", got)
	}
	want(t, cora.do(http.MethodPost, "/v1/conversations/"+conv+"/messages", map[string]any{"text": strings.Repeat("ü", 13<<10)}), http.StatusRequestEntityTooLarge, "body_too_large")
	one := dirk.do(http.MethodGet, "/v1/conversations/"+conv, nil)
	want(t, one, http.StatusOK)
	if w := object(t, one)["with"].(map[string]any); w["id"] != coraID || w["name"] == nil {
		t.Fatalf("dirk reads the conversation as with %v", w)
	}
	cs, _ := listOf(t, dirk.do(http.MethodGet, "/v1/conversations", nil), "conversations")
	if len(cs) != 1 || cs[0]["id"] != conv || cs[0]["with"].(map[string]any)["id"] != coraID || cs[0]["with"].(map[string]any)["name"] == nil {
		t.Fatalf("dirk lists %v", cs)
	}

	// Cora's conversations come newest activity first, a page at a time.
	withEve := openConversation(t, cora, eveID)
	page1, next := listOf(t, cora.do(http.MethodGet, "/v1/conversations?limit=1", nil), "conversations")
	if len(page1) != 1 || page1[0]["id"] != withEve || next == "" {
		t.Fatalf("first page %v, next %q", page1, next)
	}
	page2, end := listOf(t, cora.do(http.MethodGet, "/v1/conversations?limit=1&cursor="+next, nil), "conversations")
	if len(page2) != 1 || page2[0]["id"] != conv || end != "" {
		t.Fatalf("second page %v, next %q", page2, end)
	}
	sendMessage(t, cora, conv, "Noch etwas")
	if again, _ := listOf(t, cora.do(http.MethodGet, "/v1/conversations", nil), "conversations"); again[0]["id"] != conv {
		t.Fatalf("after a message the list is %v", again)
	}

	outsider, _ := signUp(t, "outsider")
	outsiderID := profile(t, outsider).ID
	incomplete := invited(t, "network")
	for _, id := range []string{coraID, outsiderID, profile(t, incomplete).ID, "0190a0a0-0000-7000-8000-000000000000", "nonsense"} {
		want(t, cora.do(http.MethodPost, "/v1/conversations", map[string]any{"accountId": id}), http.StatusNotFound, "not_found")
	}
	want(t, cora.do(http.MethodPost, "/v1/conversations", map[string]any{}), http.StatusBadRequest, "validation_failed")
	for _, r := range []response{
		outsider.do(http.MethodGet, "/v1/conversations", nil),
		outsider.do(http.MethodGet, "/v1/conversations/"+conv+"/messages", nil),
		outsider.do(http.MethodPost, "/v1/conversations", map[string]any{"accountId": dirkID}),
	} {
		want(t, r, http.StatusNotFound, "not_found")
	}
	// Bad input: empty, too long, wrong type.
	for _, body := range []map[string]any{{"text": "   "}, {"text": strings.Repeat("x", network.MaxMessageText+1)}, {}} {
		want(t, cora.do(http.MethodPost, "/v1/conversations/"+conv+"/messages", body), http.StatusBadRequest, "validation_failed")
	}
	want(t, cora.do(http.MethodPost, "/v1/conversations/"+conv+"/messages", map[string]any{"text": 5}), http.StatusBadRequest, "invalid_json")
	want(t, cora.do(http.MethodGet, "/v1/conversations/"+conv+"/messages?cursor=Zm9v", nil), http.StatusBadRequest, "validation_failed")
	want(t, cora.do(http.MethodGet, "/v1/conversations?cursor=Zm9v", nil), http.StatusBadRequest, "validation_failed")
}

// Promise: HKC-7 — a member who blocks another receives nothing from them (no
// copy, no conversation, no mail), and the sender learns nothing: their answer
// and their own view are as usual. A member cannot write to someone they block.
func TestMessagesToABlockerAreNeverDelivered(t *testing.T) {
	fritz, fritzID := groupMember(t, "Fritz")
	gerda, gerdaID := groupMember(t, "Gerda")
	block(t, gerdaID, fritzID) // Gerda blocks Fritz
	gerdaMail := profile(t, gerda).Email
	mailsBefore := waitMailCount(t, gerdaMail)
	conv := openConversation(t, fritz, gerdaID)
	hidden := secret(t, "Blockiert")
	sendMessage(t, fritz, conv, hidden)
	if got := textsOf(t, fritz, conv); len(got) != 1 || got[0] != hidden {
		t.Fatalf("fritz reads %v", got)
	}
	if cs, _ := listOf(t, gerda.do(http.MethodGet, "/v1/conversations", nil), "conversations"); len(cs) != 0 {
		t.Fatalf("gerda lists %v", cs)
	}
	want(t, gerda.do(http.MethodGet, "/v1/conversations/"+conv+"/messages", nil), http.StatusNotFound)
	if n := len(copiesOf(t, conv)); n != 1 {
		t.Fatalf("%d copies stored, want only the sender's", n)
	}
	if waitMailCount(t, gerdaMail) != mailsBefore {
		t.Fatal("gerda got mail")
	}
	// Gerda cannot write to Fritz while she blocks him.
	want(t, gerda.do(http.MethodPost, "/v1/conversations", map[string]any{"accountId": fritzID}), http.StatusConflict, "recipient_blocked")
	want(t, fritz.do(http.MethodPost, "/v1/conversations", map[string]any{"accountId": gerdaID}), http.StatusOK)

	// Once the block is gone, new messages arrive (the blocked one never does).
	_, err := db().DeleteItem(context.Background(), &dynamodb.DeleteItemInput{TableName: aws.String(stack.Name("NetworkTable")),
		Key: map[string]types.AttributeValue{"pk": sAV("ACCOUNT#" + gerdaID), "sk": sAV("BLOCK#" + fritzID)}})
	if err != nil {
		t.Fatal(err)
	}
	sendMessage(t, fritz, conv, "Nach der Blockierung")
	if got := textsOf(t, gerda, conv); len(got) != 1 || got[0] != "Nach der Blockierung" {
		t.Fatalf("gerda reads %v", got)
	}
	// Fritz blocks Gerda: his messages are refused with a clear answer.
	block(t, fritzID, gerdaID)
	want(t, fritz.do(http.MethodPost, "/v1/conversations/"+conv+"/messages", map[string]any{"text": "x"}), http.StatusConflict, "recipient_blocked")
	sendMessage(t, gerda, conv, "Von Gerda")
	if got := textsOf(t, fritz, conv); got[0] == "Von Gerda" {
		t.Fatal("a message from someone fritz blocks arrived")
	}
}

// Promise: HKC-7 — one member cannot flood another: a script sending as fast as
// it can is stopped with 429 and Retry-After once the limit is reached (at most
// twice the limit if a window ends in between), and nothing more is stored.
func TestMessagesAreThrottled(t *testing.T) {
	hans, _ := groupMember(t, "Hans")
	_, ingaID := groupMember(t, "Inga")
	conv := openConversation(t, hans, ingaID)
	limit := ratelimit.MessageSend.Max
	sent := 0
	var r response
	for ; sent <= 2*limit; sent++ {
		r = hans.do(http.MethodPost, "/v1/conversations/"+conv+"/messages", map[string]any{"text": "Nachricht " + strconv.Itoa(sent)})
		if r.Status != http.StatusCreated {
			break
		}
	}
	want(t, r, http.StatusTooManyRequests, "too_many_attempts")
	wantRetryAfter(t, r)
	if sent < limit {
		t.Fatalf("throttled after %d messages, the limit is %d", sent, limit)
	}
	if n := len(copiesOf(t, conv)); n != 2*sent {
		t.Fatalf("%d copies, want %d", n, 2*sent)
	}
	// Read back a page at a time, newest first, each once.
	seen := map[string]bool{}
	cursor := ""
	for pages := 0; ; pages++ {
		ms, next := listOf(t, hans.do(http.MethodGet, "/v1/conversations/"+conv+"/messages?limit=100"+map[bool]string{true: "&cursor=" + cursor}[cursor != ""], nil), "messages")
		for _, m := range ms {
			if seen[m["id"].(string)] {
				t.Fatalf("message %s on two pages", m["id"])
			}
			seen[m["id"].(string)] = true
		}
		if pages == 0 && (len(ms) != 100 || ms[0]["text"] != "Nachricht "+strconv.Itoa(sent-1)) {
			t.Fatalf("first page of %d starts with %v", len(ms), ms[0]["text"])
		}
		if next == "" {
			break
		}
		cursor = next
	}
	if len(seen) != sent {
		t.Fatalf("%d messages read back, want %d", len(seen), sent)
	}
}

// Promise: HKC-14 — when a member leaves, their side of every conversation is
// destroyed (keys, copies, pair items) and the other member keeps theirs, shown
// from a former member: no item of it holds the erased account id any more.
// Promise: HKC-16 — the export holds the member's own messages, opened.
func TestMessagesAfterDeactivationShowAFormerMember(t *testing.T) {
	jana, janaID := groupMember(t, "Jana")
	kurt, kurtID := groupMember(t, "Kurt")
	conv := openConversation(t, jana, kurtID)
	sendMessage(t, jana, conv, "Von Jana")
	sendMessage(t, kurt, conv, "Von Kurt")
	if e := exported(t, jana); !strings.Contains(e, "Von Jana") || !strings.Contains(e, "Von Kurt") {
		t.Fatalf("export %s", e)
	}
	janaSide := sideOf(t, janaID, conv)
	want(t, jana.do(http.MethodDelete, "/v1/me", nil), http.StatusOK)

	cs, _ := listOf(t, kurt.do(http.MethodGet, "/v1/conversations", nil), "conversations")
	if len(cs) != 1 {
		t.Fatalf("kurt lists %v", cs)
	}
	if w := cs[0]["with"].(map[string]any); w["former"] != true || w["id"] != nil || w["name"] != nil {
		t.Fatalf("with %v", w)
	}
	if got := textsOf(t, kurt, conv); len(got) != 2 {
		t.Fatalf("kurt reads %v", got)
	}
	if w := object(t, kurt.do(http.MethodGet, "/v1/conversations/"+conv, nil))["with"].(map[string]any); w["former"] != true || len(w) != 1 {
		t.Fatalf("the conversation is with %v", w)
	}
	want(t, kurt.do(http.MethodPost, "/v1/conversations/"+conv+"/messages", map[string]any{"text": "Hallo?"}), http.StatusConflict, "conversation_closed")
	for _, tb := range []string{"NetworkTable", "MessageKeysTable"} {
		for _, it := range scanAll(t, tb) {
			if holdsAny(it, janaID) {
				t.Fatalf("%s holds the erased account: %v", tb, it["pk"])
			}
			if pk := it["pk"].(*types.AttributeValueMemberS).Value; pk == "SIDE#"+conv+"#"+janaSide || pk == "DMMSG#"+conv+"#"+janaSide {
				t.Fatalf("%s holds the erased side: %s %v", tb, pk, it["sk"])
			}
		}
	}
	want(t, kurt.do(http.MethodDelete, "/v1/conversations/"+conv, nil), http.StatusNoContent)
	if e := exported(t, kurt); e != "[]" {
		t.Fatalf("kurt's export after deleting: %s", e)
	}
}

// holdsAny reports whether any attribute of an item holds s.
func holdsAny(it map[string]types.AttributeValue, s string) bool {
	for _, v := range it {
		if holds(v, []byte(s)) {
			return true
		}
	}
	return false
}
