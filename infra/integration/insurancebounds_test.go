package integration

import (
	"net/http"
	"strings"
	"testing"

	"kontor/shared/insurance"
)

// An upload URL obtained while the claim was open does not put an invoice on a
// claim staff have decided: the decision drops the pending entry, and completing it
// afterwards is refused with the bytes deleted.
// Promise: H4U-10 — staff decide on exactly the invoices stored when they decide.
func TestNoInvoiceIsCompletedOnADecidedClaim(t *testing.T) {
	staff := staffClient(t)
	c, p, _ := customer(t, staff, "Bob", "portal-processing", "health-data")
	cl := createClaim(t, c, p.Contracts[0])
	first, r := upload(t, c, cl.ID, "application/pdf", pdfFile)
	want(t, r, http.StatusOK)
	second, _ := uploadOnly(t, c, cl.ID, "application/pdf", len(pdfFile))

	cur := currentClaim(t, staff, cl.ID)
	r = staff.do(http.MethodPost, "/v1/staff/claims/"+cl.ID+"/decision", map[string]any{"status": "in_review", "version": cur.Version})
	want(t, r, http.StatusOK)
	r.json(t, &cur)
	if len(cur.Invoices) != 1 || cur.Invoices[0].ID != first.Invoice.ID {
		t.Fatalf("invoices after moving the claim on: %+v", cur.Invoices)
	}
	want(t, staff.do(http.MethodPost, "/v1/staff/claims/"+cl.ID+"/decision", map[string]any{"status": "reimbursed", "reimbursedCents": 8000, "version": cur.Version}), http.StatusOK)
	want(t, c.do(http.MethodPost, "/v1/me/claims/"+cl.ID+"/invoices", map[string]any{"contentType": "application/pdf", "size": 100}), http.StatusConflict, "claim_closed")

	// The URL issued before the decision is still valid for its 10 minutes.
	put(t, second.Upload, pdfFile)
	want(t, c.do(http.MethodPost, "/v1/me/claims/"+cl.ID+"/invoices/"+second.Invoice.ID+"/complete", nil), http.StatusConflict, "claim_closed")
	if objectExists(t, stagingKey(cl.ID, second.Invoice.ID)) || objectExists(t, storedKey(cl.ID, second.Invoice.ID)) {
		t.Fatal("bytes sent after the decision were left behind")
	}
	if got := currentClaim(t, staff, cl.ID); len(got.Invoices) != 1 || got.Invoices[0].ID != first.Invoice.ID {
		t.Fatalf("staff see %+v", got.Invoices)
	}
	// The invoice stored before the decision stays completed.
	want(t, c.do(http.MethodPost, "/v1/me/claims/"+cl.ID+"/invoices/"+first.Invoice.ID+"/complete", nil), http.StatusOK)
}

// A staff member who is also a customer cannot decide on their own claim; a
// colleague can.
// Promise: H4U-10 — every decision is made by a staff member, never on their own claim.
func TestStaffDoNotDecideTheirOwnClaim(t *testing.T) {
	staff, colleague := staffClient(t), staffClient(t)
	me := profile(t, staff)
	p := newPolicyholder("Selma")
	importCSV(t, staff, importHeader+p.csv())
	anon := newClient(t)
	anon.csrf()
	r := anon.do(http.MethodPost, "/v1/insurance/registrations", registrationBody(p, me.Email, insurance.ByPost))
	want(t, r, http.StatusAccepted)
	var reg registrationDoc
	r.json(t, &reg)
	l := letterFor(t, staff, reg.ID)
	want(t, anon.do(http.MethodPost, "/v1/insurance/activations", map[string]any{"registrationId": reg.ID, "code": l.Code}), http.StatusAccepted)
	for _, purpose := range []string{"portal-processing", "health-data"} {
		want(t, staff.do(http.MethodPut, "/v1/me/consents/"+purpose, map[string]any{"textVersion": "2026-01"}), http.StatusOK)
	}
	cl := createClaim(t, staff, p.Contracts[0])
	_, r = upload(t, staff, cl.ID, "application/pdf", pdfFile)
	want(t, r, http.StatusOK)

	cur := currentClaim(t, staff, cl.ID)
	// The answer is in the account's language (the claim review page puts its own
	// words in the page's language).
	r = staff.do(http.MethodPost, "/v1/staff/claims/"+cl.ID+"/decision", map[string]any{"status": "in_review", "version": cur.Version})
	want(t, r, http.StatusForbidden, "own_claim_decision")
	if b := r.problem(t); b.Detail != insurance.CodeOwnClaimDecision.Message(me.Language) {
		t.Fatalf("%s: %q", me.Language, b.Detail)
	}
	if got := currentClaim(t, staff, cl.ID); got.Status != insurance.StatusSubmitted || got.Version != cur.Version {
		t.Fatalf("own claim changed: %+v", got)
	}
	want(t, colleague.do(http.MethodPost, "/v1/staff/claims/"+cl.ID+"/decision", map[string]any{"status": "in_review", "version": cur.Version}), http.StatusOK)
}

// A small file of many bad rows gives a report within Lambda's answer limit: the
// first rows listed, all counted, the cut said.
func TestContractImportReportOfManyBadRowsFits(t *testing.T) {
	staff := staffClient(t)
	row := strings.TrimSuffix(strings.Repeat("\x01,", 18), ",") + "\n"
	file := importHeader + strings.Repeat(row, insurance.MaxImportRows)
	r := staff.raw(http.MethodPost, "/v1/staff/contract-imports", "text/csv; charset=utf-8", []byte(file), nil)
	want(t, r, http.StatusOK)
	var rep insurance.ImportReport
	r.json(t, &rep)
	if rep.Rows != insurance.MaxImportRows || rep.RejectedRows != insurance.MaxImportRows || len(rep.Rejected) != insurance.MaxReportedRows || !rep.Truncated || rep.Rejected[0].Line != 2 {
		t.Fatalf("rows %d rejected %d listed %d truncated %v", rep.Rows, rep.RejectedRows, len(rep.Rejected), rep.Truncated)
	}
	if len(r.Body) > 2<<20 {
		t.Fatalf("report of %d bytes", len(r.Body))
	}
}

// A declared size no file has is a validation error on the field; an object of
// another size than declared is refused and deleted.
func TestInvoiceSizesAreChecked(t *testing.T) {
	staff := staffClient(t)
	c, p, _ := customer(t, staff, "Sina", "portal-processing", "health-data")
	cl := createClaim(t, c, p.Contracts[0])
	r := c.do(http.MethodPost, "/v1/me/claims/"+cl.ID+"/invoices", map[string]any{"contentType": "application/pdf", "size": -5})
	want(t, r, http.StatusBadRequest, "validation_failed")
	if b := r.problem(t); len(b.Errors) != 1 || b.Errors[0].Field != "size" {
		t.Fatalf("problem %+v", b)
	}
	ni, _ := uploadOnly(t, c, cl.ID, "application/pdf", len(pdfFile)+10)
	overwrite(t, stagingKey(cl.ID, ni.Invoice.ID), pdfFile, stackKeyARN(t))
	want(t, c.do(http.MethodPost, "/v1/me/claims/"+cl.ID+"/invoices/"+ni.Invoice.ID+"/complete", nil), http.StatusBadRequest, "invoice_size_mismatch")
	if objectExists(t, stagingKey(cl.ID, ni.Invoice.ID)) || objectExists(t, storedKey(cl.ID, ni.Invoice.ID)) || len(claimAt(t, c, "/v1/me/claims/"+cl.ID).Invoices) != 0 {
		t.Fatal("the file of another size was left behind")
	}
}
