package insurance

import "kontor/shared/privacy"

// Kinds declares the module's personal data.
func Kinds() []privacy.Kind {
	staff := privacy.Text{DE: "Die zuständigen Mitarbeitenden des Versicherers; keine Weitergabe an Dritte.", EN: "The insurer's responsible staff; never passed to third parties."}
	// Who can read health data: staff with the review role, each opening of an invoice
	// recorded; the data is encrypted with the portal's own key, which only the
	// functions that store, review and export it may use; whoever administers the
	// cloud account manages the key but cannot decrypt with it.
	healthStaff := privacy.Text{
		DE: "Nur Mitarbeitende des Versicherers mit der Rolle Sachbearbeitung (jedes Öffnen einer Rechnung wird protokolliert); keine Weitergabe an Dritte. Verschlüsselt mit einem eigenen Schlüssel, den nur die Funktionen zum Einreichen, Prüfen und Auskunft-Geben verwenden dürfen; wer das Cloud-Konto verwaltet, verwaltet den Schlüssel, kann damit aber nicht entschlüsseln.",
		EN: "Only the insurer's staff with the review role (every opening of an invoice is recorded); never passed to third parties. Encrypted with a key of its own that only the functions that submit, review and export it may use; whoever administers the cloud account manages the key but cannot decrypt with it."}
	return []privacy.Kind{
		{ID: "insurance.contracts", Module: "insurance", Table: "InsuranceTable",
			Category:   privacy.Text{DE: "Versicherungsverträge", EN: "Insurance contracts"},
			Fields:     []string{"number", "holder.customerNumber", "holder.firstName", "holder.lastName", "holder.birthdate", "holder.address", "holder.email", "holder.phone", "kind", "insuranceNumber", "premium", "paymentInterval", "startsOn", "endsOn", "contributionsPaid"},
			Purpose:    privacy.Text{DE: "Ihnen Ihre Verträge zeigen und Sie bei der Registrierung zuordnen.", EN: "Show you your contracts and match you at registration."},
			LegalBasis: privacy.Contract,
			Retention: privacy.Retention{Parameter: "ContractRetentionYears", Rule: privacy.Text{
				DE: "Solange der Vertrag läuft, danach nur für die gesetzliche Aufbewahrungsfrist (Jahre nach Vertragsende), dann gelöscht.",
				EN: "While the contract runs, afterwards only for the legal retention period (years after the contract ended), then deleted."}},
			Recipients: staff,
			Source:     privacy.Text{DE: "Aus den Vertragsdaten des Versicherers (Import).", EN: "From the insurer's contract records (import)."}},
		{ID: "insurance.portal-link", Module: "insurance", Table: "InsuranceTable",
			Category:   privacy.Text{DE: "Zuordnung Ihres Zugangs zu Ihrer Kundennummer", EN: "Link of your access to your customer number"},
			Fields:     []string{"customerNumber", "phone", "activatedBy", "linkedAt"},
			Purpose:    privacy.Text{DE: "Ihren Zugang Ihren Verträgen zuordnen; Telefonnummer für Rückfragen.", EN: "Link your access to your contracts; phone number for questions."},
			LegalBasis: privacy.Contract,
			Retention:  privacy.Retention{Rule: privacy.Text{DE: "Bis zur Löschung Ihres Zugangs.", EN: "Until your access is deleted."}},
			Recipients: staff,
			Source:     privacy.Text{DE: "Von Ihnen bei der Registrierung.", EN: "From you at registration."}},
		{ID: "insurance.registrations", Module: "insurance", Table: "InsuranceTable",
			Category: privacy.Text{DE: "Registrierungen und Aktivierungsbriefe", EN: "Registrations and activation letters"},
			Fields:   []string{"email", "phone", "contractNumber", "activation", "codeDigest", "eidResult", "activatedAt", "letter.name", "letter.address", "letter.code", "addressKey"},
			Purpose: privacy.Text{
				DE: "Ihren Zugang aktivieren: per Brief an die Vertragsanschrift oder per eID. Der eID-Anbieter erhält nur ein Pseudonym; er meldet nach der Identifizierung, mit Ihrer Zustimmung, die Vornamen, den Familiennamen und das Geburtsdatum aus dem Ausweis zurück. Diese werden nur mit dem Vertragsinhaber abgeglichen; gespeichert wird allein das Ergebnis. Name und Geburtsdatum aus der Registrierung dienen ebenso nur dem Abgleich und werden nicht gespeichert.",
				EN: "Activate your access: by letter to the contract address or by eID. The eID provider receives only a pseudonym; after the identification it reports, with your consent, the given names, family name and date of birth from the ID card. These are only compared with the contract's holder; only the outcome is stored. Name and birthdate given at registration likewise serve only for matching and are not stored."},
			LegalBasis: privacy.Contract,
			Retention: privacy.Retention{Rule: privacy.Text{
				DE: "Bis zur Aktivierung, höchstens 30 Tage (Brief) bzw. 24 Stunden (eID); danach nur E-Mail-Adresse, Code-Prüfwert bzw. eID-Ergebnis und Zeitpunkt der Aktivierung für 24 Stunden, damit eine wiederholte Aktivierung wie die erste beantwortet wird; Briefe bis zum Druck, höchstens 30 Tage.",
				EN: "Until activation, at most 30 days (letter) or 24 hours (eID); afterwards only the email address, the code's digest or the eID result and the time of activation, for 24 hours, so that a repeated activation is answered as the first; letters until printed, at most 30 days."}},
			Recipients: privacy.Text{DE: "Der Druckdienstleister des Versicherers (Brief); der eID-Anbieter erhält nur ein Pseudonym und die Rücksprungadresse.", EN: "The insurer's letter printing (letter); the eID provider receives only a pseudonym and the address to call back."},
			Source:     privacy.Text{DE: "Von Ihnen bei der Registrierung.", EN: "From you at registration."}},
		{ID: "insurance.claims", Module: "insurance", Table: "InsuranceTable",
			Category:   privacy.Text{DE: "Erstattungsanträge (Gesundheitsdaten)", EN: "Reimbursement claims (health data)"},
			Fields:     []string{"contractNumber", "treatmentDate", "description", "amount", "reimbursed", "status", "history", "decidedBy", "decidedAt"},
			Purpose:    privacy.Text{DE: "Prüfung und Erstattung, stets durch einen Menschen entschieden.", EN: "Review and reimbursement, always decided by a person."},
			LegalBasis: privacy.ExplicitConsent,
			Retention: privacy.Retention{Parameter: "ClaimRetentionDays", Rule: privacy.Text{
				DE: "Bis zur Entscheidung und danach die eingestellte Anzahl Tage; gelöscht, wenn Sie Ihren Zugang löschen oder die Einwilligung widerrufen.",
				EN: "Until decided and then the configured number of days; deleted when you delete your access or withdraw the consent."}},
			Recipients: healthStaff,
			Source:     privacy.Text{DE: "Von Ihnen über das Portal.", EN: "From you, through the portal."}},
		{ID: "insurance.invoices", Module: "insurance", Table: "InvoiceBucket",
			Category:   privacy.Text{DE: "Rechnungen (verschlüsselt gespeichert)", EN: "Invoices (stored encrypted)"},
			Fields:     []string{"file", "contentType", "size"},
			Purpose:    privacy.Text{DE: "Prüfung und Erstattung.", EN: "Review and reimbursement."},
			LegalBasis: privacy.ExplicitConsent,
			Retention: privacy.Retention{Parameter: "ClaimRetentionDays", Rule: privacy.Text{
				DE: "Wie der zugehörige Antrag.", EN: "As the claim they belong to."}},
			Recipients: healthStaff,
			Source:     privacy.Text{DE: "Von Ihnen über das Portal.", EN: "From you, through the portal."}},
	}
}
