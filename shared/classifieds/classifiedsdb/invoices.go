package classifiedsdb

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/classifieds"
	"kontor/shared/dynamo"
)

var _ classifieds.InvoiceStore = (*Store)(nil)

const attrLast = "last"

// PutInvoiceDue stores a paid order waiting for its invoice. In production the
// payment webhook writes this item in the transaction that marks the order paid;
// this method is for tests and the local stand-in.
func (s *Store) PutInvoiceDue(ctx context.Context, d classifieds.InvoiceDue) error {
	return s.table().Put(ctx, invoiceDueKey(d.OrderID), d, time.Time{}, dynamo.NotExists)
}

// DueInvoices implements classifieds.InvoiceStore: one consistent query of the
// INVOICEDUE partition after the order id after.
func (s *Store) DueInvoices(ctx context.Context, after string, limit int) ([]classifieds.InvoiceDue, error) {
	in := &dynamodb.QueryInput{TableName: aws.String(s.Table), ConsistentRead: aws.Bool(true), Limit: aws.Int32(int32(limit)), // #nosec G115 -- a small constant
		KeyConditionExpression: aws.String("pk = :pk"), ExpressionAttributeValues: dynamo.Item{":pk": dynamo.S(invoiceDuePartition)}}
	if after != "" {
		in.ExclusiveStartKey = invoiceDueKey(after)
	}
	res, err := s.DB.Query(ctx, in)
	if err != nil {
		return nil, err
	}
	var out []classifieds.InvoiceDue
	return out, dynamo.UnmarshalAll(res.Items, &out)
}

