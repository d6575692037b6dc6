package classifieds

import "time"

// InvoiceDue is a paid order that is waiting for its invoice (HGK-4, HGK-6). The
// payment webhook writes it in the same transaction that marks the order paid and
// extends the plan, so a paid order never lacks it; the invoice issuer takes it,
// numbers and renders the invoice, and deletes it in the transaction that stores
// the invoice, so each paid order gets exactly one invoice number.
//
// It is stored in the classifieds table under INVOICEDUE / <orderId>
// (classifiedsdb.InvoiceDueKey): one partition, read in order by the issuer.
type InvoiceDue struct {
	OrderID   string `dynamodbav:"orderId" json:"orderId"`
	AccountID string `dynamodbav:"accountId" json:"-"`
	// Plan is the flat-rate plan's id; PlanName its name in the order's language.
	Plan     string `dynamodbav:"plan" json:"plan"`
	PlanName string `dynamodbav:"planName" json:"planName"`
	// ValidFrom and ValidUntil are the days of the plan the payment bought
	// (YYYY-MM-DD, both included): the service period the invoice states.
	ValidFrom  string `dynamodbav:"validFrom" json:"validFrom"`
	ValidUntil string `dynamodbav:"validUntil" json:"validUntil"`
	// AmountCents is what was paid, VAT included, in the currency's minor unit.
	AmountCents int64     `dynamodbav:"amountCents" json:"amountCents"`
	Currency    string    `dynamodbav:"currency" json:"currency"`
	PaidAt      time.Time `dynamodbav:"paidAt" json:"paidAt"`
	// ProviderPaymentID is the payment provider's id of the payment (for the
	// bookkeeping's reconciliation; it names no person).
	ProviderPaymentID string `dynamodbav:"providerPaymentId" json:"providerPaymentId"`
	// Language is the language the order was placed in, the invoice's language.
	Language string `dynamodbav:"language" json:"language"`
}
