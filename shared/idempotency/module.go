package idempotency

import (
	"context"
	"time"

	"kontor/shared/dynamo"
	"kontor/shared/privacy"
)

// Module implements privacy.Module for the idempotency table: a signed-in person's
// keys lie in the account's own partition, so they are exported and erased by key;
// keys on routes without a session carry only a keyed hash of the client address,
// belong to no account and end with their day. The sweep deletes what is past its
// day (DynamoDB's TTL is only the backstop).
type Module struct {
	DB    dynamo.DB
	Table string
}

// KindAnswers is the id of the kept answers' privacy kind.
const KindAnswers = "idempotency.answers"

// Name implements privacy.Module.
func (Module) Name() string { return "idempotency" }

// Kinds implements privacy.Module.
func (Module) Kinds() []privacy.Kind {
	return []privacy.Kind{{
		ID: KindAnswers, Module: "idempotency", Table: "IdempotencyTable",
		Category: privacy.Text{DE: "Antworten auf wiederholbare Anfragen", EN: "Answers to repeatable requests"},
		Fields: []string{"route", "status", "answer (headers and body, encrypted under the caller's Idempotency-Key)",
			"keyed hash (HMAC) of the Idempotency-Key and, without a session, of the IP address", "time"},
		Purpose: privacy.Text{
			DE: "Eine nach einer verlorenen Antwort wiederholte Anfrage bekommt die erste Antwort, statt etwas doppelt anzulegen.",
			EN: "A request repeated after a lost answer gets the first answer instead of creating something twice."},
		LegalBasis: privacy.LegitimateInterest,
		Retention: privacy.Retention{Rule: privacy.Text{
			DE: "24 Stunden nach der Anfrage.",
			EN: "24 hours after the request."}},
		Recipients: privacy.Text{DE: "Keine Weitergabe; nur die Person, deren Gerät den Schlüssel kennt.", EN: "Not disclosed; only the person whose client knows the key."},
		Source:     privacy.Text{DE: "Die Antworten des Portals auf Anfragen der Person.", EN: "The portal's answers to the person's requests."},
	}}
}

// AnswerView is one kept answer in an export: what was asked and answered, and
// until when it is kept. The answer itself stays sealed: only the key the person's
// client sent opens it.
type AnswerView struct {
	Route     string    `json:"route"`
	Status    int       `json:"status,omitempty"`
	Done      bool      `json:"done"`
	StoredAt  time.Time `json:"storedAt"`
	ExpiresAt time.Time `json:"expiresAt"`
}

func (m Module) table() dynamo.Table { return dynamo.Table{DB: m.DB, Name: m.Table} }

// Export implements privacy.Module: one query of the account's partition.
func (m Module) Export(ctx context.Context, s privacy.Subject) (map[string]any, error) {
	views := []AnswerView{}
	if s.AccountID != "" {
		var recs []record
		if err := m.table().QueryAll(ctx, AccountPartition(s.AccountID), "", time.Now().UTC(), &recs); err != nil {
			return nil, err
		}
		for _, r := range recs {
			views = append(views, AnswerView{Route: r.Route, Status: r.Status, Done: r.State == stateDone,
				StoredAt: time.Unix(r.CreatedAt, 0).UTC(), ExpiresAt: time.Unix(r.TTL, 0).UTC()})
		}
	}
	return map[string]any{KindAnswers: views}, nil
}

// Erase implements privacy.Module: every key of the account's partition, expired
// or not.
func (m Module) Erase(ctx context.Context, s privacy.Subject) error {
	if s.AccountID == "" {
		return nil
	}
	var keys []dynamo.Item
	err := m.table().Query(ctx, AccountPartition(s.AccountID), "", time.Time{}, func(it dynamo.Item) error {
		keys = append(keys, dynamo.Key(dynamo.String(it, dynamo.PK), dynamo.String(it, dynamo.SK)))
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range keys {
		if err := m.table().Delete(ctx, k); err != nil {
			return err
		}
	}
	return nil
}

// Sweep implements privacy.Module: keys past their day. They belong to no hold:
// an answer is a copy of what the route's own module keeps.
func (m Module) Sweep(ctx context.Context, now time.Time, _ *privacy.Held) (map[string]int, error) {
	counts := map[string]int{}
	_, err := m.table().Sweep(ctx, dynamo.Sweep{Name: "expired"}, dynamo.ExpiredAt(now), func(it dynamo.Item) error {
		if err := m.table().Delete(ctx, dynamo.Key(dynamo.String(it, dynamo.PK), dynamo.String(it, dynamo.SK))); err != nil {
			return err
		}
		counts[KindAnswers]++
		return nil
	})
	return counts, err
}
