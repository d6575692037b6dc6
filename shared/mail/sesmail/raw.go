package sesmail

import (
	"bytes"
	"errors"
	"mime"
	"mime/quotedprintable"
	"net/textproto"
	"slices"
	"strings"

	"kontor/shared/mail"
)

// reserved are the header fields Raw writes itself; a message's own headers may
// not replace them.
var reserved = []string{"From", "To", "Subject", "Mime-Version", "Content-Type", "Content-Transfer-Encoding", "Bcc", "Cc"}

// Raw is m as a MIME message from the sender: UTF-8 plain text in
// quoted-printable, the subject as an encoded word, and m's own header fields
// after the standard ones. A header field that is not a token or a value with a
// line break is refused, so nothing can add fields or recipients.
func Raw(from string, m mail.Message) ([]byte, error) {
	var b bytes.Buffer
	field := func(name, value string) {
		b.WriteString(name + ": " + value + "\r\n")
	}
	if strings.ContainsAny(from+m.To, "\r\n") {
		return nil, errors.New("line break in an address")
	}
	field("From", from)
	field("To", m.To)
	field("Subject", mime.QEncoding.Encode("UTF-8", m.Subject))
	field("MIME-Version", "1.0")
	field("Content-Type", "text/plain; charset=UTF-8")
	field("Content-Transfer-Encoding", "quoted-printable")
	names := make([]string, 0, len(m.Headers))
	for k := range m.Headers {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		v := m.Headers[k]
		canon := textproto.CanonicalMIMEHeaderKey(k)
		if k == "" || strings.ContainsAny(k, " :\r\n\t") || strings.ContainsAny(v, "\r\n") || slices.Contains(reserved, canon) {
			return nil, errors.New("invalid header field " + canon)
		}
		field(k, v)
	}
	b.WriteString("\r\n")
	w := quotedprintable.NewWriter(&b)
	if _, err := w.Write([]byte(m.Text)); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
