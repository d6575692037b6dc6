package browsertest

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"

	"kontor/infra/local"
)

// notifyNow runs GroupNotifyFunction once, as its one-minute schedule would, so
// the test does not wait for the next tick.
func notifyNow(t *testing.T) {
	t.Helper()
	if err := stack.TriggerSchedule(context.Background(), "GroupNotifyFunction"); err != nil {
		t.Fatal(err)
	}
}

// notificationsTo returns the notifications of new posts mailed to addr about the
// group named name (the mails whose subject names it).
func notificationsTo(t *testing.T, addr, name string) []local.Mail {
	t.Helper()
	ms, err := stack.Mail(context.Background())
	if err != nil {
		t.Fatalf("read mail: %v", err)
	}
	var got []local.Mail
	for _, m := range ms {
		if len(m.To) == 1 && strings.EqualFold(m.To[0], addr) && strings.Contains(m.Subject, name) {
			got = append(got, m)
		}
	}
	return got
}

// notificationTo waits for the first notification to addr about the group named name.
func notificationTo(t *testing.T, addr, name string) local.Mail {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if ms := notificationsTo(t, addr, name); len(ms) > 0 {
			return ms[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("no notification about %q to %s", name, addr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// pressed is the notification switch's aria-pressed.
func (tb *tab) pressed() string {
	return tb.eval(`document.getElementById('notify-button').getAttribute('aria-pressed')`)
}

// Promise: HKC-6 — on the group page a member turns on mail about new posts (a
// double click sends one request; a 429 says when to try again and changes
// nothing); another member posts, and the mail that arrives in the member's
// language names the group and the author, never the post's text; turned off, no
// further mail comes. Someone who is not a member sees no switch.
func TestNetworkGroupNotificationSwitch(t *testing.T) {
	texts := map[string]map[string]string{
		"de": {"label": "Mir eine E-Mail schicken, wenn jemand in dieser Gruppe schreibt", "hint": "nie den Inhalt des Beitrags",
			"on": "Eingeschaltet", "off": "Ausgeschaltet", "subject": "Neuer Beitrag von Anton Probst in „%s“", "later": "in 2 Minuten erneut",
			"busy": "Zu viele Versuche."},
		"en": {"label": "Mail me when someone posts in this group", "hint": "never the post's content",
			"on": "On:", "off": "Off:", "subject": "New post by Anton Probst in “%s”", "later": "try again in 2 minutes",
			"busy": "Too many attempts."},
	}
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			w := texts[l.lang]
			staff, _, staffAPI := groupMember(t, l.lang, "Stefanie", "staff")
			reader, readerID, readerAPI := groupMember(t, l.lang, "Berta")
			_, authorID, authorAPI := groupMember(t, l.lang, "Anton")
			name := "Radtreff " + l.lang + " " + uuid()[:8]
			var g struct{ ID string }
			staffAPI.call(http.MethodPost, "/v1/groups", map[string]any{"kind": "group", "access": "open", "name": name}, http.StatusCreated, &g)
			readerAPI.call(http.MethodPut, "/v1/groups/"+g.ID+"/members/"+readerID, map[string]any{}, http.StatusCreated, nil)
			authorAPI.call(http.MethodPut, "/v1/groups/"+g.ID+"/members/"+authorID, map[string]any{}, http.StatusCreated, nil)
			subscription := "/v1/groups/" + g.ID + "/subscription"

			// Staff, not a member, see no switch, and the page does not ask for it.
			st := networkPage(t, l.accept, l.lang, staff, "group?id="+g.ID)
			st.visible("#join-form")
			if st.eval(`String(document.getElementById('notify').hidden)`) != "true" {
				t.Error("the switch is shown to someone who is not a member")
			}
			if n := st.requestCount(base + subscription); n != 0 {
				t.Errorf("the page of a non-member asked %d times for the subscription", n)
			}

			// The member sees the switch off, labelled with what it does.
			rt := networkPage(t, l.accept, l.lang, reader, "group?id="+g.ID)
			rt.visible("#notify-button")
			if got := rt.text("#notify-button"); got != w["label"] {
				t.Errorf("switch labelled %q, want %q", got, w["label"])
			}
			if got := rt.text("#notify-hint"); !strings.Contains(got, w["hint"]) {
				t.Errorf("hint %q", got)
			}
			if got := rt.pressed(); got != "false" {
				t.Errorf("aria-pressed %q before turning it on", got)
			}
			if got := rt.text("#notify-status"); !strings.HasPrefix(got, w["off"]) {
				t.Errorf("status %q, want it off", got)
			}
			rt.axe("group, notifications off")

			// A 429 says when to try again and leaves the switch off.
			body := `{"type":"https://kontor.example/problems/too_many_attempts","title":"` + w["busy"] + `","status":429,"detail":"` + w["busy"] + `","code":"too_many_attempts"}`
			in, stop := rt.intercept("PUT", subscription, func(ctx context.Context, ev *fetch.EventRequestPaused) {
				_, _ = chromedp.Call(ctx, fetch.FulfillRequest, fetch.FulfillRequestParams{
					RequestID: ev.RequestID, ResponseCode: 429, Body: []byte(body),
					ResponseHeaders: []*fetch.HeaderEntry{{Name: "Content-Type", Value: "application/problem+json"}, {Name: "Retry-After", Value: "120"}},
				})
			})
			rt.do(chromedp.Click(css("#notify-button")))
			in.waitSeen(t, 1)
			if s := rt.summary(); !strings.Contains(s, w["busy"]) || !strings.Contains(s, w["later"]) {
				t.Errorf("summary %q, want the problem and %q", s, w["later"])
			}
			if got := rt.pressed(); got != "false" {
				t.Errorf("aria-pressed %q after a refusal", got)
			}
			rt.axe("group, turning notifications on refused")
			stop()

			// A double click while the request is on its way turns it on with one request.
			release := make(chan struct{})
			in, stop = rt.intercept("PUT", subscription, func(ctx context.Context, ev *fetch.EventRequestPaused) {
				<-release
				_, _ = chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
			})
			rt.do(chromedp.DoubleClick(css("#notify-button")))
			in.waitSeen(t, 1)
			time.Sleep(300 * time.Millisecond)
			close(release)
			rt.waitFor(`document.getElementById('notify-button').getAttribute('aria-pressed') === 'true'`)
			stop()
			if got := rt.text("#notify-status"); !strings.HasPrefix(got, w["on"]) {
				t.Errorf("status %q, want it on", got)
			}
			if rt.eval(`document.getElementById('notify-status').getAttribute('role')`) != "status" {
				t.Error("the state is not in a status region")
			}
			if f := rt.focused(); f != "notify-button" {
				t.Errorf("focus on %q after turning it on, want the switch", f)
			}
			time.Sleep(300 * time.Millisecond)
			if n := in.count(); n != 1 {
				t.Errorf("%d requests to turn it on for a double click, want 1", n)
			}
			// The page's GET, the refused PUT and the one PUT: nothing turned it off again.
			if n := rt.requestCount(base + subscription); n != 3 {
				t.Errorf("%d requests to the subscription, want 3", n)
			}
			var s struct{ Subscribed bool }
			readerAPI.call(http.MethodGet, subscription, nil, http.StatusOK, &s)
			if !s.Subscribed {
				t.Error("the API has the member unsubscribed after turning it on")
			}
			rt.axe("group, notifications on")

			// Another member posts; the mail names the group and the author, never the text.
			const secret = "Streng vertraulich: Treffpunkt Kiosk"
			authorAPI.call(http.MethodPost, "/v1/groups/"+g.ID+"/posts", map[string]any{"text": secret}, http.StatusCreated, nil)
			notifyNow(t)
			m := notificationTo(t, reader, name)
			if want := strings.Replace(w["subject"], "%s", name, 1); !strings.Contains(m.Subject, want) {
				t.Errorf("subject %q, want %q", m.Subject, want)
			}
			if !strings.Contains(m.Text, name) || !strings.Contains(m.Text, "/"+l.lang+"/network/group?id="+g.ID) {
				t.Errorf("the mail does not name and link the group:\n%s", m.Text)
			}
			if all := m.Subject + m.Text; strings.Contains(all, "vertraulich") || strings.Contains(all, "Kiosk") {
				t.Errorf("the mail carries the post:\n%s\n%s", m.Subject, m.Text)
			}

			// Read again, the page shows it on; the member turns it off.
			rt = networkPage(t, l.accept, l.lang, reader, "group?id="+g.ID)
			rt.visible("#notify-button")
			rt.waitFor(`document.getElementById('notify-button').getAttribute('aria-pressed') === 'true'`)
			rt.tabTo("#notify-button")
			rt.do(chromedp.KeyEvent("\r"))
			rt.waitFor(`document.getElementById('notify-button').getAttribute('aria-pressed') === 'false'`)
			if got := rt.text("#notify-status"); !strings.HasPrefix(got, w["off"]) {
				t.Errorf("status %q after turning it off", got)
			}
			readerAPI.call(http.MethodGet, subscription, nil, http.StatusOK, &s)
			if s.Subscribed {
				t.Error("the API has the member subscribed after turning it off")
			}
			rt.axe("group, notifications turned off")

			// Turned off, a new post brings no mail.
			authorAPI.call(http.MethodPost, "/v1/groups/"+g.ID+"/posts", map[string]any{"text": "Noch ein Beitrag"}, http.StatusCreated, nil)
			notifyNow(t)
			time.Sleep(2 * time.Second)
			if n := len(notificationsTo(t, reader, name)); n != 1 {
				t.Errorf("%d notifications after turning it off, want the first one only", n)
			}
		})
	}
}
