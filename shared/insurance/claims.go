package insurance

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"kontor/shared/access"
	"kontor/shared/ids"
	"kontor/shared/problem"
	"kontor/shared/upload"
)

// Claim states (H4U-7). Only a staff member moves a claim on (H4U-10).
const (
	StatusSubmitted  = "submitted"
	StatusInReview   = "in_review"
	StatusReimbursed = "reimbursed"
	StatusRejected   = "rejected"
)

// Invoice limits: PDF, JPEG, PNG up to 10 MB, told apart by content.
const (
	MaxInvoiceBytes  = 10 << 20
	MaxInvoices      = 10
	MaxDescription   = 1000
	MaxNote          = 1000
	UploadURLTTL     = upload.StagingTTL
	DownloadURLTTL   = 5 * time.Minute
	PendingUploadTTL = time.Hour
)

// Invoice states.
const (
	InvoicePending = "pending" // upload URL issued, content not yet checked
	InvoiceStored  = "stored"
)

// InvoicePolicy is what an invoice may be: a PDF, JPEG or PNG of at most 10 MB,
// images of at most 40 megapixels (re-encoded without metadata).
var InvoicePolicy = upload.Policy{
	Types:     []string{upload.TypePDF, upload.TypeJPEG, upload.TypePNG},
	MaxBytes:  MaxInvoiceBytes,
	MaxPixels: 40_000_000,
}

// Invoice is one uploaded file of a claim.
type Invoice struct {
	ID          string     `dynamodbav:"id" json:"id"`
	ContentType string     `dynamodbav:"contentType" json:"contentType"`
	Size        int64      `dynamodbav:"size" json:"size"`
	Status      string     `dynamodbav:"status" json:"status"`
	CreatedAt   time.Time  `dynamodbav:"createdAt" json:"createdAt"`
	StoredAt    *time.Time `dynamodbav:"storedAt,omitempty" json:"storedAt,omitempty"`
}

// Event is one step of a claim's history.
type Event struct {
	Status string    `dynamodbav:"status" json:"status"`
	At     time.Time `dynamodbav:"at" json:"at"`
	// By is "customer" or the id of the staff member who decided.
	By   string `dynamodbav:"by" json:"by"`
	Note string `dynamodbav:"note,omitempty" json:"note,omitempty"`
}

// Claim is a request for reimbursement with its invoices.
type Claim struct {
	ID             string     `dynamodbav:"id" json:"id"`
	AccountID      string     `dynamodbav:"accountId" json:"-"`
	ContractNumber string     `dynamodbav:"contractNumber" json:"contractNumber"`
	TreatmentDate  string     `dynamodbav:"treatmentDate" json:"treatmentDate"`
	Description    string     `dynamodbav:"description,omitempty" json:"description,omitempty"`
	Amount         Money      `dynamodbav:"amount" json:"amount"`
	Reimbursed     *Money     `dynamodbav:"reimbursed,omitempty" json:"reimbursed,omitempty"`
	Status         string     `dynamodbav:"status" json:"status"`
	Invoices       []Invoice  `dynamodbav:"invoices" json:"invoices"`
	History        []Event    `dynamodbav:"history" json:"history"`
	CreatedAt      time.Time  `dynamodbav:"createdAt" json:"createdAt"`
	DecidedAt      *time.Time `dynamodbav:"decidedAt,omitempty" json:"decidedAt,omitempty"`
	DecidedBy      string     `dynamodbav:"decidedBy,omitempty" json:"decidedBy,omitempty"`
	Version        int        `dynamodbav:"version" json:"version"`
}

// invoiceTarget is where an invoice is uploaded (staging, the only key its upload
// URL reaches) and kept (the checked bytes), encrypted with a context naming owner
// and claim.
func invoiceTarget(cl Claim, invoiceID string) upload.Target {
	return upload.Target{
		Staging: stagingPrefix(cl.ID) + invoiceID,
		Stored:  "claims/" + cl.ID + "/" + invoiceID,
		Context: map[string]string{"kontor:owner": cl.AccountID, "kontor:claim": cl.ID},
	}
}

// stagingPrefix holds a claim's uploads until they are checked.
func stagingPrefix(claimID string) string { return StagingArea + claimID + "/" }

