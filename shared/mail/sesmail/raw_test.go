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
