package integration

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"kontor/shared/ids"
	"kontor/shared/ratelimit"
)

// HGK-9, HGK-10 — the replier's copy cannot be used to mail a stranger more
// than the outbox's limit by tagging the stranger's address: "anna+1@…",
// "Anna+2@…" reach one mailbox and share its count of unsolicited mail (and of
// replies in its name). Before, each tag had its own count: one client reached
// one mailbox with a copy (holding its own text) per accepted reply.
func TestAttackReplyCopiesToTaggedAddressesShareOneMailbox(t *testing.T) {
	adv, _ := signUp(t, "atk-tag-adv")
	l := publish(t, adv, nil)
	base := strings.TrimSuffix(newEmail("atk-victim"), "@example.org")
	var tagged []string
	for i := range ratelimit.MailToAddress.Max + 3 {
		addr := fmt.Sprintf("%s+%d@example.org", base, i)
		if i%2 == 1 {
			addr = strings.ToUpper(base[:1]) + addr[1:]
		}
		tagged = append(tagged, addr)
		sentReply(t, replier(t), l.ID, "Anna", addr, hamReply)
	}
	n := 0
	for _, addr := range tagged {
		n += waitMailCount(t, addr)
	}
	if n != ratelimit.MailToAddress.Max {
		t.Fatalf("%d copies reached one mailbox through %d tags, want %d", n, len(tagged), ratelimit.MailToAddress.Max)
	}
	// Replies in the mailbox's name are counted together too.
	sent := len(tagged)
	for i := sent; i <= ratelimit.ReplyPerAddress.Max; i++ {
		r := sendReply(replier(t), l.ID, "Anna", fmt.Sprintf("%s+x%d@example.org", base, i), hamReply)
		if i < ratelimit.ReplyPerAddress.Max {
			want(t, r, http.StatusAccepted)
			continue
		}
		want(t, r, http.StatusTooManyRequests, "too_many_attempts")
	}
}

// HGK-9 — header injection through the name in every form: Unicode line and
// paragraph separators, NEL, an over-long name are refused; an RFC 2047
// encoded word stays one display name in one Reply-To header. No answer, no
// header and no text of the replier's copy holds the advertiser's address.
func TestAttackReplyNameFormsAndNoAddressLeak(t *testing.T) {
	adv, advEmail := signUp(t, "atk-name-adv")
	l := publish(t, adv, map[string]any{"title": "Atk Koje " + ids.NewToken()[:6]})
	c := replier(t)
	from := newEmail("atk-name")
	for _, name := range []string{"Anna\u2028Bcc: v@example.org", "Anna\u2029x", "Anna\u0085Bcc: v@example.org", "Anna\u000bx", "Anna\u200bx"} {
		wantFieldError(t, sendReply(c, l.ID, name, from, hamReply), "name", "control_characters")
	}
	wantFieldError(t, sendReply(c, l.ID, strings.Repeat("A", 101), from, hamReply), "name", "too_long")
	wantFieldError(t, sendReply(c, l.ID, "Anna", from+"\u2028", hamReply), "email", "control_characters")

	c = replier(t)
	encoded := "=?utf-8?q?Anna=0D=0ABcc=3A_v=40example.org?="
	r := sendReply(c, l.ID, encoded, from, hamReply)
	want(t, r, http.StatusAccepted)
	if strings.Contains(string(r.Body), advEmail) {
		t.Fatalf("the answer names the advertiser: %s", r.Body)
	}
	got := mailTo(t, advEmail, l.Title)
	for k, v := range got.Headers {
		if strings.ContainsAny(k+v, "\r\n") || strings.EqualFold(k, "Bcc") {
			t.Fatalf("advertiser's mail header %q: %q", k, v)
		}
	}
	if !strings.Contains(got.Headers["Reply-To"], from) || mailCount(t, "v@example.org") != 0 {
		t.Fatalf("Reply-To %q", got.Headers["Reply-To"])
	}
	cp := mailTo(t, from, "Copy of your reply")
	if strings.Contains(cp.Text, advEmail) || strings.Contains(cp.Subject, advEmail) || strings.Contains(fmt.Sprint(cp.Headers), advEmail) {
		t.Fatalf("the copy names the advertiser: %+v", cp)
	}
	id, token := replyLink(t, cp)
	nr := c.do(http.MethodPost, "/v1/replies/"+id+"/no-reaction", map[string]any{"token": token})
	want(t, nr, http.StatusOK)
	if strings.Contains(string(nr.Body), advEmail) || !strings.Contains(string(nr.Body), "delivered") {
		t.Fatalf("no-reaction answer %s", nr.Body)
	}
}

// HGK-9, HGK-10 — the replier's token is one reply's: with another reply's id it
// is 404 for "no reaction" as for deletion, and after the deletion both links
// answer 404 like any unknown one. The name and text are in no function log.
func TestAttackReplyTokenOfAnotherReplyAndReplay(t *testing.T) {
	adv, _ := signUp(t, "atk-token-adv")
	l := publish(t, adv, nil)
	c := replier(t)
	from := newEmail("atk-token")
	name, text := "Atkname"+ids.NewToken()[:8], hamReply+" Atktext"+ids.NewToken()[:8]
	first := sentReply(t, c, l.ID, name, from, text)
	cp := mailTo(t, from, "Copy of your reply")
	_, token := replyLink(t, cp)
	second := sentReply(t, c, l.ID, name, from, text+" zwei")
	want(t, c.do(http.MethodPost, "/v1/replies/"+second+"/no-reaction", map[string]any{"token": token}), http.StatusNotFound, "not_found")
	want(t, c.do(http.MethodPost, "/v1/replies/"+first+"/delete", map[string]any{"token": token}), http.StatusNoContent)
	want(t, c.do(http.MethodPost, "/v1/replies/"+first+"/no-reaction", map[string]any{"token": token}), http.StatusNotFound, "not_found")
	want(t, c.do(http.MethodPost, "/v1/replies/"+first+"/delete", map[string]any{"token": token}), http.StatusNotFound, "not_found")
	if rs := myReplies(t, adv); len(rs) != 1 || rs[0].ID != second {
		t.Fatalf("replies after the replay %+v", rs)
	}
	for _, pd := range []string{name, "Atktext", from} {
		if strings.Contains(logs.String(), pd) {
			t.Fatalf("a function log holds %q", pd)
		}
	}
}

// HGK-2, HGK-3 — alerts sent without an account for tags of one mailbox share
// its limit (alerts.address, 5 an hour): the sixth tag stores nothing and mails
// no confirmation. Before, each tag counted alone, and a stranger's mailbox
// got a confirmation mail per tag.
func TestAttackAlertsForTaggedAddressesShareOneMailbox(t *testing.T) {
	base := strings.TrimSuffix(newEmail("atk-alert-victim"), "@example.org")
	stored, mailed := 0, 0
	for i := range ratelimit.AlertToAddress.Max + 2 {
		addr := fmt.Sprintf("%s+%d@example.org", base, i)
		want(t, withCSRF(t).do(http.MethodPost, "/v1/alerts", alertBody(addr, alertWord(), nil)), http.StatusAccepted)
		ps, err := classifiedsStore().PendingAlertsOf(context.Background(), addr)
		if err != nil {
			t.Fatal(err)
		}
		stored += len(ps)
		mailed += waitMailCount(t, addr)
	}
	if stored != ratelimit.AlertToAddress.Max || mailed != ratelimit.AlertToAddress.Max {
		t.Fatalf("one mailbox through tags: %d alerts stored, %d confirmations mailed; want %d", stored, mailed, ratelimit.AlertToAddress.Max)
	}
}