// StagingArea is the prefix of every invoice upload not yet checked; a bucket
// lifecycle rule expires it as a backstop.
const StagingArea = "claims/incoming/"

// Objects is the invoice bucket.
type Objects interface {
	upload.Store
	// DeleteUnder deletes the objects under a prefix modified before cutoff (all
	// when cutoff is zero).
	DeleteUnder(ctx context.Context, prefix string, cutoff time.Time) (int, error)
}

// Auditor records staff access to invoices (ids only).
type Auditor interface {
	Record(ctx context.Context, action, actor, subject, reason string) error
}

// ClaimStore keeps claims with their entries in the owner's list and in the
// review queue.
type ClaimStore interface {
	// LinkOf returns the customer an account is linked to.
	LinkOf(ctx context.Context, accountID string, now time.Time) (Link, bool, error)
	// Contract returns one contract record, or ErrNotFound.
	Contract(ctx context.Context, number string, now time.Time) (Contract, error)
	// Claim returns one claim, or ErrNotFound.
	Claim(ctx context.Context, id string, now time.Time) (Claim, error)
	// CreateClaim writes a new claim with its entries in the owner's list and the
	// review queue: all of them or none.
	CreateClaim(ctx context.Context, cl Claim) error
	// UpdateClaim writes cl if the stored claim still has version prev;
	// ErrConflict otherwise.
	UpdateClaim(ctx context.Context, cl Claim, prev int) error
	// ClaimPage calls fn with the ids of one page of an account's claims, newest
	// first, and returns the cursor of the next page ("" at the end); ErrBadCursor
	// for a cursor it did not hand out.
	ClaimPage(ctx context.Context, accountID string, pg Page, now time.Time, fn func(claimID string) error) (string, error)
	// ClaimsOf calls fn with the id of every claim of an account.
	ClaimsOf(ctx context.Context, accountID string, now time.Time, fn func(claimID string) error) error
	// DeleteClaim deletes a claim with its entries in the owner's list and the
	// review queue, together.
	DeleteClaim(ctx context.Context, cl Claim) error
}

// Claims carries out the customer's claim use cases.
type Claims struct {
	Store   ClaimStore
	Objects Objects
	Now     func() time.Time
	Log     *slog.Logger
}

// ReviewStore keeps the queue of claims awaiting a staff decision.
type ReviewStore interface {
	// ReviewPage calls fn with the ids of one page of the queue, oldest first, and
	// returns the cursor of the next page ("" at the end); ErrBadCursor for a
	// cursor it did not hand out.
	ReviewPage(ctx context.Context, pg Page, now time.Time, fn func(claimID string) error) (string, error)
	// Unqueue removes a claim from the queue.
	Unqueue(ctx context.Context, cl Claim) error
}

// Review carries out the staff's side of claims: the queue, decisions and audited
// invoice downloads.
type Review struct {
	Claims *Claims
	Store  ReviewStore
	Audit  Auditor
	// Restrictions tells whether the owner restricted processing (Art. 18): a
	// restricted claim is stored but not decided on.
	Restrictions Restrictions
}

// ClaimInput is what a customer submits.
type ClaimInput struct {
	ContractNumber, TreatmentDate, Description string
	AmountCents                                int64
}

