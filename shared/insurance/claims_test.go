package insurance

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"kontor/shared/access"
	"kontor/shared/ids"
	"kontor/shared/problem"
	"kontor/shared/upload"
)

// memClaims keeps claims in memory with the version check of UpdateClaim; the
// routes the tests below do not reach are left to the embedded interface.
type memClaims struct {
	ClaimStore
	claims map[string]Claim
}

func (m *memClaims) Claim(_ context.Context, id string, _ time.Time) (Claim, error) {
	cl, ok := m.claims[id]
	if !ok {
		return Claim{}, ErrNotFound
	}
	cl.Invoices = append([]Invoice{}, cl.Invoices...)
	return cl, nil
}

func (m *memClaims) UpdateClaim(_ context.Context, cl Claim, prev int) error {
	if m.claims[cl.ID].Version != prev {
		return ErrConflict
	}
	m.claims[cl.ID] = cl
	return nil
}

// memObjects is the invoice bucket in memory: key → size.
type memObjects struct{ objects map[string]int64 }

const testKeyARN = "arn:aws:kms:eu-central-1:1:key/k"

func (m *memObjects) PresignPut(context.Context, string, int64, string, map[string]string, time.Duration) (upload.URL, error) {
	return upload.URL{}, nil
}

func (m *memObjects) Get(_ context.Context, key string, _ int64) ([]byte, upload.Info, error) {
	n, ok := m.objects[key]
	if !ok {
		return nil, upload.Info{}, upload.ErrNoObject
	}
	body := append([]byte("%PDF-1.7\n"), make([]byte, n)...)[:n]
	copy(body[n-6:], "%%EOF\n")
	return body, upload.Info{Size: n, SSE: "aws:kms", KeyARN: testKeyARN}, nil
}

func (m *memObjects) PutChecked(_ context.Context, key, _ string, body []byte, _ map[string]string) error {
	m.objects[key] = int64(len(body))
	return nil
}

func (m *memObjects) Delete(_ context.Context, key string) error {
	delete(m.objects, key)
	return nil
}

func (m *memObjects) PresignGet(context.Context, string, string, string, time.Duration) (string, error) {
	return "", nil
}

func (m *memObjects) KeyARN() string { return testKeyARN }

func (m *memObjects) DeleteUnder(context.Context, string, time.Time) (int, error) { return 0, nil }

type noRestrictions struct{}

func (noRestrictions) IsRestricted(context.Context, string) (bool, error) { return false, nil }

type noQueue struct{ ReviewStore }

func (noQueue) Unqueue(context.Context, Claim) error { return nil }

