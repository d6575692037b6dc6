// Package evidence keeps the client IP and exact time of sign-ins (and later of
// publishing listings and ratings and of replies), only as evidence in fraud or abuse
// cases (HGK-12): a table of its own, read by admins only and every read audited,
// never used for statistics, deleted after the deployment's retention.
package evidence

import (
	"context"
	"time"

	"kontor/shared/dynamo"
	"kontor/shared/privacy"
)

// Events recorded.
const EventLogin = "login"

// EventListingPublish is the publication of a classifieds listing (HGK-12).
const EventListingPublish = "listing.publish"

// Record is one piece of evidence.
type Record struct {
	AccountID string    `dynamodbav:"accountId" json:"accountId"`
	Event     string    `dynamodbav:"event" json:"event"`
	IP        string    `dynamodbav:"ip" json:"ip"`
	At        time.Time `dynamodbav:"at" json:"at"`
	TTL       int64     `dynamodbav:"ttl" json:"-"`
}

// Log is the evidence table.
type Log struct {
	DB        dynamo.DB
	Table     string
	Retention time.Duration
}

// DefaultRetention is used when the template parameter is not set.
const DefaultRetention = 180 * 24 * time.Hour

// Add records an event of an account from a client address.
func (l *Log) Add(ctx context.Context, accountID, event, ip string, at time.Time) error {
	rec := Record{AccountID: accountID, Event: event, IP: ip, At: at.UTC(), TTL: at.Add(l.Retention).Unix()}
	return l.table().Put(ctx, recordKey(accountID, at, event), rec, time.Time{}, dynamo.Cond{})
}

// recordKey is a record's key: the account's partition, sorted by time.
func recordKey(accountID string, at time.Time, event string) dynamo.Item {
	return dynamo.Key("ACCOUNT#"+accountID, at.UTC().Format(time.RFC3339Nano)+"#"+event)
}

func (l *Log) table() dynamo.Table { return dynamo.Table{DB: l.DB, Name: l.Table} }

// decoded is fn on the record an item holds.
func decoded(fn func(Record) error) func(dynamo.Item) error {
	return func(it dynamo.Item) error {
		var r Record
		if err := dynamo.Unmarshal(it, &r); err != nil {
			return err
		}
		return fn(r)
	}
}

// For returns an account's live evidence records, oldest first.
func (l *Log) For(ctx context.Context, accountID string, now time.Time) ([]Record, error) {
	out := []Record{}
	err := l.table().Query(ctx, "ACCOUNT#"+accountID, "", now, decoded(func(r Record) error {
		out = append(out, r)
		return nil
	}))
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (l *Log) del(ctx context.Context, r Record) error {
	return l.table().Delete(ctx, recordKey(r.AccountID, r.At, r.Event))
}

// Module implements privacy.Module for the evidence log.
type Module struct{ Log *Log }

// Name implements privacy.Module.
func (m Module) Name() string { return "evidence" }

// Kinds implements privacy.Module.
func (m Module) Kinds() []privacy.Kind {
	return []privacy.Kind{{
		ID: "evidence.events", Module: "evidence", Table: "EvidenceTable",
		Category:   privacy.Text{DE: "IP-Adresse und Zeitpunkt von Anmeldungen", EN: "IP address and time of sign-ins"},
		Fields:     []string{"ip", "at", "event"},
		Purpose:    privacy.Text{DE: "Nur als Beweis bei Betrug oder Missbrauch; nie für Statistik.", EN: "Only as evidence in cases of fraud or abuse; never for statistics."},
		LegalBasis: privacy.LegitimateInterest,
		Retention: privacy.Retention{Parameter: "EvidenceRetentionDays", Rule: privacy.Text{
			DE: "EvidenceRetentionDays Tage, dann gelöscht.", EN: "EvidenceRetentionDays days, then deleted."}},
		Recipients: privacy.Text{DE: "Nur Administratoren, jeder Zugriff protokolliert; im Missbrauchsfall Strafverfolgungsbehörden.", EN: "Admins only, every read audited; law enforcement in a case of abuse."},
		Source:     privacy.Text{DE: "Vom Portal bei der Anmeldung erfasst.", EN: "Recorded by the portal at sign-in."},
	}}
}

// Export implements privacy.Module.
func (m Module) Export(ctx context.Context, s privacy.Subject) (map[string]any, error) {
	recs, err := m.Log.For(ctx, s.AccountID, time.Now())
	if err != nil {
		return nil, err
	}
	return map[string]any{"evidence.events": recs}, nil
}

// Erase implements privacy.Module.
func (m Module) Erase(ctx context.Context, s privacy.Subject) error {
	recs, err := m.Log.For(ctx, s.AccountID, time.Unix(0, 0))
	if err != nil {
		return err
	}
	for _, r := range recs {
		if err := m.Log.del(ctx, r); err != nil {
			return err
		}
	}
	return nil
}

// Sweep implements privacy.Module: evidence past its retention, except held.
func (m Module) Sweep(ctx context.Context, now time.Time, held *privacy.Held) (map[string]int, error) {
	counts := map[string]int{}
	_, err := m.Log.table().Sweep(ctx, dynamo.Sweep{Name: "expired"}, dynamo.ExpiredAt(now), decoded(func(r Record) error {
		if held.Keep(r.AccountID) {
			return nil
		}
		if err := m.Log.del(ctx, r); err != nil {
			return err
		}
		counts["evidence.events"]++
		return nil
	}))
	return counts, err
}
