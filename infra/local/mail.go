package local

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
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

// mailbox reads sent mail from moto's model dump (/moto-api/data.json, ses.Message:
// id, source, destinations, subject, body). moto keeps no send time, so the first
// time the mailbox sees a message stands in for it.
type mailbox struct {
	endpoint string
	mu       sync.Mutex
	seen     map[string]time.Time
}

type motoMessage struct {
	ID           string              `json:"id"`
	Subject      string              `json:"subject"`
	Body         string              `json:"body"`
	Destinations map[string][]string `json:"destinations"`
}

// Mail returns the mail sent so far, newest first.
func (s *Stack) Mail(ctx context.Context) ([]Mail, error) { return s.mail.list(ctx) }

func (m *mailbox) list(ctx context.Context) ([]Mail, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, m.endpoint+"/moto-api/data.json", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("read moto state: %w", err)
	}
	defer resp.Body.Close()
	var data struct {
		SES struct {
			Message []motoMessage `json:"Message"`
		} `json:"ses"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&data); err != nil {
		return nil, fmt.Errorf("decode moto state: %w", err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := time.Now().UTC()
	out := make([]Mail, 0, len(data.SES.Message))
	for i := len(data.SES.Message) - 1; i >= 0; i-- {
		msg := data.SES.Message[i]
		at, ok := m.seen[msg.ID]
		if !ok {
			at = now
			m.seen[msg.ID] = at
		}
		var to []string
		for _, k := range []string{"ToAddresses", "CcAddresses", "BccAddresses"} {
			to = append(to, msg.Destinations[k]...)
		}
		out = append(out, Mail{To: to, Subject: msg.Subject, Text: msg.Body, SentAt: at})
	}
	return out, nil
}
