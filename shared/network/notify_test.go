package network

import (
	"strings"
	"testing"
)

// A notification names the group and the author, links to the group's page in
// the recipient's language and to the one-click unsubscribe, carries the RFC 8058
// header fields, and has no room for anything of the post.
func TestNotificationMailNamesGroupAndAuthorOnly(t *testing.T) {
	g := Group{ID: "019ad0a4-0000-7000-8000-000000000001", Name: "Radtreff"}
	for lang, want := range map[string][]string{
		"de": {"Neuer Beitrag von Anna Alt in „Radtreff“", "https://kontor.example/de/network/group?id=" + g.ID},
		"en": {"New post by Anna Alt in “Radtreff”", "https://kontor.example/en/network/group?id=" + g.ID},
		"fr": {"Neuer Beitrag", "/de/network/group?id="},
	} {
		m := NotificationMail(lang, g, "Anna Alt", "https://kontor.example", "tok")
		for _, s := range want {
			if !strings.Contains(m.Subject+"\n"+m.Text, s) {
				t.Errorf("%s: %q lacks %q", lang, m.Subject+"\n"+m.Text, s)
			}
		}
		link := "https://kontor.example" + UnsubscribePath + "?token=tok"
		if m.Headers["List-Unsubscribe"] != "<"+link+">" || m.Headers["List-Unsubscribe-Post"] != "List-Unsubscribe=One-Click" || !strings.Contains(m.Text, link) {
			t.Errorf("%s: headers %v", lang, m.Headers)
		}
	}
	if m := NotificationMail("en", g, "", "https://kontor.example", "tok"); !strings.Contains(m.Subject, "A former member") {
		t.Errorf("former member: %q", m.Subject)
	}
}

// A mail's id follows from post and subscriber alone, so a mailing run again
// queues nothing twice, and differs for every other pair.
func TestMessageIDIsStablePerPostAndSubscriber(t *testing.T) {
	a, b := MessageID("p1", "a1"), MessageID("p1", "a1")
	if a != b || len(a) != 36 || a == MessageID("p1", "a2") || a == MessageID("p2", "a1") {
		t.Fatalf("ids %s %s", a, b)
	}
}
