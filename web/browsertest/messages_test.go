package browsertest

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"
)

// Promise: HKC-7 — a member opens a conversation from another member's profile
// ("Send message"), an empty message is refused inline, a message sent with a
// double click is sent once; the other member finds it in their list and
// replies; the first deletes one message for themselves (after a confirmation,
// Cancel first) and then the whole conversation; the other still reads theirs.
// axe on every state.
func TestNetworkMessagesSentReadAndDeleted(t *testing.T) {
	texts := map[string]map[string]string{
		"de": {"later": "in 2 Minuten erneut", "send": "Nachricht senden", "with": "Gespräch mit Berta Probst", "deleted": "für Sie gelöscht", "convDeleted": "Das Gespräch ist gelöscht", "you": "Sie, "},
		"en": {"later": "try again in 2 minutes", "send": "Send message", "with": "Conversation with Berta Probst", "deleted": "deleted for you", "convDeleted": "The conversation is deleted", "you": "You, "},
	}
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			w := texts[l.lang]
			anton, antonID, _ := groupMember(t, l.lang, "Anton")
			berta, bertaID, _ := groupMember(t, l.lang, "Berta")

			// Anton opens Berta's profile and starts the conversation there.
			at := networkPage(t, l.accept, l.lang, anton, "member?id="+bertaID)
			at.visible("#message-form")
			if got := at.text("#message-form button"); got != w["send"] {
				t.Errorf("button %q, want %q", got, w["send"])
			}
			at.axe("member, send message offered")
			at.submit("message-form")
			at.do(chromedp.WaitVisible(css("#conversation")))
			if !strings.Contains(at.location(), "/"+l.lang+"/network/conversation?id=") {
				t.Fatalf("went to %s", at.location())
			}
			if got := at.text("#with"); got != w["with"] {
				t.Errorf("heading %q, want %q", got, w["with"])
			}
			at.visible("#messages-none")
			at.axe("conversation, empty")

			// An empty message is refused: summary (focused) and the field.
			at.submit("send-form")
			if got := at.summary(); got == "" || !at.invalid("text") {
				t.Errorf("empty message: summary %q, text invalid %v", got, at.invalid("text"))
			}
			at.axe("conversation, empty message refused")

			// A 429 says when to try again and keeps the text.
			convPath := "/v1/conversations/" + conversationID(at.location()) + "/messages"
			body := `{"type":"https://kontor.example/problems/too_many_attempts","title":"429","status":429,"detail":"429","code":"too_many_attempts"}`
			in, stop := at.intercept("POST", convPath, func(ctx context.Context, ev *fetch.EventRequestPaused) {
				_, _ = chromedp.Call(ctx, fetch.FulfillRequest, fetch.FulfillRequestParams{
					RequestID: ev.RequestID, ResponseCode: 429, Body: []byte(body),
					ResponseHeaders: []*fetch.HeaderEntry{{Name: "Content-Type", Value: "application/problem+json"}, {Name: "Retry-After", Value: "120"}},
				})
			})
			at.fill("text", "Zu schnell")
			at.submit("send-form")
			in.waitSeen(t, 1)
			at.waitFor(`document.getElementById('error-summary').textContent.includes(` + jsString(w["later"]) + `)`)
			if f := at.focused(); f != "error-summary" {
				t.Errorf("429: focus on %q, want the summary", f)
			}
			if at.value("text") != "Zu schnell" {
				t.Error("the text is lost after a 429")
			}
			at.axe("conversation, throttled")
			stop()

			// A double click sends one message.
			sendURL := base + "/v1/conversations/" + conversationID(at.location()) + "/messages"
			before := at.requestCount(sendURL)
			at.fill("text", "Guten Tag <b>Berta</b>\nhttps://example.org/termin")
			at.do(chromedp.DoubleClick(css(`#send-form button[type="submit"]`)))
			at.waitFor(`document.querySelectorAll('#messages > li').length === 1`)
			if n := at.requestCount(sendURL) - before; n != 1 {
				t.Errorf("%d requests sent for one message", n)
			}
			if got := at.text("#messages"); !strings.Contains(got, "<b>Berta</b>") || !strings.Contains(got, w["you"]) {
				t.Errorf("messages %q", got)
			}
			if at.eval(`document.querySelector('#messages a').getAttribute('href')`) != "https://example.org/termin" {
				t.Error("the address is not a link")
			}
			if at.value("text") != "" {
				t.Error("the form keeps the sent text")
			}
			at.axe("conversation, sent")
			conv := conversationID(at.location())

			// Berta finds it in her list (linked from her profile page) and replies.
			bt := networkPage(t, l.accept, l.lang, berta, "profile")
			bt.do(chromedp.WaitVisible(css("#content")), chromedp.Click(css(`#content a[href$="/network/messages"]`)))
			bt.visible("#conversations li a")
			if got := bt.text("#conversations"); !strings.Contains(got, "Anton Probst") {
				t.Errorf("berta's list %q", got)
			}
			bt.axe("conversations, one")
			bt.do(chromedp.Click(css("#conversations li a")), chromedp.WaitVisible(css("#conversation")))
			bt.visible("#messages > li")
			bt.fill("text", "Hallo Anton")
			bt.submit("send-form")
			bt.waitFor(`document.querySelectorAll('#messages > li').length === 2`)
			bt.axe("conversation, replied")

			// Anton deletes Berta's reply for himself: Cancel first, then yes.
			at.do(chromedp.Reload())
			at.waitFor(`document.querySelectorAll('#messages > li').length === 2`)
			first := `#messages > li:first-child`
			at.do(chromedp.Click(css(first + ` > button`)))
			at.waitFor(`document.activeElement && document.activeElement.id.endsWith('-confirm')`)
			at.axe("conversation, confirm deleting a message")
			at.do(chromedp.Click(css(first + ` .panel button[type="button"]`)))
			if at.eval(`String(document.activeElement === document.querySelector('`+first+` > button'))`) != "true" {
				t.Error("Cancel did not give the focus back")
			}
			at.do(chromedp.Click(css(first + ` > button`)))
			at.do(chromedp.Click(css(first + ` .panel button[type="submit"]`)))
			at.waitFor(`document.querySelector('` + first + `').textContent.includes(` + jsString(w["deleted"]) + `)`)
			at.axe("conversation, message deleted")
			at.do(chromedp.Reload())
			at.waitFor(`document.querySelectorAll('#messages > li').length === 1`)
			if strings.Contains(at.text("#messages"), "Hallo Anton") {
				t.Error("the deleted message is back after a reload")
			}

			// Anton deletes the whole conversation; Berta keeps hers.
			at.do(chromedp.Click(css("#delete-open")))
			at.shownWithFocus("delete-confirm")
			at.axe("conversation, confirm deleting it")
			at.do(chromedp.Click(css(`#delete-confirm button[type="submit"]`)))
			at.shownWithFocus("deleted")
			if got := at.text("#deleted"); !strings.Contains(got, w["convDeleted"]) {
				t.Errorf("deleted: %q", got)
			}
			at.axe("conversation, deleted")
			at.do(chromedp.Navigate(base + "/" + l.lang + "/network/conversation?id=" + conv))
			at.visible("#missing")
			at.axe("conversation, not found")
			bt.do(chromedp.Reload())
			bt.waitFor(`document.querySelectorAll('#messages > li').length === 2`)
			if got := bt.text("#with a"); got != map[string]string{"de": "Gespräch mit Anton Probst", "en": "Conversation with Anton Probst"}[l.lang] ||
				!strings.HasSuffix(bt.eval(`document.querySelector('#with a').getAttribute('href')`), "/network/member?id="+antonID) {
				t.Errorf("berta's heading %q", got)
			}
		})
	}
}

// Without the network role the messages pages say "No access"; the profile of
// the member themselves offers no "Send message".
func TestNetworkMessagesPagesSayNoAccessWithoutTheRole(t *testing.T) {
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			tb := openTab(t, l.accept)
			tb.signIn(l.lang, activeAccount(t, l.lang), password)
			tb.saysNoAccess(l.lang, "messages", "conversation?id=0190a5b0-0000-7000-8000-000000000000")

			addr, id, api := groupMember(t, l.lang, "Selma")
			api.call(http.MethodGet, "/v1/conversations", nil, http.StatusOK, nil)
			own := networkPage(t, l.accept, l.lang, addr, "member?id="+id)
			own.visible("#member")
			if own.eval(`String(document.getElementById('message-form').hidden)`) != "true" {
				t.Error("one's own profile offers to send a message")
			}
		})
	}
}

// conversationID is the id in a conversation page's address.
func conversationID(pageURL string) string {
	_, id, _ := strings.Cut(pageURL, "id=")
	return id
}