// Create opens a claim on one of the customer's own contracts.
func (c *Claims) Create(ctx context.Context, p access.Principal, in ClaimInput) (Claim, error) {
	now := c.Now()
	var fe []problem.FieldError
	bad := func(f string, code problem.Code) { fe = append(fe, problem.FieldError{Field: f, Code: code}) }
	if in.TreatmentDate == "" {
		bad("treatmentDate", problem.FieldRequired)
	} else if !validDate(in.TreatmentDate, now, true) {
		bad("treatmentDate", problem.FieldInvalidValue)
	}
	if in.AmountCents <= 0 || in.AmountCents > 100_000_000 {
		bad("amountCents", problem.FieldInvalidValue)
	}
	switch {
	case !utf8.ValidString(in.Description):
		bad("description", problem.FieldInvalidValue)
	case utf8.RuneCountInString(in.Description) > MaxDescription:
		bad("description", problem.FieldTooLong)
	}
	if in.ContractNumber == "" {
		bad("contractNumber", problem.FieldRequired)
	}
	if len(fe) > 0 {
		return Claim{}, problem.Invalid(fe...)
	}
	if _, err := c.ownContract(ctx, p.AccountID, in.ContractNumber, now); err != nil {
		return Claim{}, err
	}
	cl := Claim{
		ID: ids.NewV7(now), AccountID: p.AccountID, ContractNumber: strings.ToUpper(in.ContractNumber), TreatmentDate: in.TreatmentDate,
		Description: strings.TrimSpace(in.Description), Amount: Money{Cents: in.AmountCents, Currency: "EUR"}, Status: StatusSubmitted,
		Invoices: []Invoice{}, History: []Event{{Status: StatusSubmitted, At: now, By: "customer"}}, CreatedAt: now, Version: 1,
	}
	// The claim and its entries in the owner's list and the review queue are
	// written together: a write cut off half way leaves none of them.
	if err := c.Store.CreateClaim(ctx, cl); err != nil {
		return Claim{}, err
	}
	c.Log.InfoContext(ctx, "claim submitted", slog.String("claimId", cl.ID), slog.String("accountId", p.AccountID))
	return cl, nil
}

// ownContract returns the contract if it belongs to the customer linked to the
// account; anything else is not found.
func (c *Claims) ownContract(ctx context.Context, accountID, number string, now time.Time) (Contract, error) {
	nf := problem.New(http.StatusNotFound, problem.CodeNotFound)
	link, ok, err := c.Store.LinkOf(ctx, accountID, now)
	if err != nil {
		return Contract{}, err
	}
	if !ok {
		return Contract{}, nf
	}
	con, err := c.Store.Contract(ctx, number, now)
	if errors.Is(err, ErrNotFound) || (err == nil && con.Holder.CustomerNumber != link.CustomerNumber) {
		return Contract{}, nf
	}
	return con, err
}

// claim loads a claim; for a customer only their own (anything else is not found).
func (c *Claims) claim(ctx context.Context, id, owner string) (Claim, error) {
	nf := problem.New(http.StatusNotFound, problem.CodeNotFound)
	if !ids.ValidV7(id) {
		return Claim{}, nf
	}
	cl, err := c.Store.Claim(ctx, id, c.Now())
	if errors.Is(err, ErrNotFound) || (err == nil && owner != "" && cl.AccountID != owner) {
		return Claim{}, nf
	}
	if cl.Invoices == nil {
		cl.Invoices = []Invoice{}
	}
	return cl, err
}

// Own returns one of the customer's claims.
func (c *Claims) Own(ctx context.Context, p access.Principal, id string) (Claim, error) {
	return c.claim(ctx, id, p.AccountID)
}

// Mine lists one page of the customer's claims, newest first.
func (c *Claims) Mine(ctx context.Context, accountID string, pg Page) ([]Claim, string, error) {
	out := []Claim{}
	next, err := c.Store.ClaimPage(ctx, accountID, pg, c.Now(), func(id string) error {
		return c.collect(ctx, id, accountID, &out)
	})
	return out, next, pageProblem(err)
}

// collect loads the claim an index entry points to, skipping one gone meanwhile.
func (c *Claims) collect(ctx context.Context, id, owner string, out *[]Claim) error {
	cl, err := c.claim(ctx, id, owner)
	if p, ok := problem.As(err); ok && p.Status == http.StatusNotFound {
		return nil
	}
	if err != nil {
		return err
	}
	*out = append(*out, cl)
	return nil
}

// All returns every claim of an account (privacy operations).
func (c *Claims) All(ctx context.Context, accountID string) ([]Claim, error) {
	out := []Claim{}
	err := c.Store.ClaimsOf(ctx, accountID, c.Now(), func(id string) error {
		return c.collect(ctx, id, accountID, &out)
	})
	return out, err
}

// save writes a changed claim if nobody changed it meanwhile.
func (c *Claims) save(ctx context.Context, cl Claim) (Claim, error) {
	prev := cl.Version
	cl.Version++
	err := c.Store.UpdateClaim(ctx, cl, prev)
	if errors.Is(err, ErrConflict) {
		return Claim{}, problem.New(http.StatusConflict, problem.CodeConflict)
	}
	return cl, err
}

