package sesmail

import (
	"bytes"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"testing"

	kmail "kontor/shared/mail"
)

// A raw message carries the subject as an encoded word, the text in
// quoted-printable and the message's own header fields; it reads back as sent.
func TestRawCarriesHeaderFieldsAndReadsBack(t *testing.T) {
	m := kmail.Message{To: "anna@example.org", Subject: "Neuer Beitrag in „Grüße“", Text: "Hallo,\n\nÄnderung: " + strings.Repeat("x", 100),
		Headers: map[string]string{"List-Unsubscribe": "<https://kontor.example/u?token=abc>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}}
	raw, err := Raw("no-reply@kontor.example", m)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var dec mime.WordDecoder
	subject, _ := dec.DecodeHeader(msg.Header.Get("Subject"))
	text, _ := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if subject != m.Subject || strings.ReplaceAll(string(text), "\r\n", "\n") != m.Text ||
		msg.Header.Get("List-Unsubscribe") != m.Headers["List-Unsubscribe"] || msg.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Fatalf("read back: %q %q %v", subject, text, msg.Header)
	}
}

// A header field with a line break, or one that would replace a standard field
// (a second recipient), is refused: nothing can be added to the message.
func TestRawRefusesInjectedFields(t *testing.T) {
	for _, h := range []map[string]string{
		{"List-Unsubscribe": "<https://x>\r\nBcc: eve@example.org"},
		{"bcc": "eve@example.org"},
		{"To": "eve@example.org"},
		{"Bad Name": "x"},
	} {
		if _, err := Raw("no-reply@kontor.example", kmail.Message{To: "anna@example.org", Subject: "s", Text: "t", Headers: h}); err == nil {
			t.Errorf("accepted %v", h)
		}
	}
	if _, err := Raw("no-reply@kontor.example", kmail.Message{To: "anna@example.org\r\nBcc: eve@example.org", Subject: "s", Text: "t"}); err == nil {
		t.Error("accepted a line break in the address")
	}
}

// A long display name (100 emoji, encoded words) and a long subject are folded:
// no line of the header is over 78 characters, and both read back unchanged.
func TestRawFoldsLongHeaderLines(t *testing.T) {
	name := strings.Repeat("⛵", 100)
	replyTo := (&mail.Address{Name: name, Address: "anna@example.org"}).String()
	subject := "Antwort auf Ihr Inserat: " + strings.Repeat("Große Koje ", 12)
	raw, err := Raw("no-reply@kontor.example", kmail.Message{To: "eve@example.org", Subject: subject, Text: "t", Headers: map[string]string{"Reply-To": replyTo}})
	if err != nil {
		t.Fatal(err)
	}
	head, _, _ := strings.Cut(string(raw), "\r\n\r\n")
	for _, line := range strings.Split(head, "\r\n") {
		if len(line) > 78 || strings.TrimSpace(line) == "" {
			t.Fatalf("header line of %d characters: %q", len(line), line)
		}
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	got, err := msg.Header.AddressList("Reply-To")
	if err != nil || len(got) != 1 || got[0].Name != name || got[0].Address != "anna@example.org" {
		t.Fatalf("Reply-To %v %v", got, err)
	}
	var dec mime.WordDecoder
	if s, _ := dec.DecodeHeader(msg.Header.Get("Subject")); s != subject {
		t.Fatalf("subject %q", s)
	}
}
