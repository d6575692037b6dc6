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
		b.WriteString(fold(name+": "+value) + "\r\n")
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

// lineLength is the length a header line is folded at (RFC 5322 2.1.1 asks for
// 78; 998 is the hard limit that mail servers reject beyond).
const lineLength = 78

// fold breaks a header line longer than lineLength before its spaces (CRLF
// before a space is folding white space: unfolding restores the line exactly).
// A long name of encoded words (a replier's name of 100 emoji is some 1,300
// characters in the Reply-To field) would otherwise make a line that mail
// servers refuse. A word longer than a line stays whole (encoded words are at
// most 75 characters).
func fold(line string) string {
	if len(line) <= lineLength {
		return line
	}
	var b strings.Builder
	cur := 0
	for i, w := range strings.Split(line, " ") {
		switch {
		case i == 0:
		case w != "" && cur+1+len(w) > lineLength:
			b.WriteString("\r\n")
			cur = 0
			fallthrough
		default:
			b.WriteString(" ")
			cur++
		}
		b.WriteString(w)
		cur += len(w)
	}
	return b.String()
}
