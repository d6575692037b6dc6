package requestlog

import (
	"context"
	"time"

	"kontor/shared/privacy"
)

// Module declares the request log's personal data. Raw records carry no account
// reference (that is the point: they are never joined with other data), so nothing in
// them can be found, exported or erased per person; they end with the mode's
// retention, enforced by the aggregator.
type Module struct{}

// Name implements privacy.Module.
func (Module) Name() string { return "requestlog" }

// Kinds implements privacy.Module.
func (Module) Kinds() []privacy.Kind {
	operator := privacy.Text{DE: "Keine Weitergabe; nur der Betreiber des Portals.", EN: "Not disclosed; the portal's operator only."}
	auto := privacy.Text{DE: "Vom Browser bei jedem Aufruf automatisch übermittelt.", EN: "Sent automatically by the browser with every request."}
	return []privacy.Kind{
		{ID: "requestlog.raw", Module: "requestlog", Table: "RequestLogTable",
			Category: privacy.Text{DE: "Server-Protokoll (ohne Bezug zu einem Zugang)", EN: "Server log (not linked to any account)"},
			Fields:   []string{"ip", "at", "method", "route", "status", "userAgent", "referrerOrigin"},
			Purpose: privacy.Text{DE: "Auslieferung, Bedienbarkeit, Sicherheit und Verwaltung; anonyme Statistik. Nie mit anderen Daten zusammengeführt.",
				EN: "Delivery, usability, security and administration; anonymous statistics. Never joined with other data."},
			LegalBasis: privacy.LegitimateInterest, Recipients: operator, Source: auto,
			Retention: privacy.Retention{Parameter: "RequestLogMode", Rule: privacy.Text{
				DE: "aggregate: binnen 24 Stunden zusammengefasst und gelöscht; security: 60 Tage; server-log: 12 Monate.",
				EN: "aggregate: aggregated and deleted within 24 hours; security: 60 days; server-log: 12 months."}}},
		{ID: "requestlog.visitors", Module: "requestlog", Table: "RequestLogTable",
			Category:   privacy.Text{DE: "Tagespseudonyme für die Zählung verschiedener Besucher", EN: "Daily pseudonyms for counting distinct visitors"},
			Fields:     []string{"HMAC of IP address and user agent with a random daily salt"},
			Purpose:    privacy.Text{DE: "Anonyme Zahl verschiedener Besucher je Seite und Tag.", EN: "Anonymous number of distinct visitors per page and day."},
			LegalBasis: privacy.LegitimateInterest, Recipients: operator, Source: auto,
			Retention: privacy.Retention{Rule: privacy.Text{DE: "Bis zum Abschluss des Tages; Salz und Pseudonyme werden dann gelöscht.", EN: "Until the day closes; salt and pseudonyms are then deleted."}}},
	}
}

// Export implements privacy.Module: nothing is attributable to an account.
func (Module) Export(context.Context, privacy.Subject) (map[string]any, error) {
	return map[string]any{"requestlog.raw": nil, "requestlog.visitors": nil}, nil
}

// Erase implements privacy.Module: nothing is attributable to an account.
func (Module) Erase(context.Context, privacy.Subject) error { return nil }

// Sweep implements privacy.Module: the aggregator function deletes raw records on
// its own hourly schedule.
func (Module) Sweep(context.Context, time.Time, *privacy.Held) (map[string]int, error) {
	return map[string]int{}, nil
}
