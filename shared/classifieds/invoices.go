package classifieds

import (
	"errors"
	"fmt"
	"strings"
	"time"
	_ "time/tzdata" // the invoice's calendar is Germany's, whatever the runtime holds

	"kontor/shared/privacy"
)

// Invoice is the invoice of one paid order (HGK-4), as issued: everything the PDF
// states is stored on it, so the PDF can be rendered again byte for byte, and the
// invoice stays what it was when the seller's parameters or the advertiser's data
// change later.
//
// It is stored twice in the classifieds table (classifiedsdb/invoices.go): the
// record under INVOICE / <number>, which a legal retention duty keeps for ten years
// (HGK-16), and the account's access to it under ACCOUNT#<accountId> /
// INVOICE#<number>, which the erasure deletes.
type Invoice struct {
	Number   string    `dynamodbav:"number" json:"number"`
	IssuedOn string    `dynamodbav:"issuedOn" json:"date"` // YYYY-MM-DD, German calendar
	IssuedAt time.Time `dynamodbav:"issuedAt" json:"-"`
	// AccountID is the account the invoice was issued to; the erasure removes it
	// from the record (ErasedAt says when).
	AccountID string `dynamodbav:"accountId,omitempty" json:"-"`
	OrderID   string `dynamodbav:"orderId" json:"orderId"`
	Language  string `dynamodbav:"language" json:"language"`
	Plan      string `dynamodbav:"plan" json:"plan"`
	PlanName  string `dynamodbav:"planName" json:"planName"`
	// ValidFrom and ValidUntil are the service period (YYYY-MM-DD, both included).
	ValidFrom  string `dynamodbav:"validFrom" json:"validFrom"`
	ValidUntil string `dynamodbav:"validUntil" json:"validUntil"`
	// GrossCents is what was paid; NetCents and VATCents its parts at VATBasisPoints
	// (1900 is 19 %).
	GrossCents        int64     `dynamodbav:"grossCents" json:"amountCents"`
	NetCents          int64     `dynamodbav:"netCents" json:"netCents"`
	VATCents          int64     `dynamodbav:"vatCents" json:"vatCents"`
	VATBasisPoints    int64     `dynamodbav:"vatBasisPoints" json:"vatBasisPoints"`
	Currency          string    `dynamodbav:"currency" json:"currency"`
	PaidAt            time.Time `dynamodbav:"paidAt" json:"paidAt"`
	ProviderPaymentID string    `dynamodbav:"providerPaymentId" json:"-"`
	// Recipient is the billing address at the moment of issue; nil on a
	// small-amount invoice issued without one (§ 33 UStDV).
	Recipient *BillingAddress `dynamodbav:"recipient,omitempty" json:"recipient,omitempty"`
	Seller    Seller          `dynamodbav:"seller" json:"seller"`
	// RetainUntil is when the legal retention duty ends (RetentionEnd); the sweep
	// deletes record and PDF from then on.
	RetainUntil time.Time  `dynamodbav:"retainUntil" json:"retainUntil"`
	ErasedAt    *time.Time `dynamodbav:"erasedAt,omitempty" json:"-"`
}

// BillingAddress is the recipient of an invoice, from the advertiser data.
type BillingAddress struct {
	Salutation string `dynamodbav:"salutation,omitempty" json:"salutation,omitempty"`
	Name       string `dynamodbav:"name" json:"name"`
	Street     string `dynamodbav:"street" json:"street"`
	PostalCode string `dynamodbav:"postalCode" json:"postalCode"`
	City       string `dynamodbav:"city" json:"city"`
	Country    string `dynamodbav:"country,omitempty" json:"country,omitempty"`
}

// Seller is the operator as every invoice names it (§ 14(4) Nr. 1, 2 UStG):
// template parameters, copied onto each invoice when it is issued.
type Seller struct {
	Name    string   `dynamodbav:"name" json:"name"`
	Address []string `dynamodbav:"address" json:"address"`
	// VATID or TaxNumber, at least one (§ 14(4) Nr. 2 UStG).
	VATID     string `dynamodbav:"vatId,omitempty" json:"vatId,omitempty"`
	TaxNumber string `dynamodbav:"taxNumber,omitempty" json:"taxNumber,omitempty"`
}

