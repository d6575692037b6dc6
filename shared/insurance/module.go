package insurance

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/privacy"
	"kontor/shared/upload"
)

// Module is the insurance data as a privacy.Module. It runs only inside the
// module's own privacy function; the privacy core reaches it through Remote.
type Module struct {
	Store   *Store
	Objects Objects
	Now     func() time.Time
	// ContractRetentionYears is how long a contract record stays after the
	// contract ended.
	ContractRetentionYears int
	// ClaimRetention is how long a decided claim and its invoices stay
	// (ClaimRetentionDays).
	ClaimRetention time.Duration
}

// Name implements privacy.Module.
func (Module) Name() string { return "insurance" }

// Kinds implements privacy.Module.
func (Module) Kinds() []privacy.Kind { return Kinds() }

// Kinds declares the module's personal data.
func Kinds() []privacy.Kind {
	staff := privacy.Text{DE: "Die zuständigen Mitarbeitenden des Versicherers; keine Weitergabe an Dritte.", EN: "The insurer's responsible staff; never passed to third parties."}
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
			Fields:   []string{"email", "phone", "contractNumber", "activation", "codeDigest", "eidResult", "letter.name", "letter.address", "letter.code"},
			Purpose: privacy.Text{
				DE: "Ihren Zugang aktivieren: per Brief an die Vertragsanschrift oder per eID. Der eID-Anbieter erhält nur ein Pseudonym; er meldet nach der Identifizierung, mit Ihrer Zustimmung, die Vornamen, den Familiennamen und das Geburtsdatum aus dem Ausweis zurück. Diese werden nur mit dem Vertragsinhaber abgeglichen; gespeichert wird allein das Ergebnis. Name und Geburtsdatum aus der Registrierung dienen ebenso nur dem Abgleich und werden nicht gespeichert.",
				EN: "Activate your access: by letter to the contract address or by eID. The eID provider receives only a pseudonym; after the identification it reports, with your consent, the given names, family name and date of birth from the ID card. These are only compared with the contract's holder; only the outcome is stored. Name and birthdate given at registration likewise serve only for matching and are not stored."},
			LegalBasis: privacy.Contract,
			Retention: privacy.Retention{Rule: privacy.Text{
				DE: "Bis zur Aktivierung, höchstens 30 Tage (Brief) bzw. 24 Stunden (eID); Briefe bis zum Druck, höchstens 30 Tage.",
				EN: "Until activation, at most 30 days (letter) or 24 hours (eID); letters until printed, at most 30 days."}},
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
			Recipients: staff,
			Source:     privacy.Text{DE: "Von Ihnen über das Portal.", EN: "From you, through the portal."}},
		{ID: "insurance.invoices", Module: "insurance", Table: "InvoiceBucket",
			Category:   privacy.Text{DE: "Rechnungen (verschlüsselt gespeichert)", EN: "Invoices (stored encrypted)"},
			Fields:     []string{"file", "contentType", "size"},
			Purpose:    privacy.Text{DE: "Prüfung und Erstattung.", EN: "Review and reimbursement."},
			LegalBasis: privacy.ExplicitConsent,
			Retention: privacy.Retention{Parameter: "ClaimRetentionDays", Rule: privacy.Text{
				DE: "Wie der zugehörige Antrag.", EN: "As the claim they belong to."}},
			Recipients: staff,
			Source:     privacy.Text{DE: "Von Ihnen über das Portal.", EN: "From you, through the portal."}},
	}
}

// claimsOf returns every claim of an account.
func (m Module) claimsOf(ctx context.Context, accountID string) ([]Claim, error) {
	c := &Claims{Store: m.Store, Now: m.Now}
	return c.all(ctx, accountID)
}

// ExportLinkTTL is how long the invoice links in an export stay valid.
const ExportLinkTTL = 15 * time.Minute

// ExportInvoice is an invoice in the export, with a short-lived download link.
type ExportInvoice struct {
	ClaimID string `json:"claimId"`
	Invoice
	Download string `json:"download,omitempty"`
}

