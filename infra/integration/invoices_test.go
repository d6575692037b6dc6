package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"kontor/shared/classifieds"
	"kontor/shared/dynamo"
	"kontor/shared/ids"
	"kontor/shared/logging"
	sharedupload "kontor/shared/upload"
)

// invoiceOut is an invoice as GET /v1/me/invoices lists it.
type invoiceOut struct {
	Number      string    `json:"number"`
	Date        string    `json:"date"`
	AmountCents int64     `json:"amountCents"`
	Currency    string    `json:"currency"`
	PlanName    string    `json:"planName"`
	ValidFrom   string    `json:"validFrom"`
	ValidUntil  string    `json:"validUntil"`
	RetainUntil time.Time `json:"retainUntil"`
}

// paid puts the due item the payment webhook writes when it marks an order paid
// (in production the webhook's transaction writes it; here the test does).
func paid(t *testing.T, accountID string, cents int64, lang string) classifieds.InvoiceDue {
	t.Helper()
	now := time.Now().UTC()
	d := classifieds.InvoiceDue{OrderID: ids.NewV7(now), AccountID: accountID, Plan: "month", PlanName: "Monatspauschale",
		ValidFrom: now.Format(time.DateOnly), ValidUntil: now.AddDate(0, 1, -1).Format(time.DateOnly), AmountCents: cents, Currency: "EUR",
		PaidAt: now, ProviderPaymentID: "pay_" + ids.NewToken()[:12], Language: lang}
	if err := classifiedsStore().PutInvoiceDue(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	return d
}

// issueNow runs the invoice issuer's scheduled run.
func issueNow(t *testing.T) {
	t.Helper()
	if err := stack.TriggerSchedule(context.Background(), "InvoiceIssueFunction"); err != nil {
		t.Fatal(err)
	}
}

func myInvoices(t *testing.T, c *client, query string) ([]invoiceOut, string) {
	t.Helper()
	r := c.do(http.MethodGet, "/v1/me/invoices"+query, nil)
	want(t, r, http.StatusOK)
	var page struct {
		Invoices []invoiceOut
		Next     string
	}
	r.json(t, &page)
	return page.Invoices, page.Next
}

// invoicePDF downloads an invoice through the API's link.
func invoicePDF(t *testing.T, c *client, number string) []byte {
	t.Helper()
	r := c.do(http.MethodGet, "/v1/me/invoices/"+number+"/download", nil)
	want(t, r, http.StatusOK)
	var d classifieds.Download
	r.json(t, &d)
	if time.Until(d.ExpiresAt) > classifieds.InvoiceDownloadTTL+time.Minute {
		t.Fatalf("link valid until %v", d.ExpiresAt)
	}
	b, h := downloadFile(t, d.URL)
	if h.Get("Content-Type") != "application/pdf" || !bytes.HasPrefix(b, []byte("%PDF-1.4")) {
		t.Fatalf("download %q %q", h.Get("Content-Type"), b[:min(len(b), 20)])
	}
	return b
}

// currentSequence is the last invoice number issued this year under the prefix.
func currentSequence(t *testing.T, prefix string) int64 {
	t.Helper()
	_, year := classifieds.IssueDay(time.Now())
	n, err := classifiedsStore().InvoiceSequence(context.Background(), prefix, year)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func nextNumber(t *testing.T, prefix string, after int64) string {
	_, year := classifieds.IssueDay(time.Now())
	return classifieds.InvoiceNumber(prefix, year, after+1)
}

// Promise: HGK-4 — a paid order becomes an invoice with the next number of the
// gapless sequence, addressed to the billing address given at that moment, stored
// SSE-KMS with the invoice key in the private bucket; the owner downloads it through
// a five-minute link, anyone else gets 404. A run cut short between numbering and
// storing the PDF is finished by the next, byte for byte.
func TestInvoiceIsIssuedWithTheNextNumberAndTheBillingAddress(t *testing.T) {
	c, _ := signUp(t, "invoice-adv")
	acc := profile(t, c).ID
	want(t, patchAdvertiser(c, map[string]any{"salutation": "mr", "name": "Hauke Petersen", "street": "Hafenweg 5", "postalCode": "24937", "city": "Flensburg", "country": "DE"}), http.StatusOK)
	before := currentSequence(t, "KOJ")
	due := paid(t, acc, 2990, "de")
	issueNow(t)

	invs, _ := myInvoices(t, c, "")
	if len(invs) != 1 || invs[0].Number != nextNumber(t, "KOJ", before) || invs[0].AmountCents != 2990 || invs[0].Currency != "EUR" ||
		invs[0].ValidFrom != due.ValidFrom || invs[0].PlanName != "Monatspauschale" {
		t.Fatalf("invoices %+v, want %s", invs, nextNumber(t, "KOJ", before))
	}
	number := invs[0].Number
	if _, year := classifieds.IssueDay(time.Now()); !invs[0].RetainUntil.Equal(classifieds.RetentionEnd(year)) {
		t.Fatalf("retainUntil %v", invs[0].RetainUntil)
	}
	if exists(t, "ClassifiedsTable", idKey("INVOICEDUE", due.OrderID)) {
		t.Fatal("the due item survived its invoice")
	}

	// Encrypted with the invoice key.
	key := classifieds.InvoiceObjectKey(number)
	head, err := s3Client().HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(stack.Name("ClassifiedsInvoiceBucket")), Key: aws.String(key)})
	if err != nil {
		t.Fatal(err)
	}
	arn, err := stack.Resolve("ClassifiedsInvoiceKey", "Arn")
	if err != nil {
		t.Fatal(err)
	}
	if head.ServerSideEncryption != "aws:kms" || aws.ToString(head.SSEKMSKeyId) != arn {
		t.Fatalf("stored with %s %s, want aws:kms %s", head.ServerSideEncryption, aws.ToString(head.SSEKMSKeyId), arn)
	}
	pdf := invoicePDF(t, c, number)
	for _, s := range []string{"(Herr)", "(Hauke Petersen)", "(Hafenweg 5)", "(24937 Flensburg)", "(" + number + ")", "(29,90 EUR)", "(Rechnung)"} {
		if !bytes.Contains(pdf, []byte(s)) {
			t.Errorf("the PDF lacks %s", s)
		}
	}

	// Another account, a number that is none, a malformed one: 404 alike.
	other, _ := signUp(t, "invoice-other")
	want(t, other.do(http.MethodGet, "/v1/me/invoices/"+number+"/download", nil), http.StatusNotFound, "not_found")
	want(t, c.do(http.MethodGet, "/v1/me/invoices/KOJ-1999-000001/download", nil), http.StatusNotFound, "not_found")
	want(t, c.do(http.MethodGet, "/v1/me/invoices/"+strings.Repeat("A", 2000)+"/download", nil), http.StatusNotFound, "not_found")
	if l, _ := myInvoices(t, other, ""); len(l) != 0 {
		t.Fatalf("another account lists %+v", l)
	}
	want(t, newClient(t).do(http.MethodGet, "/v1/me/invoices", nil), http.StatusUnauthorized)
	want(t, c.do(http.MethodGet, "/v1/me/invoices?cursor=!!", nil), http.StatusBadRequest)

	// A second run issues nothing again; a run cut short after numbering (the PDF
	// missing, still owed) is finished by the next with the same bytes.
	issueNow(t)
	if l, _ := myInvoices(t, c, ""); len(l) != 1 {
		t.Fatalf("a second run issued again: %+v", l)
	}
	if _, err := s3Client().DeleteObject(context.Background(), &s3.DeleteObjectInput{Bucket: aws.String(stack.Name("ClassifiedsInvoiceBucket")), Key: aws.String(key)}); err != nil {
		t.Fatal(err)
	}
	putItem(t, "ClassifiedsTable", map[string]any{"pk": "INVOICEPDF", "sk": number, "number": number})
	issueNow(t)
	if again := bucketObject(t, "ClassifiedsInvoiceBucket", key); !bytes.Equal(again, pdf) {
		t.Fatal("the PDF rendered again differs")
	}
	if exists(t, "ClassifiedsTable", idKey("INVOICEPDF", number)) {
		t.Fatal("the PDF is still marked as owed")
	}

	// Newest first, page by page.
	paid(t, acc, 990, "en")
	issueNow(t)
	first, next := myInvoices(t, c, "?limit=1")
	if len(first) != 1 || first[0].Number <= number || next == "" {
		t.Fatalf("first page %+v next %q", first, next)
	}
	second, _ := myInvoices(t, c, "?limit=1&cursor="+next)
	if len(second) != 1 || second[0].Number != number {
		t.Fatalf("second page %+v", second)
	}
	if en := invoicePDF(t, c, first[0].Number); !bytes.Contains(en, []byte("(Invoice)")) || !bytes.Contains(en, []byte("(9.90 EUR)")) {
		t.Fatal("the English order's invoice is not in English")
	}
}

