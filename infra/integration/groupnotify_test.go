package integration

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"kontor/infra/local"
)

// subscription reads whether c gets mail about new posts in the group.
func subscribed(t *testing.T, c *client, groupID string) bool {
	t.Helper()
	r := c.do(http.MethodGet, "/v1/groups/"+groupID+"/subscription", nil)
	want(t, r, http.StatusOK)
	return object(t, r)["subscribed"] == true
}

// notifyNow runs the notification function's scheduled run.
func notifyNow(t *testing.T) {
	t.Helper()
	if err := stack.TriggerSchedule(context.Background(), "GroupNotifyFunction"); err != nil {
		t.Fatal(err)
	}
}

// unsubscribeLink is the path and query of a notification's one-click link, read
// from its List-Unsubscribe header field (which must be one https or http URL in
// angle brackets, with the one-click field beside it).
func unsubscribeLink(t *testing.T, m local.Mail) string {
	t.Helper()
	if m.Headers["List-Unsubscribe-Post"] != "List-Unsubscribe=One-Click" {
		t.Fatalf("no one-click field: %v", m.Headers)
	}
	v := m.Headers["List-Unsubscribe"]
	if !strings.HasPrefix(v, "<") || !strings.HasSuffix(v, ">") {
		t.Fatalf("List-Unsubscribe %q", v)
	}
	u, err := url.Parse(strings.Trim(v, "<>"))
	if err != nil || u.Query().Get("token") == "" || !strings.Contains(m.Text, u.String()) {
		t.Fatalf("List-Unsubscribe %q (%v), not in the text", v, err)
	}
	return u.RequestURI()
}

// oneClick posts as a mail program does for RFC 8058: no session, no CSRF token.
func oneClick(t *testing.T, link string) response {
	t.Helper()
	c := newClient(t)
	c.noCSRF = true
	return c.raw(http.MethodPost, link, "application/x-www-form-urlencoded", []byte("List-Unsubscribe=One-Click"), nil)
}

// Promise: HKC-6 — a member who turned on notifications for a group gets a mail in
// their language about each new post by someone else, naming the group and the
// author and linking to the group's page, never carrying the post's text; the
// author, a member who turned them off, one who was removed and one who never
// turned them on get nothing; a non-member cannot see or set the switch (404).
// The mail's one-click link (RFC 8058) turns notifications off without sign-in; a
// GET of it changes nothing; using it again is harmless, and after turning them on
// again the old link does nothing.
func TestGroupNotificationsMailSubscribersNamesNotContent(t *testing.T) {
	staff, _ := groupMember(t, "Sabine", "staff")
	author, authorID := groupMember(t, "Anton")
	reader, readerID := groupMember(t, "Berta")
	removed, removedID := groupMember(t, "Carl")
	quitter, quitterID := groupMember(t, "Dora")
	silent, silentID := groupMember(t, "Egon")
	outsider, _ := groupMember(t, "Olga")
	name := "Radtreff " + strconv.FormatInt(time.Now().UnixNano()%1e9, 36)
	g := newGroup(t, staff, map[string]any{"kind": "group", "access": "open", "name": name})
	for _, m := range []struct {
		c  *client
		id string
	}{{author, authorID}, {reader, readerID}, {removed, removedID}, {quitter, quitterID}, {silent, silentID}} {
		want(t, m.c.do(http.MethodPut, "/v1/groups/"+g+"/members/"+m.id, nil), http.StatusCreated)
	}
	want(t, reader.do(http.MethodPatch, "/v1/me", map[string]any{"language": "de"}), http.StatusOK)

	for _, c := range []*client{author, reader, removed, quitter} {
		want(t, c.do(http.MethodPut, "/v1/groups/"+g+"/subscription", nil), http.StatusCreated)
	}
	want(t, reader.do(http.MethodPut, "/v1/groups/"+g+"/subscription", nil), http.StatusOK)
	if !subscribed(t, reader, g) || subscribed(t, silent, g) {
		t.Fatal("subscription state")
	}
	want(t, quitter.do(http.MethodDelete, "/v1/groups/"+g+"/subscription", nil), http.StatusNoContent)
	if subscribed(t, quitter, g) {
		t.Fatal("still subscribed after turning it off")
	}
	want(t, staff.do(http.MethodDelete, "/v1/groups/"+g+"/members/"+removedID, nil), http.StatusNoContent)
	// Not a member (staff included): the switch does not exist.
	for _, c := range []*client{outsider, staff, removed} {
		for _, m := range []string{http.MethodGet, http.MethodPut, http.MethodDelete} {
			want(t, c.do(m, "/v1/groups/"+g+"/subscription", nil), http.StatusNotFound)
		}
	}

	addr := func(c *client) string { return profile(t, c).Email }
	post(t, author, g, "Streng vertraulicher Inhalt: Treffpunkt Kiosk")
	notifyNow(t)
	m := mailTo(t, addr(reader), name)
	for _, s := range []string{"Anton Großmann", "„" + name + "“", "/de/network/group?id=" + g} {
		if !strings.Contains(m.Subject+m.Text, s) {
			t.Fatalf("mail lacks %q: %s\n%s", s, m.Subject, m.Text)
		}
	}
	if !strings.Contains(m.Subject, "Neuer Beitrag") || strings.Contains(m.Subject+m.Text, "vertraulich") || strings.Contains(m.Subject+m.Text, "Kiosk") {
		t.Fatalf("mail not in German or carries the post: %s\n%s", m.Subject, m.Text)
	}
	notifyNow(t) // a second run sends nothing twice
	time.Sleep(2 * time.Second)
	if n := notificationsTo(t, addr(reader)); n != 1 {
		t.Fatalf("the subscriber got %d notifications", n)
	}
	for _, c := range []*client{author, removed, quitter, silent} {
		if n := notificationsTo(t, addr(c)); n != 0 {
			t.Fatalf("%s got %d notifications", addr(c), n)
		}
	}

	link := unsubscribeLink(t, m)
	anon := newClient(t)
	r := anon.raw(http.MethodGet, link, "", nil, nil)
	want(t, r, http.StatusOK)
	if !strings.Contains(string(r.Body), `method="post"`) || !subscribed(t, reader, g) {
		t.Fatalf("GET of the link: %s; subscribed %v", r.Body, subscribed(t, reader, g))
	}
	want(t, oneClick(t, link), http.StatusOK)
	if subscribed(t, reader, g) {
		t.Fatal("the one-click link did not unsubscribe")
	}
	want(t, oneClick(t, link), http.StatusOK)
	want(t, oneClick(t, "/v1/group-subscriptions/unsubscribe?token=forged"), http.StatusOK)
	want(t, reader.do(http.MethodPut, "/v1/groups/"+g+"/subscription", nil), http.StatusCreated)
	want(t, oneClick(t, link), http.StatusOK)
	if !subscribed(t, reader, g) {
		t.Fatal("an old link ended a new subscription")
	}
}

