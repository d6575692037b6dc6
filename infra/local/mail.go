package local

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
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