// DueExists implements classifieds.InvoiceStore.
func (s *Store) DueExists(ctx context.Context, orderID string) (bool, error) {
	var d classifieds.InvoiceDue
	err := s.table().Get(ctx, invoiceDueKey(orderID), &d, dynamo.IgnoreTTL)
	if errors.Is(err, dynamo.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

type invoiceSeq struct {
	Last int64 `dynamodbav:"last"`
}

// InvoiceSequence implements classifieds.InvoiceStore with a consistent read.
func (s *Store) InvoiceSequence(ctx context.Context, prefix string, year int) (int64, error) {
	var q invoiceSeq
	err := s.table().Get(ctx, invoiceSeqKey(prefix, year), &q, dynamo.IgnoreTTL)
	if errors.Is(err, dynamo.ErrNotFound) {
		return 0, nil
	}
	return q.Last, err
}

// invoiceOwed marks an invoice whose PDF is not stored yet.
type invoiceOwed struct {
	Number string `dynamodbav:"number"`
}

// IssueInvoice implements classifieds.InvoiceStore: five writes, one transaction.
// The counter's condition serialises concurrent issuers (the loser re-reads it);
// the record's condition keeps a number from being used twice, the due item's
// that an order gets one number.
func (s *Store) IssueInvoice(ctx context.Context, inv classifieds.Invoice, prefix string, year int, last int64) error {
	seq := dynamo.Write{Key: invoiceSeqKey(prefix, year), Update: "SET #last = :next",
		Cond: dynamo.Cond{Expr: "#last = :last", Names: map[string]string{"#last": attrLast}, Values: dynamo.Item{":next": dynamo.N(last + 1), ":last": dynamo.N(last)}}}
	if last == 0 {
		seq.Cond = dynamo.Cond{Expr: "attribute_not_exists(pk)", Names: map[string]string{"#last": attrLast}, Values: dynamo.Item{":next": dynamo.N(1)}}
	}
	err := s.table().Transact(ctx, seq,
		dynamo.Write{Key: invoiceKey(inv.Number), V: inv, Cond: dynamo.NotExists},
		dynamo.Write{Key: invoiceAccessKey(inv.AccountID, inv.Number), V: classifieds.InvoiceSummaryOf(inv), Cond: dynamo.NotExists},
		dynamo.Write{Key: invoiceDueKey(inv.OrderID), Delete: true, Cond: dynamo.Exists},
		dynamo.Write{Key: invoicePDFKey(inv.Number), V: invoiceOwed{Number: inv.Number}, Cond: dynamo.NotExists},
	)
	if errors.Is(err, dynamo.ErrConflict) {
		return classifieds.ErrInvoiceConflict
	}
	return err
}

// UnrenderedInvoices implements classifieds.InvoiceStore.
func (s *Store) UnrenderedInvoices(ctx context.Context, limit int) ([]classifieds.Invoice, error) {
	var owed []invoiceOwed
	if _, err := s.table().QueryPage(ctx, invoicePDFPartition, "", dynamo.Page{Limit: limit}, false, dynamo.IgnoreTTL, func(it dynamo.Item) error {
		var o invoiceOwed
		err := dynamo.Unmarshal(it, &o)
		owed = append(owed, o)
		return err
	}); err != nil {
		return nil, err
	}
	out := make([]classifieds.Invoice, 0, len(owed))
	for _, o := range owed {
		inv, err := s.Invoice(ctx, o.Number)
		if errors.Is(err, classifieds.ErrNoInvoice) {
			// Swept meanwhile: nothing is owed.
			if err := s.InvoiceRendered(ctx, o.Number); err != nil {
				return nil, err
			}
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, inv)
	}
	return out, nil
}

// InvoiceRendered implements classifieds.InvoiceStore.
func (s *Store) InvoiceRendered(ctx context.Context, number string) error {
	return s.table().Delete(ctx, invoicePDFKey(number))
}

// Invoice reads an invoice's record; classifieds.ErrNoInvoice when there is none.
func (s *Store) Invoice(ctx context.Context, number string) (classifieds.Invoice, error) {
	var inv classifieds.Invoice
	err := s.table().Get(ctx, invoiceKey(number), &inv, dynamo.IgnoreTTL)
	if errors.Is(err, dynamo.ErrNotFound) {
		return inv, classifieds.ErrNoInvoice
	}
	return inv, err
}

// InvoicesOf implements classifieds.InvoiceReader: the account's invoices, newest
// first (numbers sort by year and sequence), one page.
func (s *Store) InvoicesOf(ctx context.Context, accountID string, pg classifieds.Page) ([]classifieds.InvoiceSummary, string, error) {
	out := []classifieds.InvoiceSummary{}
	next, err := s.table().QueryPage(ctx, accountPrefix+accountID, invoiceAccessPrefix, dynamo.Page{Limit: pg.Limit, Cursor: pg.Cursor}, true, dynamo.IgnoreTTL, func(it dynamo.Item) error {
		var v classifieds.InvoiceSummary
		err := dynamo.Unmarshal(it, &v)
		out = append(out, v)
		return err
	})
	if errors.Is(err, dynamo.ErrBadCursor) {
		return nil, "", classifieds.ErrBadCursor
	}
	return out, next, err
}

// InvoiceOf implements classifieds.InvoiceReader: the account's access to one
// invoice; classifieds.ErrNoInvoice when the account has none.
func (s *Store) InvoiceOf(ctx context.Context, accountID, number string) (classifieds.InvoiceSummary, error) {
	var v classifieds.InvoiceSummary
	err := s.table().Get(ctx, invoiceAccessKey(accountID, number), &v, dynamo.IgnoreTTL)
	if errors.Is(err, dynamo.ErrNotFound) {
		return v, classifieds.ErrNoInvoice
	}
	return v, err
}

// ReleaseInvoices implements classifieds.InvoiceRetention: each of the account's
// invoices loses its link to the account (the access item goes, the record's
// accountId is removed and erasedAt set) and stays as a record until its
// retainUntil. It returns the records kept.
func (s *Store) ReleaseInvoices(ctx context.Context, accountID string, now time.Time) ([]classifieds.InvoiceSummary, error) {
	var kept []classifieds.InvoiceSummary
	if err := s.table().QueryAll(ctx, accountPrefix+accountID, invoiceAccessPrefix, dynamo.IgnoreTTL, &kept); err != nil {
		return nil, err
	}
	for _, v := range kept {
		err := s.table().Transact(ctx,
			dynamo.Write{Key: invoiceKey(v.Number), Update: "SET #erased = :now REMOVE #acc", Cond: dynamo.Cond{Expr: "attribute_exists(pk)",
				Names: map[string]string{"#erased": "erasedAt", "#acc": "accountId"}, Values: dynamo.Item{":now": dynamo.S(now.UTC().Format(time.RFC3339Nano))}}},
			dynamo.Write{Key: invoiceAccessKey(accountID, v.Number), Delete: true})
		if err != nil && !errors.Is(err, dynamo.ErrConflict) {
			return nil, err
		}
	}
	return kept, nil
}

// EachInvoice implements classifieds.InvoiceRetention: every invoice record, in
// number order (one partition; its cost is that of the records kept, ten years
// of invoices).
func (s *Store) EachInvoice(ctx context.Context, fn func(classifieds.Invoice) error) error {
	return s.table().Query(ctx, invoicePartition, "", dynamo.IgnoreTTL, func(it dynamo.Item) error {
		var inv classifieds.Invoice
		if err := dynamo.Unmarshal(it, &inv); err != nil {
			return err
		}
		return fn(inv)
	})
}

// DeleteInvoice implements classifieds.InvoiceRetention: the record, the
// account's access if it still exists and a PDF still owed, together.
func (s *Store) DeleteInvoice(ctx context.Context, inv classifieds.Invoice) error {
	ws := []dynamo.Write{{Key: invoiceKey(inv.Number), Delete: true}, {Key: invoicePDFKey(inv.Number), Delete: true}}
	if inv.AccountID != "" {
		ws = append(ws, dynamo.Write{Key: invoiceAccessKey(inv.AccountID, inv.Number), Delete: true})
	}
	return s.table().Transact(ctx, ws...)
}
