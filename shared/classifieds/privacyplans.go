package classifieds

import "kontor/shared/privacy"

// Kinds of the flat rate and payments (plans.go).
const (
	KindOrders = "classifieds.orders"
	KindPlan   = "classifieds.plan"
)

// planKinds declares the orders and the plan's validity.
func planKinds() []privacy.Kind {
	return []privacy.Kind{
		{
			ID: KindOrders, Module: "classifieds", Table: "ClassifiedsTable",
			Category: privacy.Text{DE: "Bestellungen der Flatrate", EN: "Flat-rate orders"},
			Fields: []string{"plan", "planName", "months", "amountCents", "currency", "status", "language", "createdAt", "expiresAt",
				"consentVersion", "consentAt", "sessionId", "paidAt", "paymentId", "validFrom", "validUntil"},
			Purpose: privacy.Text{DE: "Ihre Flatrate verkaufen: die Bestellung, ihre Bezahlung beim Zahlungsdienst und Ihre Einwilligung in die Übermittlung von Betrag, Währung, Bestellnummer und Rücksprungadressen an ihn.",
				EN: "Sell you the flat rate: the order, its payment at the payment provider and your consent to passing it amount, currency, order number and return addresses."},
			LegalBasis: privacy.Contract,
			Retention: privacy.Retention{Rule: privacy.Text{
				DE: "Offene Bestellungen: eine Stunde zum Bezahlen, dann noch 24 Stunden, danach gelöscht. Bezahlte: bis zur Löschung des Nutzerkontos; die Rechnung selbst unterliegt der gesetzlichen Aufbewahrungspflicht (siehe Rechnungen).",
				EN: "Open orders: one hour to pay, then 24 hours more, then deleted. Paid ones: until the account is deleted; the invoice itself is under the legal retention duty (see invoices)."}},
			Recipients: privacy.Text{DE: "Der Zahlungsdienst erhält nur Betrag, Währung, Bestellnummer und Rücksprungadressen, keinen Namen, keine E-Mail-Adresse, keine Inserate.",
				EN: "The payment provider receives only amount, currency, order number and return addresses, no name, no email address, no listings."},
			Source: privacy.Text{DE: "Von Ihnen, über die Seite „Flatrate“; Zahlungsbestätigung vom Zahlungsdienst.", EN: "From you, through the “Flat rate” page; the payment's confirmation from the payment provider."},
		},
		{
			ID: KindPlan, Module: "classifieds", Table: "ClassifiedsTable",
			Category:   privacy.Text{DE: "Gültigkeit der Flatrate", EN: "Flat-rate validity"},
			Fields:     []string{"planValidUntil"},
			Purpose:    privacy.Text{DE: "Festhalten, bis wann Ihre Flatrate für Kojenangebote gilt.", EN: "Record until when your flat rate for berth offers is valid."},
			LegalBasis: privacy.Contract,
			Retention: privacy.Retention{Rule: privacy.Text{
				DE: "Bis zur Löschung des Nutzerkontos.", EN: "Until the account is deleted."}},
			Recipients: privacy.Text{DE: "Niemand außer Ihnen.", EN: "No one but you."},
			Source:     privacy.Text{DE: "Entsteht mit der Bezahlung einer Flatrate.", EN: "Arises with the payment of a flat rate."},
		},
	}
}