// claimsWith returns the use cases over one claim of owner with a pending invoice
// declared at size bytes, of which size bytes were uploaded.
func claimsWith(owner string, size int64) (*Review, Claim, *memObjects) {
	cl := Claim{
		ID: ids.NewV7(now), AccountID: owner, Status: StatusSubmitted, Amount: Money{Cents: 1000, Currency: "EUR"}, Version: 1,
		Invoices: []Invoice{{ID: ids.NewV7(now), ContentType: upload.TypePDF, Size: size, Status: InvoicePending, CreatedAt: now}},
	}
	objs := &memObjects{objects: map[string]int64{invoiceTarget(cl, cl.Invoices[0].ID).Staging: size}}
	c := &Claims{Store: &memClaims{claims: map[string]Claim{cl.ID: cl}}, Objects: objs, Now: func() time.Time { return now }, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	return &Review{Claims: c, Store: noQueue{}, Restrictions: noRestrictions{}}, cl, objs
}

func wantProblem(t *testing.T, err error, status int, code problem.Code) {
	t.Helper()
	if p, ok := problem.As(err); !ok || p.Status != status || p.Code != code {
		t.Fatalf("got %v, want %d %s", err, status, code.ID)
	}
}

var staffer = access.Principal{AccountID: "staff-1", Roles: []string{access.RoleStaff}}

// An upload URL issued while the claim was open does not put an invoice on a claim
// staff have moved on: the decision drops the pending entry, and completing later
// is refused with the bytes deleted.
func TestNoInvoiceIsCompletedOnAClaimMovedOn(t *testing.T) {
	r, cl, objs := claimsWith("owner-1", 100)
	inv := cl.Invoices[0]
	got, err := r.Decide(context.Background(), staffer, cl.ID, DecisionInput{Status: StatusInReview, Version: 1})
	if err != nil || len(got.Invoices) != 0 {
		t.Fatalf("decision %+v %v", got, err)
	}
	if len(objs.objects) != 0 {
		t.Fatalf("staged bytes kept after the decision: %v", objs.objects)
	}
	// The owner sends the bytes to the URL obtained before the decision.
	objs.objects[invoiceTarget(cl, inv.ID).Staging] = 100
	_, err = r.Claims.Complete(context.Background(), access.Principal{AccountID: "owner-1"}, cl.ID, inv.ID)
	wantProblem(t, err, http.StatusConflict, CodeClaimClosed)
	if len(objs.objects) != 0 {
		t.Fatalf("objects left: %v", objs.objects)
	}
	after, _ := r.Claims.Store.Claim(context.Background(), cl.ID, now)
	if len(after.Invoices) != 0 {
		t.Fatalf("invoice on the decided claim: %+v", after.Invoices)
	}
}

// A claim decided while its entry was still pending (a store written before the
// decision dropped them) still refuses completion and loses the entry.
func TestCompleteRefusesAPendingEntryOnAClosedClaim(t *testing.T) {
	r, cl, objs := claimsWith("owner-1", 100)
	store := r.Claims.Store.(*memClaims)
	cl.Status = StatusInReview
	store.claims[cl.ID] = cl
	_, err := r.Claims.Complete(context.Background(), access.Principal{AccountID: "owner-1"}, cl.ID, cl.Invoices[0].ID)
	wantProblem(t, err, http.StatusConflict, CodeClaimClosed)
	if len(objs.objects) != 0 || len(store.claims[cl.ID].Invoices) != 0 {
		t.Fatalf("left %v %+v", objs.objects, store.claims[cl.ID].Invoices)
	}
}

// Promise: H4U-10 — nobody decides on their own claim.
func TestStaffDoNotDecideTheirOwnClaim(t *testing.T) {
	r, cl, _ := claimsWith(staffer.AccountID, 100)
	for _, status := range []string{StatusInReview, StatusRejected} {
		_, err := r.Decide(context.Background(), staffer, cl.ID, DecisionInput{Status: status, Note: "n", Version: 1})
		wantProblem(t, err, http.StatusForbidden, CodeOwnClaimDecision)
	}
	if got, _ := r.Claims.Store.Claim(context.Background(), cl.ID, now); got.Status != StatusSubmitted || got.Version != 1 {
		t.Fatalf("own claim changed: %+v", got)
	}
}

// The stored object must have the declared size: the emulator and an unsigned
// Content-Length let other bytes through.
func TestCompleteRefusesAnotherSizeThanDeclared(t *testing.T) {
	r, cl, objs := claimsWith("owner-1", 100)
	objs.objects[invoiceTarget(cl, cl.Invoices[0].ID).Staging] = 200
	_, err := r.Claims.Complete(context.Background(), access.Principal{AccountID: "owner-1"}, cl.ID, cl.Invoices[0].ID)
	wantProblem(t, err, http.StatusBadRequest, CodeInvoiceSizeMismatch)
	if len(objs.objects) != 0 {
		t.Fatalf("objects left: %v", objs.objects)
	}
}

func TestDeclaringANegativeSizeIsAValidationError(t *testing.T) {
	r, cl, _ := claimsWith("owner-1", 100)
	_, _, err := r.Claims.AddInvoice(context.Background(), access.Principal{AccountID: "owner-1"}, cl.ID, upload.TypePDF, -5)
	p, ok := problem.As(err)
	if !ok || p.Status != http.StatusBadRequest || len(p.Fields) != 1 || p.Fields[0].Field != "size" {
		t.Fatalf("size -5: %v", err)
	}
}

// A small file of many bad rows gives a report that fits Lambda's answer: the
// first MaxReportedRows rows are listed, the rest counted.
func TestImportReportListsAtMostMaxReportedRows(t *testing.T) {
	var b strings.Builder
	b.WriteString(strings.Join(ImportColumns, ",") + "\n")
	row := strings.TrimSuffix(strings.Repeat("\x01,", 18), ",") + "\n"
	for range MaxImportRows {
		b.WriteString(row)
	}
	_, rep, err := ParseImport([]byte(b.String()), now)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rows != MaxImportRows || rep.RejectedRows != MaxImportRows || len(rep.Rejected) != MaxReportedRows || !rep.Truncated {
		t.Fatalf("rows %d rejected %d listed %d truncated %v", rep.Rows, rep.RejectedRows, len(rep.Rejected), rep.Truncated)
	}
	if out, _ := json.Marshal(rep); len(out) > 1<<20 {
		t.Fatalf("report of %d bytes", len(out))
	}
}
