package classifieds

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"kontor/shared/upload"
)

// InvoiceStore keeps invoices (classifiedsdb/invoices.go).
type InvoiceStore interface {
	AdvertiserReader
	// DueInvoices reads up to limit paid orders waiting for their invoice, oldest
	// order first, after the order id after ("" from the start).
	DueInvoices(ctx context.Context, after string, limit int) ([]InvoiceDue, error)
	// InvoiceSequence is the last number issued under prefix in year (0: none).
	InvoiceSequence(ctx context.Context, prefix string, year int) (int64, error)
	// IssueInvoice stores inv as number last+1 of its year in one transaction: the
	// counter moved from last (created when last is 0), the record and the
	// account's access put where none are, the due item deleted while it exists,
	// and the PDF marked as owed. ErrInvoiceConflict when any condition fails.
	IssueInvoice(ctx context.Context, inv Invoice, prefix string, year int, last int64) error
	// DueExists tells whether an order still waits for its invoice.
	DueExists(ctx context.Context, orderID string) (bool, error)
	// UnrenderedInvoices reads the invoices whose PDF is owed.
	UnrenderedInvoices(ctx context.Context, limit int) ([]Invoice, error)
	// InvoiceRendered marks an invoice's PDF stored.
	InvoiceRendered(ctx context.Context, number string) error
}

// InvoiceObjects is the private invoice bucket (s3store.Bucket).
type InvoiceObjects interface {
	// PutChecked stores an object under a key that is free; upload.ErrExists
	// when it is not.
	PutChecked(ctx context.Context, key, contentType string, body []byte, encCtx map[string]string) error
	PresignGet(ctx context.Context, key, filename, contentType string, ttl time.Duration) (string, error)
	Delete(ctx context.Context, key string) error
}

// InvoiceIssuer numbers, stores and renders the invoices of paid orders
// (InvoiceIssueFunction, every minute).
type InvoiceIssuer struct {
	Store   InvoiceStore
	Objects InvoiceObjects
	Now     func() time.Time
	Log     *slog.Logger
	// Prefix starts every invoice number; Seller and VATBasisPoints are the
	// template's parameters.
	Prefix         string
	Seller         Seller
	VATBasisPoints int64
}

// IssueResult counts what a run did.
type IssueResult struct {
	Issued   int `json:"issued"`
	Rendered int `json:"rendered"`
	Waiting  int `json:"waitingForAddress"`
}

// issueBatch is how many due items a run reads at a time; maxRaces how often one
// order's numbering may lose to another issuer before the run gives up on it.
const (
	issueBatch = 100
	maxRaces   = 100
)

// Run first renders what an earlier run numbered but did not store, then issues
// every due invoice in order of its order.
func (s *InvoiceIssuer) Run(ctx context.Context) (IssueResult, error) {
	var res IssueResult
	if err := s.renderOwed(ctx, &res); err != nil {
		return res, err
	}
	after := ""
	for {
		due, err := s.Store.DueInvoices(ctx, after, issueBatch)
		if err != nil || len(due) == 0 {
			return res, err
		}
		for _, d := range due {
			after = d.OrderID
			inv, err := s.issue(ctx, d)
			if errors.Is(err, ErrNoBillingAddress) {
				res.Waiting++
				s.Log.InfoContext(ctx, "invoice waits for a billing address", slog.String("orderId", d.OrderID))
				continue
			}
			if err != nil {
				return res, err
			}
			if inv.Number == "" {
				continue // another issuer took it
			}
			res.Issued++
			if err := s.store(ctx, inv); err != nil {
				return res, err
			}
			res.Rendered++
		}
	}
}

// renderOwed stores the PDFs of invoices numbered by a run cut short.
func (s *InvoiceIssuer) renderOwed(ctx context.Context, res *IssueResult) error {
	for {
		owed, err := s.Store.UnrenderedInvoices(ctx, issueBatch)
		if err != nil || len(owed) == 0 {
			return err
		}
		for _, inv := range owed {
			if err := s.store(ctx, inv); err != nil {
				return err
			}
			res.Rendered++
		}
	}
}

// issue numbers one due order: the next number of the year, in one transaction
// conditioned on the counter not having moved. Losing a race re-reads the counter;
// an order another issuer took returns the zero invoice.
func (s *InvoiceIssuer) issue(ctx context.Context, d InvoiceDue) (Invoice, error) {
	rec, _, err := s.Store.AdvertiserRecord(ctx, d.AccountID)
	if err != nil {
		return Invoice{}, err
	}
	for range maxRaces {
		now := s.Now()
		_, year := IssueDay(now)
		last, err := s.Store.InvoiceSequence(ctx, s.Prefix, year)
		if err != nil {
			return Invoice{}, err
		}
		inv, err := NewInvoice(d, InvoiceNumber(s.Prefix, year, last+1), BillingAddressOf(rec.AdvertiserData), s.Seller, s.VATBasisPoints, now)
		if err != nil {
			return Invoice{}, err
		}
		err = s.Store.IssueInvoice(ctx, inv, s.Prefix, year, last)
		if !errors.Is(err, ErrInvoiceConflict) {
			return inv, err
		}
		if waiting, err := s.Store.DueExists(ctx, d.OrderID); err != nil || !waiting {
			return Invoice{}, err
		}
	}
	return Invoice{}, fmt.Errorf("invoice of order %s: lost %d races for a number", d.OrderID, maxRaces)
}

// store renders the PDF, stores it encrypted under the invoice's number and marks
// it stored. A PDF already there is the same file (the render depends on the
// invoice alone), so it stays.
func (s *InvoiceIssuer) store(ctx context.Context, inv Invoice) error {
	err := s.Objects.PutChecked(ctx, InvoiceObjectKey(inv.Number), "application/pdf", InvoicePDF(inv), map[string]string{"invoice": inv.Number})
	if err != nil && !errors.Is(err, upload.ErrExists) {
		return err
	}
	return s.Store.InvoiceRendered(ctx, inv.Number)
}