// AddInvoice registers an invoice of the declared type and size on a submitted
// claim and returns the upload: the file goes straight to the encrypted bucket's
// staging area and is checked by Complete. A type other than PDF, JPEG or PNG is
// 415, a size over 10 MB is 413; neither leaves anything behind.
func (c *Claims) AddInvoice(ctx context.Context, p access.Principal, claimID, contentType string, size int64) (Invoice, upload.URL, error) {
	if err := InvoicePolicy.Declare(contentType, size); err != nil {
		return Invoice{}, upload.URL{}, invoiceProblem(err)
	}
	cl, err := c.Own(ctx, p, claimID)
	if err != nil {
		return Invoice{}, upload.URL{}, err
	}
	if cl.Status != StatusSubmitted {
		return Invoice{}, upload.URL{}, problem.New(http.StatusConflict, CodeClaimClosed)
	}
	if len(cl.Invoices) >= MaxInvoices {
		return Invoice{}, upload.URL{}, problem.New(http.StatusConflict, CodeTooManyInvoices)
	}
	now := c.Now()
	inv := Invoice{ID: ids.NewV7(now), ContentType: contentType, Size: size, Status: InvoicePending, CreatedAt: now}
	up, err := upload.Start(ctx, c.Objects, InvoicePolicy, invoiceTarget(cl, inv.ID), contentType, size)
	if err != nil {
		return Invoice{}, upload.URL{}, invoiceProblem(err)
	}
	cl.Invoices = append(cl.Invoices, inv)
	if _, err := c.save(ctx, cl); err != nil {
		return Invoice{}, upload.URL{}, err
	}
	return inv, up, nil
}

// invoiceProblem turns an upload's rejection into the invoice's problem.
func invoiceProblem(err error) error {
	r, ok := upload.AsRejected(err)
	if !ok {
		return err
	}
	switch r {
	case upload.TooLarge:
		return problem.New(http.StatusRequestEntityTooLarge, CodeInvoiceTooLarge)
	case upload.NotEncrypted:
		return problem.New(http.StatusBadRequest, CodeInvoiceNotEncrypted)
	case upload.Missing:
		return problem.New(http.StatusConflict, CodeInvoiceNotUploaded)
	case upload.TypeNotAllowed:
		return problem.New(http.StatusUnsupportedMediaType, CodeInvoiceType)
	case upload.SizeMismatch:
		return problem.New(http.StatusBadRequest, CodeInvoiceSizeMismatch)
	}
	// upload.BadSize: a declared size no file has.
	return problem.Invalid(problem.FieldError{Field: "size", Code: problem.FieldInvalidValue})
}

// Complete checks an uploaded invoice by its content and keeps exactly the checked
// bytes (upload.Complete): at most 10 MB, of the declared size, encrypted with the
// module's key, a complete PDF or a decodable JPEG or PNG (re-encoded without
// metadata). A file that fails is deleted and its entry removed (415, 413 or 400),
// so nothing is left behind; one not uploaded yet waits (409). Only a claim still
// submitted takes invoices: once staff have moved it on, whatever was sent to an
// upload URL issued before is deleted and refused (409 claim_closed), so no
// invoice appears on a claim after the decision that could not have rested on it.
func (c *Claims) Complete(ctx context.Context, p access.Principal, claimID, invoiceID string) (Invoice, error) {
	cl, err := c.Own(ctx, p, claimID)
	if err != nil {
		return Invoice{}, err
	}
	i := invoiceIndex(cl, invoiceID)
	if i >= 0 && cl.Invoices[i].Status == InvoiceStored {
		return cl.Invoices[i], nil
	}
	if cl.Status != StatusSubmitted {
		return Invoice{}, c.refuseClosed(ctx, cl, invoiceID)
	}
	if i < 0 {
		return Invoice{}, problem.New(http.StatusNotFound, problem.CodeNotFound)
	}
	inv := cl.Invoices[i]
	st, err := upload.Complete(ctx, c.Objects, InvoicePolicy, invoiceTarget(cl, inv.ID), inv.Size)
	if r, ok := upload.AsRejected(err); ok && r != upload.Missing {
		cl.Invoices = append(cl.Invoices[:i], cl.Invoices[i+1:]...)
		if _, err := c.save(ctx, cl); err != nil {
			return Invoice{}, err
		}
		c.Log.InfoContext(ctx, "invoice rejected", slog.String("claimId", cl.ID), slog.String("invoiceId", inv.ID), slog.String("reason", string(r)))
		return Invoice{}, invoiceProblem(err)
	}
	if err != nil {
		return Invoice{}, invoiceProblem(err)
	}
	now := c.Now()
	inv.ContentType, inv.Size, inv.Status, inv.StoredAt = st.ContentType, st.Size, InvoiceStored, &now
	cl.Invoices[i] = inv
	if _, err := c.save(ctx, cl); err != nil {
		return Invoice{}, c.afterLostRace(ctx, cl, inv.ID, err)
	}
	c.Log.InfoContext(ctx, "invoice stored", slog.String("claimId", cl.ID), slog.String("invoiceId", inv.ID))
	return inv, nil
}

