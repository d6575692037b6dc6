package local

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/http"
	netmail "net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Mail is one message sent through the emulated SES.
type Mail struct {
	To      []string  `json:"to"`
	Subject string    `json:"subject"`
	Text    string    `json:"text"`
	SentAt  time.Time `json:"sentAt"`
	// Headers are the header fields of a raw message other than the standard
	// ones (List-Unsubscribe); nil for a simple one.
	Headers map[string]string `json:"headers,omitempty"`
}

// mailbox keeps the mail the emulator accepted, in the order it was sent. The
// emulator's front (front.go) adds each message when moto answered its SendEmail
// with 200, so reading the list costs nothing however much moto holds.
type mailbox struct {
	mu   sync.Mutex
	sent []Mail
}

// Mail returns the mail sent so far, newest first.
func (s *Stack) Mail(_ context.Context) ([]Mail, error) { return s.mail.list(), nil }

func (m *mailbox) add(x Mail) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, x)
}

func (m *mailbox) list() []Mail {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Mail, 0, len(m.sent))
	for i := len(m.sent) - 1; i >= 0; i-- {
		out = append(out, m.sent[i])
	}
	return out
}

// sesMail reads the message out of an SES SendEmail request: the SES (v1) query
// API (POST / with Action=SendEmail, form-encoded, as shared/mail/sesmail sends it)
// or SES v2 (POST /v2/email/outbound-emails with simple content), the two calls
// moto keeps as a sent message. ok is false for every other request.
func sesMail(r *http.Request, body []byte) (Mail, bool) {
	switch {
	case r.URL.Path == "/" || r.URL.Path == "":
		form, err := url.ParseQuery(string(body))
		if err == nil && form.Get("Action") == "SendRawEmail" {
			return rawMail(form)
		}
		if err != nil || form.Get("Action") != "SendEmail" {
			return Mail{}, false
		}
		m := Mail{Subject: form.Get("Message.Subject.Data"), Text: form.Get("Message.Body.Text.Data")}
		if m.Text == "" {
			m.Text = form.Get("Message.Body.Html.Data")
		}
		for _, kind := range []string{"ToAddresses", "CcAddresses", "BccAddresses"} {
			for i := 1; ; i++ {
				a, ok := form["Destination."+kind+".member."+strconv.Itoa(i)]
				if !ok || len(a) == 0 {
					break
				}
				m.To = append(m.To, a[0])
			}
		}
		return m, true
	case strings.TrimSuffix(r.URL.Path, "/") == "/v2/email/outbound-emails":
		var in struct {
			Destination struct{ ToAddresses, CcAddresses, BccAddresses []string }
			Content     struct {
				Simple *struct {
					Subject struct{ Data string }
					Body    struct{ Text, Html *struct{ Data string } }
				}
			}
		}
		if json.Unmarshal(body, &in) != nil || in.Content.Simple == nil {
			return Mail{}, false
		}
		s := in.Content.Simple
		m := Mail{Subject: s.Subject.Data}
		if s.Body.Text != nil {
			m.Text = s.Body.Text.Data
		} else if s.Body.Html != nil {
			m.Text = s.Body.Html.Data
		}
		m.To = append(append(append(m.To, in.Destination.ToAddresses...), in.Destination.CcAddresses...), in.Destination.BccAddresses...)
		return m, true
	}
	return Mail{}, false
}

// standardFields are the header fields rawMail reads into Mail's own fields.
var standardFields = []string{"From", "To", "Cc", "Bcc", "Subject", "Mime-Version", "Content-Type", "Content-Transfer-Encoding"}

// rawMail reads a SendRawEmail request (as shared/mail/sesmail sends a message
// with header fields of its own): the recipients the request names, the
// decoded subject and text, and the other header fields.
func rawMail(form url.Values) (Mail, bool) {
	data, err := base64.StdEncoding.DecodeString(form.Get("RawMessage.Data"))
	if err != nil {
		return Mail{}, false
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return Mail{}, false
	}
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return Mail{}, false
	}
	var body io.Reader = msg.Body
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(msg.Body)
	}
	text, err := io.ReadAll(body)
	if err != nil {
		return Mail{}, false
	}
	m := Mail{Subject: subject, Text: strings.ReplaceAll(string(text), "\r\n", "\n"), Headers: map[string]string{}}
	for k, v := range msg.Header {
		if !slices.Contains(standardFields, k) && len(v) > 0 {
			m.Headers[k] = v[0]
		}
	}
	for i := 1; ; i++ {
		a, ok := form["Destinations.member."+strconv.Itoa(i)]
		if !ok || len(a) == 0 {
			break
		}
		m.To = append(m.To, a[0])
	}
	if len(m.To) == 0 {
		for _, f := range []string{"To", "Cc", "Bcc"} {
			if as, err := msg.Header.AddressList(f); err == nil {
				for _, a := range as {
					m.To = append(m.To, a.Address)
				}
			}
		}
	}
	return m, true
}
