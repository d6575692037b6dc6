package rights

import (
	"fmt"
	"html"
	"sort"
	"strings"

	"kontor/shared/logging"
	"kontor/shared/privacy"
)

// Record is the published record of processing (Art. 30): the registry with the
// deployment's parameters in force.
type Record struct {
	Controller string         `json:"controller"`
	Kinds      []privacy.Kind `json:"kinds"`
	// ApplicationLogs says what the functions' logs hold and how long.
	ApplicationLogs privacy.Kind      `json:"applicationLogs"`
	Purposes        []privacy.Purpose `json:"consentPurposes"`
	Parameters      map[string]string `json:"parametersInForce"`
	Region          string            `json:"region"`
	// Backups says what backups keep after an erasure, and what a restore does.
	Backups privacy.Text `json:"backups"`
}

// BackedUpTables are the tables with point-in-time recovery, as Backups describes
// them (a template test holds the two together).
var BackedUpTables = []string{"IdentityTable", "PrivacyTable", "EvidenceTable", "ContactTable", "InsuranceTable", "NetworkTable", "ClassifiedsTable"}

// Backups is what the record says about point-in-time recovery.
var Backups = privacy.Text{
	DE: "Die Tabellen mit Zugängen, Einwilligungen, Anmeldenachweisen, Kontaktanfragen, Versicherungsdaten, Netzwerkprofilen und Inseraten haben eine Wiederherstellung auf einen Zeitpunkt: Gelöschtes bleibt darin bis zu 35 Tage wiederherstellbar und ist nur für die Wiederherstellung nach einem Fehler da. Wird eine Tabelle wiederhergestellt, werden vor der Wiedereröffnung alle Löschungen seit dem Wiederherstellungszeitpunkt erneut ausgeführt; die Löschaufträge (nur die Zugangskennung) werden dafür 90 Tage aufbewahrt. Sitzungen, ausgehende E-Mails, Rohdaten der Serverprotokolle und Zähler der Missbrauchsgrenzen haben keine solche Sicherung, Rechnungen keine älteren Fassungen.",
	EN: "The tables holding accounts, consents, sign-in evidence, contact requests, insurance data, network profiles and listings have point-in-time recovery: deleted data stays restorable there for up to 35 days and serves only to recover from a failure. When a table is restored, every erasure since the restore point is carried out again before the portal reopens; the erasure jobs (the account id only) are kept 90 days for that. Sessions, outgoing mail, raw server log records and abuse-limit counters have no such backup, and invoices no older versions.",
}

// Record returns the record of processing.
func (s *Service) Record(region string) Record {
	params := map[string]string{}
	for k, v := range s.Params {
		params[k] = v
	}
	return Record{Controller: "the operator of this portal", Kinds: s.Kinds(), ApplicationLogs: logging.Declaration(), Purposes: s.Purposes, Parameters: params, Region: region, Backups: Backups}
}

// HTML renders the record as a readable table in German or English.
func (r Record) HTML(lang string) string {
	t := func(x privacy.Text) string {
		if lang == "de" {
			return html.EscapeString(x.DE)
		}
		return html.EscapeString(x.EN)
	}
	heads := []string{"Category", "Data", "Purpose", "Legal basis", "Retention", "Recipients", "Source"}
	title, intro := "Record of processing", "Every kind of personal data this portal stores, and why."
	if lang == "de" {
		heads = []string{"Kategorie", "Daten", "Zweck", "Rechtsgrundlage", "Speicherdauer", "Empfänger", "Herkunft"}
		title, intro = "Verzeichnis der Verarbeitungstätigkeiten", "Alle Arten personenbezogener Daten, die dieses Portal speichert, und warum."
	}
	var b strings.Builder
	fmt.Fprintf(&b, "<!doctype html><html lang=%q><head><meta charset=\"utf-8\"><title>%s</title>", lang, title)
	b.WriteString("<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.4rem;vertical-align:top;text-align:left}</style></head><body>")
	fmt.Fprintf(&b, "<h1>%s</h1><p>%s</p><table><thead><tr>", title, intro)
	for _, h := range heads {
		fmt.Fprintf(&b, "<th>%s</th>", h)
	}
	b.WriteString("</tr></thead><tbody>")
	for _, k := range append(append([]privacy.Kind{}, r.Kinds...), r.ApplicationLogs) {
		ret := t(k.Retention.Rule)
		if k.Retention.Parameter != "" {
			if v, ok := r.Parameters[k.Retention.Parameter]; ok {
				ret += fmt.Sprintf(" (%s = %s)", html.EscapeString(k.Retention.Parameter), html.EscapeString(v))
			}
		}
		fmt.Fprintf(&b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>",
			t(k.Category), html.EscapeString(strings.Join(k.Fields, ", ")), t(k.Purpose), html.EscapeString(string(k.LegalBasis)),
			ret, t(k.Recipients), t(k.Source))
	}
	b.WriteString("</tbody></table>")
	backups := "Backups"
	if lang == "de" {
		backups = "Sicherungen"
	}
	fmt.Fprintf(&b, "<h2>%s</h2><p>%s</p>", backups, t(r.Backups))
	keys := make([]string, 0, len(r.Parameters))
	for k := range r.Parameters {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) > 0 {
		b.WriteString("<h2>Parameters</h2><ul>")
		for _, k := range keys {
			fmt.Fprintf(&b, "<li>%s = %s</li>", html.EscapeString(k), html.EscapeString(r.Parameters[k]))
		}
		b.WriteString("</ul>")
	}
	b.WriteString("</body></html>")
	return b.String()
}