// refuseClosed deletes what was sent for an invoice of a claim no longer open for
// invoices, removes its entry if still there, and answers 409 claim_closed.
func (c *Claims) refuseClosed(ctx context.Context, cl Claim, invoiceID string) error {
	if !ids.ValidV7(invoiceID) {
		return problem.New(http.StatusConflict, CodeClaimClosed)
	}
	if err := upload.Remove(ctx, c.Objects, invoiceTarget(cl, invoiceID)); err != nil {
		return err
	}
	if i := invoiceIndex(cl, invoiceID); i >= 0 {
		cl.Invoices = append(cl.Invoices[:i], cl.Invoices[i+1:]...)
		if _, err := c.save(ctx, cl); err != nil {
			return err
		}
	}
	c.Log.InfoContext(ctx, "invoice refused on a closed claim", slog.String("claimId", cl.ID), slog.String("invoiceId", invoiceID))
	return problem.New(http.StatusConflict, CodeClaimClosed)
}

// afterLostRace handles a checked invoice whose claim changed meanwhile: if staff
// moved the claim on, the stored copy goes and the answer is claim_closed; else the
// conflict stands and a repeat completes (the staging object is still there).
func (c *Claims) afterLostRace(ctx context.Context, cl Claim, invoiceID string, err error) error {
	if p, ok := problem.As(err); !ok || p.Code != problem.CodeConflict {
		return err
	}
	cur, lerr := c.Store.Claim(ctx, cl.ID, c.Now())
	if lerr != nil || cur.Status == StatusSubmitted {
		return err
	}
	return c.refuseClosed(ctx, cur, invoiceID)
}

func invoiceIndex(cl Claim, id string) int {
	for i, inv := range cl.Invoices {
		if inv.ID == id {
			return i
		}
	}
	return -1
}

// Download is a short-lived link to one invoice.
type Download struct {
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expiresAt"`
}

func (c *Claims) download(ctx context.Context, cl Claim, invoiceID string) (Download, error) {
	i := invoiceIndex(cl, invoiceID)
	if i < 0 || cl.Invoices[i].Status != InvoiceStored {
		return Download{}, problem.New(http.StatusNotFound, problem.CodeNotFound)
	}
	inv := cl.Invoices[i]
	url, err := c.InvoiceLink(ctx, cl, inv, DownloadURLTTL)
	if err != nil {
		return Download{}, err
	}
	return Download{URL: url, ExpiresAt: c.Now().Add(DownloadURLTTL)}, nil
}

// InvoiceLink returns a download link to one stored invoice, valid for ttl: the
// checked object, served with the type detected at upload.
func (c *Claims) InvoiceLink(ctx context.Context, cl Claim, inv Invoice, ttl time.Duration) (string, error) {
	return c.Objects.PresignGet(ctx, invoiceTarget(cl, inv.ID).Stored, "invoice-"+inv.ID+upload.Extension(inv.ContentType), inv.ContentType, ttl)
}

// OwnDownload is the owner's link to an invoice of their claim.
func (c *Claims) OwnDownload(ctx context.Context, p access.Principal, claimID, invoiceID string) (Download, error) {
	cl, err := c.Own(ctx, p, claimID)
	if err != nil {
		return Download{}, err
	}
	return c.download(ctx, cl, invoiceID)
}

