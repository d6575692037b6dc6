package network

import (
	"context"
	"errors"

	"kontor/shared/privacy"
)

// KindRegister is the honorary office with its register number, the marks of
// what the register set and its change history (HKC-10).
const KindRegister = "network.register"

// registerKind declares the company register sync's data. Legal basis: the
// chamber's legitimate interest (Art. 6(1)(f)) in current company contact
// details of its honorary office holders, reconciled with data the commercial
// register publishes anyway (§ 9 HGB: open to anyone); only the company's
// details the register publishes are taken, never anything about the person.
var registerKind = privacy.Kind{ID: KindRegister, Module: "network", Table: "NetworkTable",
	Category: privacy.Text{DE: "Ehrenamt und Abgleich mit dem Handelsregister (Registernummer, Herkunft und Verlauf der Unternehmensangaben)",
		EN: "Honorary office and reconciliation with the commercial register (register number, source and history of the company details)"},
	Fields: []string{"registerNumber", "since", "sources", "checkedAt", "failures", "history.field", "history.old", "history.new", "history.at"},
	Purpose: privacy.Text{
		DE: "Die Unternehmensangaben (Name, Anschrift, Website, Telefon) im Netzwerkprofil von Ehrenamtsträgerinnen und -trägern täglich mit dem Handelsregister abgleichen, Änderungen übernehmen, sie im Profil als „aus dem Handelsregister“ kennzeichnen und per E-Mail mitteilen.",
		EN: "Reconcile the company details (name, address, website, phone) in the network profile of honorary office holders daily with the commercial register, take over changes, mark them “from the register” in the profile and tell the member by email."},
	LegalBasis: privacy.LegitimateInterest,
	Retention: privacy.Retention{Rule: privacy.Text{
		DE: "Solange das Ehrenamt eingetragen ist; mit seiner Austragung durch die Mitarbeitenden, dem Entzug der Netzwerkrolle oder der Deaktivierung Ihres Zugangs gelöscht (die übernommenen Angaben bleiben dann als Ihre Profilangaben stehen).",
		EN: "While the honorary office is recorded; deleted when staff remove it, when the network role is taken away or when your access is deactivated (the details taken over then stay as your profile's details)."}},
	Recipients: privacy.Text{DE: "Die anderen Mitglieder des Netzwerks sehen die Unternehmensangaben wie bisher; das Handelsregister erhält nur die Registernummer.",
		EN: "The network's other members see the company details as before; the commercial register receives only the register number."},
	Source: privacy.Text{DE: "Die Registernummer von den Mitarbeitenden der Kammer; die Unternehmensangaben aus dem Handelsregister (öffentlich, § 9 HGB), über dessen Schnittstelle.",
		EN: "The register number from the chamber's staff; the company details from the commercial register (public, § 9 HGB), through its interface."}}

// RegisterExport is what the export holds of the register sync: nil without an
// office.
func RegisterExport(ctx context.Context, st RegisterStore, accountID string) (any, error) {
	h, err := st.Honorary(ctx, accountID)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	hist, err := st.History(ctx, accountID)
	if err != nil {
		return nil, err
	}
	if hist == nil {
		hist = []RegisterChange{}
	}
	return map[string]any{"registerNumber": h.RegisterNumber, "since": h.Since, "sources": h.Sources, "checkedAt": h.CheckedAt,
		"failures": h.Failures, "history": hist}, nil
}