// Invoice parameters and limits (docs/limits.md).
const (
	// SmallAmountCents is the most an invoice may state without the recipient's
	// address (§ 33 UStDV: 250 EUR gross).
	SmallAmountCents = 250_00
	// InvoiceRetentionYears is the legal retention duty (§ 147(1) Nr. 4, (3) AO,
	// § 257(1) Nr. 1, (4) HGB), counted from the end of the calendar year of issue.
	InvoiceRetentionYears = 10
	// InvoiceDownloadTTL is how long a download link works.
	InvoiceDownloadTTL = 5 * time.Minute
	// sequenceDigits is the width of an invoice number's counter.
	sequenceDigits = 6
)

// KindInvoices is the invoices: records with a legal retention duty (HGK-16).
const KindInvoices = "classifieds.invoices"

// germany is the calendar invoices are dated in.
var germany = mustLocation("Europe/Berlin")

func mustLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// Errors of issuing.
var (
	// ErrNoBillingAddress is a due invoice above the small amount whose account
	// has no complete billing address: it waits until one is given.
	ErrNoBillingAddress = errors.New("classifieds: invoice needs a billing address")
	// ErrInvoiceConflict is a numbering transaction that lost a race.
	ErrInvoiceConflict = errors.New("classifieds: invoice sequence moved")
	// ErrNoInvoice is an invoice the account has no access to.
	ErrNoInvoice = errors.New("classifieds: no such invoice")
)

// InvoiceNumber is the number of the seq-th invoice of year under prefix:
// PREFIX-YYYY-NNNNNN, the counter zero-padded to six digits, so numbers sort by
// issue within a year and years by their number.
func InvoiceNumber(prefix string, year int, seq int64) string {
	return fmt.Sprintf("%s-%04d-%0*d", prefix, year, sequenceDigits, seq)
}

// IssueDay is the calendar day and year of an instant in Germany.
func IssueDay(at time.Time) (string, int) {
	d := at.In(germany)
	return d.Format(time.DateOnly), d.Year()
}

// RetentionEnd is when the retention duty of an invoice issued in year ends: ten
// years after the end of that calendar year, i.e. at the start of year + 11.
func RetentionEnd(year int) time.Time {
	return time.Date(year+InvoiceRetentionYears+1, time.January, 1, 0, 0, 0, 0, germany).UTC()
}

// SplitGross splits a gross amount into net and VAT at a rate in basis points,
// the net rounded half up to the cent and the VAT the rest, so they add up.
func SplitGross(gross, basisPoints int64) (net, vat int64) {
	den := 10000 + basisPoints
	net = (2*gross*10000 + den) / (2 * den)
	return net, gross - net
}

// Complete reports whether an address holds all a full invoice needs.
func (a BillingAddress) Complete() bool {
	return strings.TrimSpace(a.Name) != "" && strings.TrimSpace(a.Street) != "" && strings.TrimSpace(a.PostalCode) != "" && strings.TrimSpace(a.City) != ""
}

// BillingAddressOf is the billing address in an advertiser's data.
func BillingAddressOf(d AdvertiserData) BillingAddress {
	return BillingAddress{Salutation: d.Salutation, Name: d.Name, Street: d.Street, PostalCode: d.PostalCode, City: d.City, Country: d.Country}
}

// NewInvoice is the invoice of a paid order, numbered, addressed to the billing
// address at that moment. Without a complete address it is a small-amount
// invoice (§ 33 UStDV) if the amount allows, else ErrNoBillingAddress.
func NewInvoice(d InvoiceDue, number string, addr BillingAddress, seller Seller, basisPoints int64, at time.Time) (Invoice, error) {
	day, year := IssueDay(at)
	inv := Invoice{Number: number, IssuedOn: day, IssuedAt: at.UTC(), AccountID: d.AccountID, OrderID: d.OrderID, Language: invoiceLanguage(d.Language),
		Plan: d.Plan, PlanName: d.PlanName, ValidFrom: d.ValidFrom, ValidUntil: d.ValidUntil, GrossCents: d.AmountCents,
		VATBasisPoints: basisPoints, Currency: d.Currency, PaidAt: d.PaidAt.UTC(), ProviderPaymentID: d.ProviderPaymentID,
		Seller: seller, RetainUntil: RetentionEnd(year)}
	inv.NetCents, inv.VATCents = SplitGross(d.AmountCents, basisPoints)
	switch {
	case addr.Complete():
		inv.Recipient = &addr
	case d.Currency != "EUR" || d.AmountCents > SmallAmountCents:
		return Invoice{}, ErrNoBillingAddress
	}
	return inv, nil
}