// Export implements privacy.Module.
func (m Module) Export(ctx context.Context, s privacy.Subject) (map[string]any, error) {
	now := m.Now()
	out := map[string]any{"insurance.contracts": []Contract{}, "insurance.portal-link": nil, "insurance.registrations": []Registration{}, "insurance.claims": []Claim{}, "insurance.invoices": []ExportInvoice{}}
	if s.AccountID != "" {
		link, ok, err := m.Store.LinkOf(ctx, s.AccountID, now)
		if err != nil {
			return nil, err
		}
		if ok {
			out["insurance.portal-link"] = link
			cs, err := m.Store.CustomerContracts(ctx, link.CustomerNumber, now)
			if err != nil {
				return nil, err
			}
			out["insurance.contracts"] = cs
		}
		claims, err := m.claimsOf(ctx, s.AccountID)
		if err != nil {
			return nil, err
		}
		invs := []ExportInvoice{}
		for _, cl := range claims {
			for _, inv := range cl.Invoices {
				ei := ExportInvoice{ClaimID: cl.ID, Invoice: inv}
				if inv.Status == InvoiceStored {
					url, err := presignInvoice(ctx, m.Objects, cl, inv, ExportLinkTTL)
					if err != nil {
						return nil, err
					}
					ei.Download = url
				}
				invs = append(invs, ei)
			}
		}
		out["insurance.claims"] = claims
		out["insurance.invoices"] = invs
	}
	if s.Email != "" {
		regs := []map[string]any{}
		err := m.registrationsOf(ctx, s.Email, now, func(r Registration) error {
			regs = append(regs, map[string]any{"id": r.ID, "email": r.Email, "phone": r.Phone, "contractNumber": r.ContractNumber,
				"activation": r.Method, "eidResult": r.EIDResult, "createdAt": r.CreatedAt, "expiresAt": r.ExpiresAt})
			return nil
		})
		if err != nil {
			return nil, err
		}
		out["insurance.registrations"] = regs
	}
	return out, nil
}

func (m Module) registrationsOf(ctx context.Context, email string, now time.Time, fn func(Registration) error) error {
	return m.Store.scan(ctx, "REG", func(it map[string]types.AttributeValue) error {
		if expired(it, now) {
			return nil
		}
		var r Registration
		if err := attributevalue.UnmarshalMap(it, &r); err != nil {
			return err
		}
		if r.Email != email {
			return nil
		}
		return fn(r)
	})
}

// Erase implements privacy.Module: claims and invoices, the portal link and open
// registrations go. Contract records are the insurer's and stay for their legal
// retention (H4U-9); they are no longer linked to any access.
func (m Module) Erase(ctx context.Context, s privacy.Subject) error {
	now := m.Now()
	if s.AccountID != "" {
		if _, err := m.deleteClaims(ctx, s.AccountID); err != nil {
			return err
		}
		link, ok, err := m.Store.LinkOf(ctx, s.AccountID, now)
		if err != nil {
			return err
		}
		if ok {
			if err := m.Store.del(ctx, "CUSTOMER#"+link.CustomerNumber, "ACCOUNT#"+s.AccountID); err != nil {
				return err
			}
			if err := m.Store.del(ctx, "ACCOUNT#"+s.AccountID, "CUSTOMER"); err != nil {
				return err
			}
		}
	}
	if s.Email != "" {
		return m.registrationsOf(ctx, s.Email, now, func(r Registration) error { return m.deleteRegistration(ctx, r) })
	}
	return nil
}

func (m Module) deleteRegistration(ctx context.Context, r Registration) error {
	if r.Pseudonym != "" {
		if err := m.Store.del(ctx, "EID#"+r.Pseudonym, "EID"); err != nil {
			return err
		}
	}
	if r.LetterID != "" {
		if err := m.Store.del(ctx, "LETTERS", r.LetterID); err != nil {
			return err
		}
	}
	return m.Store.del(ctx, "REG#"+r.ID, "REG")
}

func (m Module) deleteClaims(ctx context.Context, accountID string) (int, error) {
	claims, err := m.claimsOf(ctx, accountID)
	if err != nil {
		return 0, err
	}
	for _, cl := range claims {
		if err := m.Store.removeClaim(ctx, m.Objects, cl); err != nil {
			return 0, err
		}
	}
	return len(claims), nil
}

// OnWithdraw deletes the claims and invoices, which rest on the processing and the
// health-data consents, when either is withdrawn.
func (m Module) OnWithdraw(ctx context.Context, s privacy.Subject, purpose string) (int, error) {
	if s.AccountID == "" || (purpose != PurposeHealth && purpose != PurposeProcessing) {
		return 0, nil
	}
	return m.deleteClaims(ctx, s.AccountID)
}