// StaffDownload is a staff member's link to an invoice; every one is audited.
func (r *Review) StaffDownload(ctx context.Context, staff access.Principal, claimID, invoiceID string) (Download, error) {
	cl, err := r.Claims.claim(ctx, claimID, "")
	if err != nil {
		return Download{}, err
	}
	d, err := r.Claims.download(ctx, cl, invoiceID)
	if err != nil {
		return Download{}, err
	}
	if err := r.Audit.Record(ctx, "insurance.invoice.download", staff.AccountID, cl.AccountID, "claim "+cl.ID+" invoice "+invoiceID); err != nil {
		return Download{}, err
	}
	return d, nil
}

// ForStaff returns any claim.
func (r *Review) ForStaff(ctx context.Context, id string) (Claim, error) {
	return r.Claims.claim(ctx, id, "")
}

// Queue lists one page of the claims awaiting a decision (submitted or in
// review), oldest first.
func (r *Review) Queue(ctx context.Context, pg Page) ([]Claim, string, error) {
	out := []Claim{}
	next, err := r.Store.ReviewPage(ctx, pg, r.Claims.Now(), func(id string) error {
		return r.Claims.collect(ctx, id, "", &out)
	})
	return out, next, pageProblem(err)
}

// DecisionInput is a staff member's decision on a claim.
type DecisionInput struct {
	Status          string
	ReimbursedCents int64
	Note            string
	Version         int
}

// Decide moves a claim on: submitted → in review → reimbursed or rejected (a
// submitted claim may also be rejected at once). Only a person with the staff role
// decides, and the decision names them (H4U-10): there is no other path that
// changes a claim's status.
func (r *Review) Decide(ctx context.Context, staff access.Principal, claimID string, in DecisionInput) (Claim, error) {
	if !staff.HasRole(access.RoleStaff) || staff.AccountID == "" {
		return Claim{}, problem.New(http.StatusForbidden, problem.CodeForbidden)
	}
	var fe []problem.FieldError
	if !oneOf(in.Status, []string{StatusInReview, StatusReimbursed, StatusRejected}) {
		fe = append(fe, problem.FieldError{Field: "status", Code: problem.FieldInvalidValue})
	}
	if utf8.RuneCountInString(in.Note) > MaxNote || !utf8.ValidString(in.Note) {
		fe = append(fe, problem.FieldError{Field: "note", Code: problem.FieldTooLong})
	}
	if in.Status == StatusRejected && strings.TrimSpace(in.Note) == "" {
		fe = append(fe, problem.FieldError{Field: "note", Code: problem.FieldRequired})
	}
	if in.Version <= 0 {
		fe = append(fe, problem.FieldError{Field: "version", Code: problem.FieldRequired})
	}
	if len(fe) > 0 {
		return Claim{}, problem.Invalid(fe...)
	}
	c := r.Claims
	cl, err := c.claim(ctx, claimID, "")
	if err != nil {
		return Claim{}, err
	}
	if cl.AccountID == staff.AccountID {
		// Nobody decides on their own claim (H4U-10): a staff member who is also a
		// customer leaves it to a colleague.
		return Claim{}, problem.New(http.StatusForbidden, CodeOwnClaimDecision)
	}
	if cl.Version != in.Version {
		return Claim{}, problem.New(http.StatusConflict, problem.CodeConflict)
	}
	if restricted, err := r.Restrictions.IsRestricted(ctx, cl.AccountID); err != nil || restricted {
		if err != nil {
			return Claim{}, err
		}
		return Claim{}, problem.New(http.StatusConflict, problem.CodeProcessingRestricted)
	}
	allowed := map[string][]string{StatusSubmitted: {StatusInReview, StatusRejected}, StatusInReview: {StatusReimbursed, StatusRejected}}
	if !oneOf(in.Status, allowed[cl.Status]) {
		return Claim{}, problem.New(http.StatusConflict, CodeInvalidTransition)
	}
	if in.Status == StatusReimbursed {
		if in.ReimbursedCents <= 0 || in.ReimbursedCents > cl.Amount.Cents {
			return Claim{}, problem.Invalid(problem.FieldError{Field: "reimbursedCents", Code: problem.FieldInvalidValue})
		}
		if stored(cl) == 0 {
			return Claim{}, problem.New(http.StatusConflict, CodeInvoiceNotUploaded)
		}
		cl.Reimbursed = &Money{Cents: in.ReimbursedCents, Currency: cl.Amount.Currency}
	}
	now := c.Now()
	pending := dropPending(&cl)
	cl.Status = in.Status
	cl.History = append(cl.History, Event{Status: in.Status, At: now, By: staff.AccountID, Note: strings.TrimSpace(in.Note)})
	if in.Status != StatusInReview {
		cl.DecidedAt, cl.DecidedBy = &now, staff.AccountID
	}
	cl, err = c.save(ctx, cl)
	if err != nil {
		return Claim{}, err
	}
	// What was sent for a dropped invoice goes too; bytes sent to its URL later are
	// refused and deleted by Complete, or swept.
	for _, inv := range pending {
		if err := upload.Remove(ctx, c.Objects, invoiceTarget(cl, inv.ID)); err != nil {
			return Claim{}, err
		}
	}
	if cl.DecidedAt != nil {
		if err := r.Store.Unqueue(ctx, cl); err != nil {
			return Claim{}, err
		}
	}
	c.Log.InfoContext(ctx, "claim decided", slog.String("claimId", cl.ID), slog.String("status", cl.Status), slog.String("staffId", staff.AccountID))
	return cl, nil
}

