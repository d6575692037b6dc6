package classifieds

import (
	"strings"
	"testing"
)

// An alert mail names title, trip and link of each listing, carries the one-click
// fields (RFC 8058) with the link that is also in the text, and a title with a
// line break cannot add a header line.
func TestAlertMail(t *testing.T) {
	l := Listing{ID: "0192f0c4-8a2b-7c3d-9e4f-5a6b7c8d9e0f", Title: "Koje\r\nBcc: x@example.org", From: "2027-06-01", To: "2027-06-14"}
	m := AlertMail("en", []Listing{l}, "https://hgk.example/", "tok")
	if strings.ContainsAny(m.Subject, "\r\n") || !strings.Contains(m.Subject, "New listing") {
		t.Fatalf("subject %q", m.Subject)
	}
	unsub := "https://hgk.example/v1/alerts/unsubscribe?token=tok"
	if m.Headers["List-Unsubscribe"] != "<"+unsub+">" || m.Headers["List-Unsubscribe-Post"] != "List-Unsubscribe=One-Click" {
		t.Fatalf("headers %v", m.Headers)
	}
	for _, s := range []string{unsub, "https://hgk.example/en/listings/listing?id=" + l.ID, "2027-06-01 to 2027-06-14"} {
		if !strings.Contains(m.Text, s) {
			t.Fatalf("text lacks %q: %s", s, m.Text)
		}
	}
	d := AlertMail("fr", []Listing{l, l}, "https://hgk.example", "tok")
	if !strings.Contains(d.Subject, "2 neue Inserate") || strings.Count(d.Text, "/de/listings/listing?id=") != 2 {
		t.Fatalf("digest %q\n%s", d.Subject, d.Text)
	}
}