// Sweep implements privacy.Module: uploads never completed within an hour, decided
// claims past ClaimRetention, contracts ended more than ContractRetentionYears ago, and
// items past their expiry; held persons' data stays.
func (m Module) Sweep(ctx context.Context, now time.Time, held *privacy.Held) (map[string]int, error) {
	counts := map[string]int{}
	queued, err := m.reviewQueue(ctx, now)
	if err != nil {
		return counts, err
	}
	err = m.Store.scan(ctx, "CLAIM", func(it map[string]types.AttributeValue) error {
		var cl Claim
		if err := attributevalue.UnmarshalMap(it, &cl); err != nil {
			return err
		}
		if err := m.repairIndexes(ctx, cl, queued); err != nil {
			return err
		}
		if held.Keep(cl.AccountID) {
			return nil
		}
		if cl.DecidedAt != nil && now.Sub(*cl.DecidedAt) > m.ClaimRetention {
			counts["insurance.claims"]++
			counts["insurance.invoices"] += len(cl.Invoices)
			return m.Store.removeClaim(ctx, m.Objects, cl)
		}
		kept := cl.Invoices[:0]
		dropped := 0
		for _, inv := range cl.Invoices {
			if inv.Status == InvoicePending && now.Sub(inv.CreatedAt) > PendingUploadTTL {
				if err := upload.Remove(ctx, m.Objects, invoiceTarget(cl, inv.ID)); err != nil {
					return err
				}
				dropped++
				continue
			}
			kept = append(kept, inv)
		}
		if dropped == 0 {
			return nil
		}
		cl.Invoices = kept
		counts["insurance.invoices"] += dropped
		_, err := (&Claims{Store: m.Store, Now: m.Now}).save(ctx, cl)
		return err
	})
	if err != nil {
		return counts, err
	}
	// Whatever stays in the staging area past the longest an upload may wait for its
	// check: sent to a URL after its invoice was refused, or never completed.
	stale, err := m.Objects.DeleteUnder(ctx, StagingArea, now.Add(-PendingUploadTTL))
	if err != nil {
		return counts, err
	}
	counts["insurance.invoices"] += stale
	err = m.Store.scan(ctx, "CONTRACT", func(it map[string]types.AttributeValue) error {
		var c Contract
		if err := attributevalue.UnmarshalMap(it, &c); err != nil {
			return err
		}
		if c.EndsOn == "" {
			return nil
		}
		end, err := time.Parse(time.DateOnly, c.EndsOn)
		if err != nil || !now.After(end.AddDate(m.ContractRetentionYears, 0, 1)) {
			return nil
		}
		heldLink := false
		err = m.Store.query(ctx, "CUSTOMER#"+c.Holder.CustomerNumber, "ACCOUNT#", now, func(it map[string]types.AttributeValue) error {
			var l Link
			if err := attributevalue.UnmarshalMap(it, &l); err != nil {
				return err
			}
			heldLink = heldLink || held.Keep(l.AccountID)
			return nil
		})
		if err != nil || heldLink {
			return err
		}
		counts["insurance.contracts"]++
		return m.Store.deleteContract(ctx, c)
	})
	if err != nil {
		return counts, err
	}
	// Queue entries whose claim is gone.
	for id := range queued {
		if err := m.Store.del(ctx, "REVIEW", queued[id]); err != nil {
			return counts, err
		}
	}
	n, err := m.sweepExpired(ctx, now)
	counts["insurance.registrations"] += n
	return counts, err
}

// reviewQueue maps the queued claim ids to their queue sort keys.
func (m Module) reviewQueue(ctx context.Context, now time.Time) (map[string]string, error) {
	out := map[string]string{}
	err := m.Store.query(ctx, "REVIEW", "", now, func(it map[string]types.AttributeValue) error {
		var ref claimRef
		if err := attributevalue.UnmarshalMap(it, &ref); err != nil {
			return err
		}
		if sk, ok := it["sk"].(*types.AttributeValueMemberS); ok {
			out[ref.ID] = sk.Value
		}
		return nil
	})
	return out, err
}

// repairIndexes makes a claim's index entries whole again after a write that was
// cut off half way: an undecided claim is in the review queue and in its owner's
// list, a decided one is no longer queued. It removes the claim from queued, so
// what remains there afterwards has no claim.
func (m Module) repairIndexes(ctx context.Context, cl Claim, queued map[string]string) error {
	sk, inQueue := queued[cl.ID]
	delete(queued, cl.ID)
	switch {
	case cl.DecidedAt == nil && !inQueue:
		if err := m.Store.put(ctx, "REVIEW", reviewKey(cl), claimRef{ID: cl.ID}, time.Time{}, "", nil); err != nil {
			return err
		}
		return m.Store.put(ctx, "ACCOUNT#"+cl.AccountID, "CLAIM#"+cl.ID, claimRef{ID: cl.ID}, time.Time{}, "", nil)
	case cl.DecidedAt != nil && inQueue:
		return m.Store.del(ctx, "REVIEW", sk)
	}
	return nil
}

// sweepExpired deletes registrations, eID references, letters and match counters
// past their expiry: TTL is only the backstop.
func (m Module) sweepExpired(ctx context.Context, now time.Time) (int, error) {
	n := 0
	var start map[string]types.AttributeValue
	for {
		res, err := m.Store.DB.Scan(ctx, scanExpired(m.Store.Table, now, start))
		if err != nil {
			return n, err
		}
		for _, it := range res.Items {
			pk, _ := it["pk"].(*types.AttributeValueMemberS)
			sk, _ := it["sk"].(*types.AttributeValueMemberS)
			if pk == nil || sk == nil {
				continue
			}
			if err := m.Store.del(ctx, pk.Value, sk.Value); err != nil {
				return n, err
			}
			if sk.Value == "REG" {
				n++
			}
		}
		if len(res.LastEvaluatedKey) == 0 {
			return n, nil
		}
		start = res.LastEvaluatedKey
	}
}