// dropPending removes the invoices not yet checked from a claim that staff move on
// and returns them: the claim then takes no more invoices, and what staff decide on
// is exactly the stored ones.
func dropPending(cl *Claim) []Invoice {
	var kept, pending []Invoice
	for _, inv := range cl.Invoices {
		if inv.Status == InvoicePending {
			pending = append(pending, inv)
			continue
		}
		kept = append(kept, inv)
	}
	if kept == nil {
		kept = []Invoice{}
	}
	cl.Invoices = kept
	return pending
}

func stored(cl Claim) int {
	n := 0
	for _, inv := range cl.Invoices {
		if inv.Status == InvoiceStored {
			n++
		}
	}
	return n
}

// Remove deletes a claim's objects (stored ones, and whatever is in its staging
// area, even bytes sent to an upload URL after its invoice was refused), then the
// claim. Repeating it is harmless.
func (c *Claims) Remove(ctx context.Context, cl Claim) error {
	for _, inv := range cl.Invoices {
		if err := upload.Remove(ctx, c.Objects, invoiceTarget(cl, inv.ID)); err != nil {
			return err
		}
	}
	if _, err := c.Objects.DeleteUnder(ctx, stagingPrefix(cl.ID), time.Time{}); err != nil {
		return err
	}
	// The claim goes with its index entries at once: a removal cut off half way
	// leaves the claim reachable from the owner's list, so a repeat finds it.
	return c.Store.DeleteClaim(ctx, cl)
}

// DropStaleUploads removes the invoices of a claim whose upload was not completed
// within PendingUploadTTL, with whatever was sent for them, and says how many.
func (c *Claims) DropStaleUploads(ctx context.Context, cl Claim, now time.Time) (int, error) {
	kept := cl.Invoices[:0]
	dropped := 0
	for _, inv := range cl.Invoices {
		if inv.Status == InvoicePending && now.Sub(inv.CreatedAt) > PendingUploadTTL {
			if err := upload.Remove(ctx, c.Objects, invoiceTarget(cl, inv.ID)); err != nil {
				return 0, err
			}
			dropped++
			continue
		}
		kept = append(kept, inv)
	}
	if dropped == 0 {
		return 0, nil
	}
	cl.Invoices = kept
	_, err := c.save(ctx, cl)
	return dropped, err
}

// SweepStaging deletes whatever stays in the staging area past the longest an
// upload may wait for its check: sent to a URL after its invoice was refused, or
// never completed. It says how many objects went.
func (c *Claims) SweepStaging(ctx context.Context, now time.Time) (int, error) {
	return c.Objects.DeleteUnder(ctx, StagingArea, now.Add(-PendingUploadTTL))
}
