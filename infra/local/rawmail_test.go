package local

import (
	"encoding/base64"
	"net/url"
	"testing"

	"kontor/shared/mail"
	"kontor/shared/mail/sesmail"
)

// A raw message (SendRawEmail, as the dispatcher sends mail with header fields of
// its own) is listed with its recipient, decoded subject and text, and those
// header fields, which the tests read.
func TestRawMailIsReadWithItsHeaderFields(t *testing.T) {
	m := mail.Message{To: "anna@example.org", Subject: "Neuer Beitrag in „Grüße“", Text: "Hallo Ärger\nzweite Zeile",
		Headers: map[string]string{"List-Unsubscribe": "<https://kontor.example/u?token=abc>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}}
	raw, err := sesmail.Raw("no-reply@kontor.example", m)
	if err != nil {
		t.Fatal(err)
	}
	got, ok := rawMail(url.Values{"Action": {"SendRawEmail"}, "RawMessage.Data": {base64.StdEncoding.EncodeToString(raw)}, "Destinations.member.1": {m.To}})
	if !ok || len(got.To) != 1 || got.To[0] != m.To || got.Subject != m.Subject || got.Text != m.Text ||
		got.Headers["List-Unsubscribe"] != m.Headers["List-Unsubscribe"] || got.Headers["List-Unsubscribe-Post"] != m.Headers["List-Unsubscribe-Post"] || len(got.Headers) != 2 {
		t.Fatalf("read %+v, ok %v", got, ok)
	}
}
