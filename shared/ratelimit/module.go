package ratelimit

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/dynamo"
	"kontor/shared/privacy"
)

// Module implements privacy.Module for the limits table: counters of a person's
// account and address can be found (the deployment holds the hashing secret), so
// they are exported and erased like any other data; the sweep deletes counters past
// their lifetime (DynamoDB's TTL is only the backstop).
type Module struct {
	DB    dynamo.DB
	Table string
}

// KindCounters is the id of the counters' privacy kind.
const KindCounters = "limits.counters"

// Name implements privacy.Module.
func (Module) Name() string { return "limits" }

// Kinds implements privacy.Module.
func (Module) Kinds() []privacy.Kind {
	return []privacy.Kind{{
		ID: KindCounters, Module: "limits", Table: "LimitTable",
		Category: privacy.Text{DE: "Zähler gegen Missbrauch", EN: "Abuse counters"},
		Fields:   []string{"keyed hash (HMAC) of the IP address, account id or email address", "number of requests in a time window"},
		Purpose: privacy.Text{
			DE: "Schutz vor Missbrauch: begrenzt, wie oft ein Gerät, ein Zugang oder eine Adresse Anmeldungen, E-Mails, Links, Passwörter und Uploads auslösen kann.",
			EN: "Protection against abuse: limits how often one client, account or address can cause sign-ups, mail, links, passwords and uploads."},
		LegalBasis: privacy.LegitimateInterest,
		Retention: privacy.Retention{Rule: privacy.Text{
			DE: "Bis zum Ende des übernächsten Zeitfensters der jeweiligen Grenze, höchstens 2 Stunden.",
			EN: "Until the end of the limit's window after next, at most 2 hours."}},
		Recipients: privacy.Text{DE: "Keine Weitergabe; nur der Betreiber des Portals.", EN: "Not disclosed; the portal's operator only."},
		Source:     privacy.Text{DE: "Aus den Anfragen gezählt.", EN: "Counted from requests."},
	}}
}

// CounterView is one counter in an export.
type CounterView struct {
	Limit       string    `json:"limit"`
	WindowStart time.Time `json:"windowStart"`
	Count       int       `json:"count"`
}

// personKeys returns the counter keys of the current and previous window of every
// rule that counts by account or address, with what they describe.
func (m Module) personKeys(ctx context.Context, s privacy.Subject, now time.Time) (map[string]CounterView, error) {
	out := map[string]CounterView{}
	secret, err := storedSecret(ctx, m.DB, m.Table)
	if err != nil || secret == nil {
		return out, err
	}
	for _, r := range Catalog() {
		value := ""
		switch r.Scope {
		case PerAccount:
			value = s.AccountID
		case PerAddress:
			value = s.Email
		}
		if value == "" {
			continue
		}
		w := window(r, now)
		for _, idx := range []int64{w.index - 1, w.index} {
			out[counterBase(secret, r, value)+strconv.FormatInt(idx, 10)] = CounterView{
				Limit: r.String(), WindowStart: time.Unix(0, idx*r.Window.Nanoseconds()).UTC()}
		}
	}
	return out, nil
}

// Export implements privacy.Module.
func (m Module) Export(ctx context.Context, s privacy.Subject) (map[string]any, error) {
	now := time.Now().UTC()
	keys, err := m.personKeys(ctx, s, now)
	if err != nil {
		return nil, err
	}
	views := []CounterView{}
	pending := make([]dynamo.Item, 0, len(keys))
	for k := range keys {
		pending = append(pending, dynamo.Key(k, ""))
	}
	for len(pending) > 0 {
		batch := pending[:min(len(pending), 100)]
		pending = pending[len(batch):]
		out, err := m.DB.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{m.Table: {Keys: batch}}})
		if err != nil {
			return nil, fmt.Errorf("export limit counters: %w", err)
		}
		for _, it := range out.Responses[m.Table] {
			pk := dynamo.String(it, dynamo.PK)
			if c := itemCount(it, now); pk != "" && c > 0 {
				v := keys[pk]
				v.Count = c
				views = append(views, v)
			}
		}
		if un := out.UnprocessedKeys[m.Table]; len(un.Keys) > 0 {
			pending = append(pending, un.Keys...)
		}
	}
	return map[string]any{KindCounters: views}, nil
}

// Erase implements privacy.Module.
func (m Module) Erase(ctx context.Context, s privacy.Subject) error {
	keys, err := m.personKeys(ctx, s, time.Now().UTC())
	if err != nil {
		return err
	}
	t := dynamo.Table{DB: m.DB, Name: m.Table}
	for k := range keys {
		if err := t.Delete(ctx, dynamo.Key(k, "")); err != nil {
			return fmt.Errorf("erase limit counter: %w", err)
		}
	}
	return nil
}

// Sweep implements privacy.Module: counters past their lifetime. Counters belong
// to no hold (they are not attributable without the secret and say nothing a hold
// could need).
func (m Module) Sweep(ctx context.Context, now time.Time, _ *privacy.Held) (map[string]int, error) {
	counts := map[string]int{}
	t := dynamo.Table{DB: m.DB, Name: m.Table}
	_, err := t.Sweep(ctx, dynamo.Sweep{Name: "expired", PartitionKeyOnly: true}, dynamo.ExpiredAt(now), func(it dynamo.Item) error {
		if err := t.Delete(ctx, dynamo.Item{dynamo.PK: it[dynamo.PK]}); err != nil {
			return fmt.Errorf("sweep limit counter: %w", err)
		}
		counts[KindCounters]++
		return nil
	})
	return counts, err
}