// Promise: HGK-4 — without a billing address an order up to 250 EUR gets a
// small-amount invoice (§ 33 UStDV); a larger one waits, issued once the address
// is given.
func TestInvoiceWithoutBillingAddress(t *testing.T) {
	c, _ := signUp(t, "invoice-noaddr")
	acc := profile(t, c).ID
	paid(t, acc, 1990, "de")
	big := paid(t, acc, 30000, "de")
	issueNow(t)
	invs, _ := myInvoices(t, c, "")
	if len(invs) != 1 || invs[0].AmountCents != 1990 {
		t.Fatalf("invoices %+v", invs)
	}
	if pdf := invoicePDF(t, c, invs[0].Number); !bytes.Contains(pdf, []byte("Kleinbetragsrechnung")) {
		t.Fatal("no small-amount note")
	}
	if !exists(t, "ClassifiedsTable", idKey("INVOICEDUE", big.OrderID)) {
		t.Fatal("the large order's due item is gone without an invoice")
	}
	want(t, patchAdvertiser(c, map[string]any{"name": "Ute Lorenzen", "street": "Am Kai 2", "postalCode": "18055", "city": "Rostock"}), http.StatusOK)
	issueNow(t)
	if invs, _ = myInvoices(t, c, ""); len(invs) != 2 || invs[0].AmountCents != 30000 {
		t.Fatalf("after the address: %+v", invs)
	}
	if pdf := invoicePDF(t, c, invs[0].Number); !bytes.Contains(pdf, []byte("(Ute Lorenzen)")) {
		t.Fatal("the large invoice lacks the address")
	}
}

