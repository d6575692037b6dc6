package mail

import (
	"context"
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

func (m *Module) each(ctx context.Context, filter dynamo.Cond, fn func(item) error) error {
	return eachQueued(ctx, dynamo.Table{DB: m.DB, Name: m.Table}, filter, fn)
}

func (m *Module) remove(ctx context.Context, id string) error {
	if _, err := m.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(m.Table), Key: mailKey(id)}); err != nil {
		return fmt.Errorf("remove mail %s: %w", id, err)
	}
	return nil
}

// forRecipient filters the outbox on the recipient ("to" is a reserved word).
func (m *Module) forRecipient(ctx context.Context, email string, fn func(item) error) error {
	return m.each(ctx, dynamo.Cond{Expr: "#to = :to", Names: map[string]string{"#to": "to"}, Values: dynamo.Item{":to": dynamo.S(email)}}, fn)
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
// modules keep.
func (m *Module) Sweep(ctx context.Context, now time.Time, _ *privacy.Held) (map[string]int, error) {
	counts := map[string]int{}
	err := m.each(ctx, dynamo.ExpiredAt(now), func(it item) error {
		if it.To != "" {
			counts["mail.outbox"]++
		}
		return m.remove(ctx, it.ID)
	})
	return counts, err
}
