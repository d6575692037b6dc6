package mail

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/dynamo"
	"kontor/shared/privacy"
)

// Module implements privacy.Module for the outbox: queued mail to the person.
type Module struct {
	DB    dynamo.DB
	Table string
}

// Name implements privacy.Module.
func (m *Module) Name() string { return "mail" }

// Kinds implements privacy.Module.
func (m *Module) Kinds() []privacy.Kind { return PrivacyKinds() }

// QueuedView is a queued message in an export.
type QueuedView struct {
	Subject  string    `json:"subject"`
	Text     string    `json:"text"`
	QueuedAt time.Time `json:"queuedAt"`
	Attempts int       `json:"attempts"`
}

func (m *Module) remove(ctx context.Context, id string) error {
	if _, err := m.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(m.Table), Key: mailKey(id)}); err != nil {
		return fmt.Errorf("remove mail %s: %w", id, err)
	}
	return nil
}

// forRecipient calls fn with the mail queued for an address, found through the
// byRecipient index and read afresh by key: only that address's mail is read.
func (m *Module) forRecipient(ctx context.Context, email string, fn func(item) error) error {
	t := dynamo.Table{DB: m.DB, Name: m.Table}
	var keys []dynamo.Item
	if err := t.Keys(ctx, ByRecipient, RecipientKey(email), func(k dynamo.Item) error { keys = append(keys, k); return nil }); err != nil {
		return err
	}
	for _, k := range keys {
		var it item
		err := t.Get(ctx, k, &it, dynamo.IgnoreTTL)
		if errors.Is(err, dynamo.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if err := fn(it); err != nil {
			return err
		}
	}
	return nil
}

// Export implements privacy.Module.
func (m *Module) Export(ctx context.Context, s privacy.Subject) (map[string]any, error) {
	views := []QueuedView{}
	if s.Email != "" {
		err := m.forRecipient(ctx, s.Email, func(it item) error {
			views = append(views, QueuedView{Subject: it.Subject, Text: it.Text, QueuedAt: time.Unix(it.CreatedAt, 0).UTC(), Attempts: it.Attempts})
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return map[string]any{"mail.outbox": views}, nil
}

// Erase implements privacy.Module.
func (m *Module) Erase(ctx context.Context, s privacy.Subject) error {
	if s.Email == "" {
		return nil
	}
	return m.forRecipient(ctx, s.Email, func(it item) error { return m.remove(ctx, it.ID) })
}

// Sweep implements privacy.Module: mail past its day in the outbox, and the ids of
// ended mail past the hour they are remembered (not counted: they hold no
// personal data). Outbox mail belongs to no hold: it is a copy of what the other
// modules keep. Mail queued before the recipient index gets its toKey on the way.
func (m *Module) Sweep(ctx context.Context, now time.Time, _ *privacy.Held) (map[string]int, error) {
	counts := map[string]int{}
	due := dynamo.ExpiredAt(now)
	due.Expr += " OR attribute_not_exists(toKey)"
	t := dynamo.Table{DB: m.DB, Name: m.Table}
	err := eachQueued(ctx, t, "expired", due, func(it item) error {
		if it.TTL > now.Unix() {
			if it.To == "" {
				return nil // an ended mail's id: no address left to index
			}
			return t.SetIfMissing(ctx, mailKey(it.ID), ByRecipient.Attr, RecipientKey(it.To))
		}
		if it.To != "" {
			counts["mail.outbox"]++
		}
		return m.remove(ctx, it.ID)
	})
	return counts, err
}