// memObjects is an invoice bucket in memory, for the race below.
type memObjects struct {
	mu   sync.Mutex
	objs map[string][]byte
}

func (m *memObjects) PutChecked(_ context.Context, key, _ string, body []byte, _ map[string]string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.objs[key]; ok {
		return sharedupload.ErrExists
	}
	m.objs[key] = body
	return nil
}

func (m *memObjects) PresignGet(context.Context, string, string, string, time.Duration) (string, error) {
	return "", errors.New("not here")
}

func (m *memObjects) Delete(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.objs, key)
	return nil
}

// Promise: HGK-4 — the number sequence is gapless under concurrency: four issuers
// racing over 40 due orders on the real table (its conditional transactions) use
// every number from 1 to 40 exactly once, one per order, and leave nothing due.
func TestInvoiceNumbersStayGaplessUnderConcurrentIssuers(t *testing.T) {
	prefix := "RACE" + strings.ToUpper(strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return -1
	}, ids.NewToken()))[:4]
	const orders = 40
	// Orders other tests left due (a payment test's) are issued first by the real
	// issuer, so the race runs over these 40 alone.
	issueNow(t)
	dues := map[string]bool{}
	for range orders {
		dues[paid(t, ids.NewV7(time.Now()), 500, "de").OrderID] = true
	}
	objs := &memObjects{objs: map[string][]byte{}}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			iss := &classifieds.InvoiceIssuer{Store: classifiedsStore(), Objects: objs, Now: func() time.Time { return time.Now().UTC() },
				Log: logging.New("invoice-race"), Prefix: prefix, Seller: classifieds.Seller{Name: "S", VATID: "DE1"}, VATBasisPoints: 1900}
			_, err := iss.Run(context.Background())
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	_, year := classifieds.IssueDay(time.Now())
	seen := map[string]string{}
	if err := classifiedsStore().EachInvoice(context.Background(), func(inv classifieds.Invoice) error {
		if strings.HasPrefix(inv.Number, prefix+"-") {
			if prev, dup := seen[inv.OrderID]; dup {
				return fmt.Errorf("order %s numbered twice: %s and %s", inv.OrderID, prev, inv.Number)
			}
			seen[inv.OrderID] = inv.Number
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	numbers := map[string]bool{}
	for order, n := range seen {
		if !dues[order] {
			t.Errorf("%s issued for a foreign order", n)
		}
		numbers[n] = true
	}
	for i := int64(1); i <= orders; i++ {
		if n := classifieds.InvoiceNumber(prefix, year, i); !numbers[n] {
			t.Errorf("number %s missing", n)
		}
	}
	if len(numbers) != orders || len(objs.objs) != orders || currentSequence(t, prefix) != orders {
		t.Fatalf("%d numbers, %d PDFs, counter %d; want %d", len(numbers), len(objs.objs), currentSequence(t, prefix), orders)
	}
	for order := range dues {
		if exists(t, "ClassifiedsTable", idKey("INVOICEDUE", order)) {
			t.Fatalf("order %s still due", order)
		}
	}
}

// Promise: HGK-16 — an erased advertiser keeps only the invoices, which a legal
// retention duty covers (§ 147 AO, § 257 HGB: ten years from the end of the year
// of issue): the export lists them with download links while the account exists;
// the erasure deletes everything else and leaves record and PDF, unlinked from
// the account and out of its reach, and its receipt counts the invoices kept; the sweep deletes both once retainUntil has
// passed.
func TestErasedAdvertiserKeepsOnlyInvoices(t *testing.T) {
	c, _ := signUp(t, "invoice-erase")
	acc := profile(t, c).ID
	want(t, patchAdvertiser(c, map[string]any{"name": "Wiebke Jensen", "street": "Deich 9", "postalCode": "25813", "city": "Husum", "username": "wiebke" + strings.ToLower(ids.NewToken()[:6])}), http.StatusOK)
	l := publish(t, c, map[string]any{"title": "Törn mit Rechnung"})
	paid(t, acc, 4990, "de")
	issueNow(t)
	invs, _ := myInvoices(t, c, "")
	if len(invs) != 1 {
		t.Fatalf("invoices %+v", invs)
	}
	number := invs[0].Number
	var exp []struct {
		Number   string `json:"number"`
		Download string `json:"download"`
	}
	if err := jsonInto(mustJSON(t, category(t, export(t, c), classifieds.KindInvoices)), &exp); err != nil || len(exp) != 1 || exp[0].Number != number {
		t.Fatalf("export %+v %v", exp, err)
	}
	if b, _ := download(t, exp[0].Download); !bytes.Contains(b, []byte("(Wiebke Jensen)")) {
		t.Fatal("the export's link does not serve the invoice")
	}

	r := c.do(http.MethodDelete, "/v1/me", nil)
	want(t, r, http.StatusOK)
	var receipt struct {
		Status string         `json:"status"`
		Kept   map[string]int `json:"kept"`
	}
	if r.json(t, &receipt); receipt.Status != "done" || receipt.Kept[classifieds.KindInvoices] != 1 {
		t.Fatalf("the erasure's receipt does not name the invoice kept: %s", r.Body)
	}
	if n := itemsHolding(t, "ClassifiedsTable", acc); len(n) != 0 {
		t.Fatalf("%d items linked to the erased account remain: %v", len(n), n)
	}
	if len(itemsHolding(t, "ClassifiedsTable", l.ID)) != 0 {
		t.Fatal("the listing survived the erasure")
	}
	var rec classifieds.Invoice
	if err := classifiedsStoreTable().Get(context.Background(), idKey("INVOICE", number), &rec, time.Time{}); err != nil {
		t.Fatalf("the invoice record was erased: %v", err)
	}
	if rec.AccountID != "" || rec.ErasedAt == nil || rec.Recipient == nil || rec.Recipient.Name != "Wiebke Jensen" || rec.RetainUntil.Before(time.Now().AddDate(9, 0, 0)) {
		t.Fatalf("retained record %+v", rec)
	}
	key := classifieds.InvoiceObjectKey(number)
	if !bytes.Contains(bucketObject(t, "ClassifiedsInvoiceBucket", key), []byte("(Wiebke Jensen)")) {
		t.Fatal("the PDF was erased")
	}

	// The sweep keeps it while the duty runs, and deletes record and PDF after.
	sweepNow(t)
	if !exists(t, "ClassifiedsTable", idKey("INVOICE", number)) {
		t.Fatal("the sweep deleted an invoice under its retention duty")
	}
	setAttr(t, "ClassifiedsTable", idKey("INVOICE", number), "retainUntil", time.Now().Add(-time.Minute).UTC().Format(time.RFC3339Nano))
	sweepNow(t)
	if exists(t, "ClassifiedsTable", idKey("INVOICE", number)) {
		t.Fatal("the record outlived its retention")
	}
	if _, err := s3Client().HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(stack.Name("ClassifiedsInvoiceBucket")), Key: aws.String(key)}); err == nil {
		t.Fatal("the PDF outlived its retention")
	}
}

