package classifieds

import (
	"context"
	"errors"
	"regexp"
	"time"
)

// InvoiceReader reads an account's access to its invoices (classifiedsdb).
type InvoiceReader interface {
	InvoicesOf(ctx context.Context, accountID string, pg Page) ([]InvoiceSummary, string, error)
	InvoiceOf(ctx context.Context, accountID, number string) (InvoiceSummary, error)
}

// InvoiceRetention is what the privacy side needs of the invoice store: the
// erasure releases an account's invoices to their retention, the sweep deletes
// them when it ends (HGK-16).
type InvoiceRetention interface {
	InvoiceReader
	ReleaseInvoices(ctx context.Context, accountID string, now time.Time) ([]InvoiceSummary, error)
	EachInvoice(ctx context.Context, fn func(Invoice) error) error
	DeleteInvoice(ctx context.Context, inv Invoice) error
}

// Invoices serves an account its invoices (InvoicesFunction).
type Invoices struct {
	Store   InvoiceReader
	Objects InvoiceObjects
	Now     func() time.Time
}

// InvoiceList is one page of an account's invoices.
type InvoiceList struct {
	Invoices []InvoiceSummary `json:"invoices"`
	Next     string           `json:"next,omitempty"`
}

// List reads the account's invoices, newest first.
func (s *Invoices) List(ctx context.Context, accountID string, pg Page) (InvoiceList, error) {
	invs, next, err := s.Store.InvoicesOf(ctx, accountID, pg)
	return InvoiceList{Invoices: invs, Next: next}, err
}

// invoiceNumberShape is what InvoiceNumber makes; anything else is no invoice.
var invoiceNumberShape = regexp.MustCompile(`^[A-Z]{1,10}-[0-9]{4}-[0-9]{6,9}$`)

// Download is a link to an invoice's PDF.
type Download struct {
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// Download links to the account's invoice for InvoiceDownloadTTL; 404 for an
// invoice that is not the account's, whether it exists or not.
func (s *Invoices) Download(ctx context.Context, accountID, number string) (Download, error) {
	if !invoiceNumberShape.MatchString(number) {
		return Download{}, notFound()
	}
	v, err := s.Store.InvoiceOf(ctx, accountID, number)
	if errors.Is(err, ErrNoInvoice) {
		return Download{}, notFound()
	}
	if err != nil {
		return Download{}, err
	}
	url, err := s.Objects.PresignGet(ctx, InvoiceObjectKey(v.Number), v.Number+".pdf", "application/pdf", InvoiceDownloadTTL)
	return Download{URL: url, ExpiresAt: s.Now().Add(InvoiceDownloadTTL)}, err
}