// notificationsTo counts the notifications (mails with a List-Unsubscribe
// field) sent to addr.
func notificationsTo(t *testing.T, addr string) int {
	t.Helper()
	ms, err := stack.Mail(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range ms {
		if len(m.To) == 1 && strings.EqualFold(m.To[0], addr) && m.Headers["List-Unsubscribe"] != "" {
			n++
		}
	}
	return n
}

// Promise: HKC-14 — the export lists the groups whose notifications a member
// turned on; the deactivation removes them, so no mail follows (while another
// subscriber's does) and no item of the network table names the person.
func TestGroupNotificationsEndWithDeactivation(t *testing.T) {
	staff, _ := groupMember(t, "Susanne", "staff")
	author, authorID := groupMember(t, "Arno")
	leaver, leaverID := groupMember(t, "Leonore")
	control, controlID := groupMember(t, "Konrad")
	email := profile(t, leaver).Email
	name := "Kochgruppe " + strconv.FormatInt(time.Now().UnixNano()%1e9, 36)
	g := newGroup(t, staff, map[string]any{"kind": "group", "access": "open", "name": name})
	want(t, author.do(http.MethodPut, "/v1/groups/"+g+"/members/"+authorID, nil), http.StatusCreated)
	want(t, leaver.do(http.MethodPut, "/v1/groups/"+g+"/members/"+leaverID, nil), http.StatusCreated)
	want(t, leaver.do(http.MethodPut, "/v1/groups/"+g+"/subscription", nil), http.StatusCreated)
	want(t, control.do(http.MethodPut, "/v1/groups/"+g+"/members/"+controlID, nil), http.StatusCreated)
	want(t, control.do(http.MethodPut, "/v1/groups/"+g+"/subscription", nil), http.StatusCreated)

	found := false
	for _, cat := range export(t, leaver).Categories {
		if cat.ID == "network.subscriptions" {
			found = strings.Contains(toJSON(t, cat.Data), g)
		}
	}
	if !found {
		t.Fatal("the export does not list the subscription")
	}
	want(t, leaver.do(http.MethodDelete, "/v1/me", nil), http.StatusOK)
	if hits := scanFor(t, "NetworkTable", leaverID, "Leonore", email); len(hits) > 0 {
		t.Fatalf("the network table still names the former member: %v", hits)
	}
	post(t, author, g, "Nach dem Austritt")
	notifyNow(t)
	mailTo(t, profile(t, control).Email, name) // the mailing ran
	time.Sleep(time.Second)
	if n := notificationsTo(t, email); n != 0 {
		t.Fatalf("a deactivated member got %d notifications", n)
	}
}