// sweepNow runs the hourly retention sweep.
func sweepNow(t *testing.T) {
	t.Helper()
	if err := stack.TriggerSchedule(context.Background(), "RetentionSweepFunction"); err != nil {
		t.Fatal(err)
	}
}

// putItem writes an item of string attributes into the stack's table.
func putItem(t *testing.T, logicalID string, attrs map[string]any) {
	t.Helper()
	it := map[string]types.AttributeValue{}
	for k, v := range attrs {
		it[k] = &types.AttributeValueMemberS{Value: fmt.Sprint(v)}
	}
	if _, err := db().PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(stack.Name(logicalID)), Item: it}); err != nil {
		t.Fatal(err)
	}
}

// setAttr sets a string attribute of an item that exists.
func setAttr(t *testing.T, logicalID string, key map[string]types.AttributeValue, attr, value string) {
	t.Helper()
	if _, err := db().UpdateItem(context.Background(), &dynamodb.UpdateItemInput{TableName: aws.String(stack.Name(logicalID)), Key: key,
		UpdateExpression: aws.String("SET #a = :v"), ConditionExpression: aws.String("attribute_exists(pk)"),
		ExpressionAttributeNames: map[string]string{"#a": attr}, ExpressionAttributeValues: map[string]types.AttributeValue{":v": &types.AttributeValueMemberS{Value: value}}}); err != nil {
		t.Fatal(err)
	}
}

