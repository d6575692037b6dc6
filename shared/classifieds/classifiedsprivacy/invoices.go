package classifiedsprivacy

import (
	"context"
	"time"

	"kontor/shared/classifieds"
	"kontor/shared/privacy"
)

// ExportedInvoice is an invoice in the export: its summary and a download link
// valid for classifieds.ExportPhotoTTL, like the photos'.
type ExportedInvoice struct {
	classifieds.InvoiceSummary
	Download string `json:"download"`
}

// exportInvoices lists the account's invoices (HGK-16): every one still linked to
// the account, with a link to its PDF.
func (m Module) exportInvoices(ctx context.Context, accountID string, out map[string]any) error {
	list := []ExportedInvoice{}
	out[classifieds.KindInvoices] = list
	if m.InvoiceFiles == nil || accountID == "" {
		return nil
	}
	pg := classifieds.Page{Limit: 100}
	for {
		invs, next, err := m.Store.InvoicesOf(ctx, accountID, pg)
		if err != nil {
			return err
		}
		for _, v := range invs {
			url, err := m.InvoiceFiles.PresignGet(ctx, classifieds.InvoiceObjectKey(v.Number), v.Number+".pdf", "application/pdf", classifieds.ExportPhotoTTL)
			if err != nil {
				return err
			}
			list = append(list, ExportedInvoice{InvoiceSummary: v, Download: url})
		}
		if next == "" {
			out[classifieds.KindInvoices] = list
			return nil
		}
		pg.Cursor = next
	}
}

// releaseInvoices is the erasure's part for invoices: they are records under a
// legal retention duty (§ 147 AO, § 257 HGB), so record and PDF stay until
// their retainUntil, no longer linked to the account (the access items go, the
// record loses the account id). Everything else of the account is erased.
func (m Module) releaseInvoices(ctx context.Context, accountID string) error {
	_, err := m.Store.ReleaseInvoices(ctx, accountID, m.Now())
	return err
}

// EraseKeeping implements privacy.Keeper: the erasure, and how many invoices it
// kept under their retention duty, for the erasure's receipt. They are counted
// before the erasure unlinks them; a resumed erasure counts what was still
// linked.
func (m Module) EraseKeeping(ctx context.Context, s privacy.Subject) (map[string]int, error) {
	n := 0
	if s.AccountID != "" {
		pg := classifieds.Page{Limit: 100}
		for {
			invs, next, err := m.Store.InvoicesOf(ctx, s.AccountID, pg)
			if err != nil {
				return nil, err
			}
			n += len(invs)
			if next == "" {
				break
			}
			pg.Cursor = next
		}
	}
	if err := m.Erase(ctx, s); err != nil || n == 0 {
		return nil, err
	}
	return map[string]int{classifieds.KindInvoices: n}, nil
}

// sweepInvoices deletes record and PDF of every invoice whose retention duty has
// ended at now; a legal hold on its account keeps it.
func (m Module) sweepInvoices(ctx context.Context, now time.Time, held *privacy.Held) (int, error) {
	if m.InvoiceFiles == nil {
		return 0, nil
	}
	n := 0
	err := m.Store.EachInvoice(ctx, func(inv classifieds.Invoice) error {
		if now.Before(inv.RetainUntil) || (inv.AccountID != "" && held.Keep(inv.AccountID)) {
			return nil
		}
		// The PDF first: a run cut short leaves the record, which the next finds.
		if err := m.InvoiceFiles.Delete(ctx, classifieds.InvoiceObjectKey(inv.Number)); err != nil {
			return err
		}
		n++
		return m.Store.DeleteInvoice(ctx, inv)
	})
	return n, err
}