func invoiceLanguage(lang string) string {
	if lang == "en" {
		return "en"
	}
	return "de"
}

// InvoiceSummary is an invoice as the account's list shows it.
type InvoiceSummary struct {
	Number      string    `dynamodbav:"number" json:"number"`
	IssuedOn    string    `dynamodbav:"issuedOn" json:"date"`
	GrossCents  int64     `dynamodbav:"grossCents" json:"amountCents"`
	Currency    string    `dynamodbav:"currency" json:"currency"`
	PlanName    string    `dynamodbav:"planName" json:"planName"`
	ValidFrom   string    `dynamodbav:"validFrom" json:"validFrom"`
	ValidUntil  string    `dynamodbav:"validUntil" json:"validUntil"`
	RetainUntil time.Time `dynamodbav:"retainUntil" json:"retainUntil"`
}

// InvoiceSummaryOf is an invoice's summary.
func InvoiceSummaryOf(inv Invoice) InvoiceSummary {
	return InvoiceSummary{Number: inv.Number, IssuedOn: inv.IssuedOn, GrossCents: inv.GrossCents, Currency: inv.Currency,
		PlanName: inv.PlanName, ValidFrom: inv.ValidFrom, ValidUntil: inv.ValidUntil, RetainUntil: inv.RetainUntil}
}

// InvoiceObjectKey is where an invoice's PDF lies in the invoice bucket.
func InvoiceObjectKey(number string) string { return "invoices/" + number + ".pdf" }

// invoicesKind declares the invoices (HGK-4, HGK-16).
func invoicesKind() privacy.Kind {
	return privacy.Kind{
		ID: KindInvoices, Module: "classifieds", Table: "ClassifiedsInvoiceBucket",
		Category: privacy.Text{DE: "Rechnungen", EN: "Invoices"},
		Fields: []string{"number", "issuedOn", "orderId", "plan", "planName", "validFrom", "validUntil", "grossCents", "netCents", "vatCents", "currency", "paidAt",
			"providerPaymentId", "recipient (salutation, name, street, postalCode, city, country)", "retainUntil", "the PDF (ClassifiedsInvoiceBucket; the record in ClassifiedsTable)"},
		Purpose: privacy.Text{DE: "Ihnen für jede Zahlung einer Pauschale eine Rechnung ausstellen, an die Rechnungsadresse, die Sie zu dem Zeitpunkt angegeben haben, und sie aufbewahren, wie es das Steuer- und Handelsrecht verlangt.",
			EN: "Issue an invoice for each payment of a flat rate, to the billing address you gave at that moment, and keep it as tax and commercial law require."},
		LegalBasis: privacy.LegalObligation,
		Retention: privacy.Retention{Rule: privacy.Text{
			DE: "10 Jahre ab dem Ende des Kalenderjahres der Ausstellung (§ 147 AO, § 257 HGB); dann werden Rechnung und PDF gelöscht. Die Löschung Ihres Kontos löscht alles andere; die Rechnungen bleiben bis zum Ende dieser Frist, ohne Verbindung zu einem Konto und ohne Zugriff über das Portal.",
			EN: "10 years from the end of the calendar year of issue (§ 147 AO, § 257 HGB); then invoice and PDF are deleted. Deleting your account deletes everything else; the invoices stay until that period ends, no longer linked to any account and not reachable through the portal."}},
		Recipients: privacy.Text{DE: "Die Buchhaltung des Betreibers und, auf Verlangen, die Finanzverwaltung.", EN: "The operator's bookkeeping and, on request, the tax authorities."},
		Source:     privacy.Text{DE: "Aus Ihrer Zahlung und Ihren Inserentenangaben (Rechnungsadresse).", EN: "From your payment and your advertiser data (billing address)."},
	}
}