func classifiedsStoreTable() dynamo.Table {
	return dynamo.Table{DB: db(), Name: stack.Name("ClassifiedsTable")}
}

func jsonInto(b []byte, v any) error { return json.Unmarshal(b, v) }

// Attack on the invoices from outside: numbers that are none, in odd bytes,
// with dots or injected header lines, answer 404 like another's invoice; a garbled cursor 400; a flood of
// download links is stopped with 429 and Retry-After (120 an hour per account).
func TestAttackInvoiceDownloadsAreBoundedAndOpaque(t *testing.T) {
	c, _ := signUp(t, "invoice-attack")
	for _, n := range []string{"KOJ-2026-000001%00", "KOJ-2026-..000001", "k%C3%B6j-2026-000001", "KOJ-2026-000001%0D%0ABcc:%20x@example.org", "%27%20OR%201=1"} {
		want(t, c.do(http.MethodGet, "/v1/me/invoices/"+n+"/download", nil), http.StatusNotFound, "not_found")
	}
	want(t, c.do(http.MethodGet, "/v1/me/invoices?cursor="+strings.Repeat("QUFB", 200), nil), http.StatusBadRequest)
	want(t, c.do(http.MethodGet, "/v1/me/invoices?limit=1000", nil), http.StatusBadRequest)
	var last response
	for range 120 - 5 {
		last = c.do(http.MethodGet, "/v1/me/invoices/KOJ-2026-000001/download", nil)
		if last.Status != http.StatusNotFound {
			break
		}
	}
	want(t, last, http.StatusNotFound, "not_found")
	r := c.do(http.MethodGet, "/v1/me/invoices/KOJ-2026-000001/download", nil)
	want(t, r, http.StatusTooManyRequests, "too_many_attempts")
	if r.Header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
}
