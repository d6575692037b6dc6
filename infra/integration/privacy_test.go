package integration

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/access"
	"kontor/shared/httpapi"
	"kontor/shared/identity"
	"kontor/shared/lambdainvoke"
	"kontor/shared/modules"
	"kontor/shared/privacy"
	"kontor/shared/privacy/privacydb"
	"kontor/shared/privacy/privacywire"
	"kontor/shared/privacy/registry"
	"kontor/shared/privacy/rights"
)

type exportDoc struct {
	Processed  bool                     `json:"processed"`
	Restricted bool                     `json:"restricted"`
	Objections []string                 `json:"objections"`
	LegalHold  *struct{ Reason string } `json:"legalHold"`
	Categories []struct {
		privacy.Kind
		Data any `json:"data"`
	} `json:"categories"`
	Rectification []rights.Route `json:"rectification"`
}

func export(t *testing.T, c *client) exportDoc {
	t.Helper()
	r := c.do(http.MethodGet, "/v1/me/export", nil)
	want(t, r, http.StatusOK)
	var d exportDoc
	r.json(t, &d)
	return d
}

func privacyStore() *privacydb.Store {
	return &privacydb.Store{DB: db(), Table: stack.Name("PrivacyTable")}
}

// itemsOf counts the items in a table whose key or accountId mentions an account.
func itemsOf(t *testing.T, logicalID, accountID string) int {
	t.Helper()
	out, err := db().Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(stack.Name(logicalID)), ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, it := range out.Items {
		// The search index's record of a profile comes and goes with the indexer
		// (search_test.go holds that it is gone after an erasure).
		if v, ok := it["pk"].(*types.AttributeValueMemberS); ok && strings.HasPrefix(v.Value, "SEARCHDOC#") {
			continue
		}
		for _, k := range []string{"pk", "accountId"} {
			if v, ok := it[k].(*types.AttributeValueMemberS); ok && strings.Contains(v.Value, accountID) {
				n++
				break
			}
		}
	}
	return n
}

// Promise: CP-5 — access with purposes, categories, recipients, storage period, origin and automated decisions; portability.
// Promise: H4U-11 — confirmation whether data is processed, and a copy in a common electronic format.
// Promise: AHK-8 — access and portability.
// Export completeness is enforced over the registry: every declared kind appears.
func TestExportIsCompleteAndCarriesTheRegistry(t *testing.T) {
	c, email := signUp(t, "export")
	want(t, c.do(http.MethodPatch, "/v1/me", map[string]any{"firstName": "Ella", "lastName": "Export"}), http.StatusOK)
	want(t, c.do(http.MethodPut, "/v1/me/consents/portal-processing", map[string]any{"textVersion": "2026-01"}), http.StatusOK)
	d := export(t, c)
	if !d.Processed || d.Restricted || len(d.Rectification) == 0 {
		t.Fatalf("export header %+v", d)
	}
	got := map[string]any{}
	for _, cat := range d.Categories {
		if cat.Purpose.DE == "" || cat.Purpose.EN == "" || cat.LegalBasis == "" || cat.Retention.Rule.EN == "" || cat.Recipients.EN == "" || cat.Source.EN == "" {
			t.Errorf("category %s lacks its metadata", cat.ID)
		}
		got[cat.ID] = cat.Data
	}
	for _, k := range registry.All().Kinds {
		if _, ok := got[k.ID]; !ok {
			t.Errorf("export lacks kind %s", k.ID)
		}
	}
	acc, _ := got["identity.account"].(map[string]any)
	if acc["email"] != email || acc["firstName"] != "Ella" {
		t.Fatalf("account data %v", acc)
	}
	if !strings.Contains(toJSON(t, got["privacy.consents"]), "portal-processing") {
		t.Fatalf("consents missing: %v", got["privacy.consents"])
	}
	if strings.Contains(toJSON(t, got), "argon2id$") {
		t.Fatal("export leaks the password hash")
	}
}

// Promise: HKC-16 — consent for voluntary data can be withdrawn at any time, for the future.
func TestConsentCanBeGrantedListedAndWithdrawn(t *testing.T) {
	c, _ := signUp(t, "consent")
	want(t, c.do(http.MethodPut, "/v1/me/consents/health-data", map[string]any{"textVersion": "2019-01"}), http.StatusBadRequest, "validation_failed")
	want(t, c.do(http.MethodPut, "/v1/me/consents/astrology", map[string]any{"textVersion": "2026-01"}), http.StatusNotFound, rights.CodeUnknownPurpose.ID)
	want(t, c.do(http.MethodDelete, "/v1/me/consents/health-data", nil), http.StatusConflict, rights.CodeConsentNotGranted.ID)
	want(t, c.do(http.MethodPut, "/v1/me/consents/health-data", map[string]any{"textVersion": "2026-01"}), http.StatusOK)
	r := c.do(http.MethodDelete, "/v1/me/consents/health-data", nil)
	want(t, r, http.StatusOK)
	var list struct {
		Current []privacy.ConsentState `json:"current"`
		History []privacy.ConsentEvent `json:"history"`
	}
	r = c.do(http.MethodGet, "/v1/me/consents", nil)
	want(t, r, http.StatusOK)
	r.json(t, &list)
	// Promise: HKC-1 — the accepted terms and privacy-notice versions lead the ledger.
	if len(list.Current) != 3 || list.Current[0].Purpose != "terms-of-use" || list.Current[1].Purpose != "privacy-notice" || list.Current[1].TextVersion != privacyVersion {
		t.Fatalf("ledger %+v", list.Current)
	}
	health := list.Current[2]
	if health.Granted || health.WithdrawnAt == nil || len(list.History) != 2 || list.History[1].Action != "withdrawn" {
		t.Fatalf("ledger %+v", list)
	}
}

// Promise: CP-5 — objection to direct marketing needs no reason.
func TestObjectionToMarketingWithdrawsTheMarketingConsent(t *testing.T) {
	c, _ := signUp(t, "nomarketing")
	want(t, c.do(http.MethodPut, "/v1/me/consents/marketing-alerts", map[string]any{"textVersion": "2026-01"}), http.StatusOK)
	want(t, c.do(http.MethodPut, "/v1/me/objection", map[string]any{"scope": "marketing"}), http.StatusOK)
	d := export(t, c)
	if len(d.Objections) != 1 || d.Objections[0] != "marketing" {
		t.Fatalf("objections %v", d.Objections)
	}
	p := profile(t, c)
	st := privacyStore()
	svc := &rights.Service{Ledger: st, Flags: st}
	if ok, err := svc.MarketingAllowed(context.Background(), p.ID); err != nil || ok {
		t.Fatalf("marketing still allowed: %v %v", ok, err)
	}
	want(t, c.do(http.MethodPut, "/v1/me/objection", map[string]any{"scope": "everything"}), http.StatusBadRequest, "validation_failed")
}

// Promise: H4U-11 — after a general objection the service can no longer be used.
func TestGeneralObjectionClosesTheAccount(t *testing.T) {
	c, email := signUp(t, "objector")
	want(t, c.do(http.MethodPut, "/v1/me/objection", map[string]any{"scope": "all"}), http.StatusOK)
	want(t, c.do(http.MethodGet, "/v1/me", nil), http.StatusUnauthorized, "unauthenticated")
	x := newClient(t)
	x.csrf()
	want(t, x.do(http.MethodPost, "/v1/sessions", map[string]any{"email": email, "password": goodPassword}), http.StatusUnauthorized, "invalid_credentials")
}

// Promise: HKC-14 — on deactivation the person's data is irrevocably deleted.
// Promise: HGK-16 — deletion on request; an account can be terminated at any time.
// Promise: AHK-8 — erasure.
func TestErasureDeletesEverythingAndFreesTheAddress(t *testing.T) {
	c, email := signUp(t, "erase")
	p := profile(t, c)
	want(t, c.do(http.MethodPut, "/v1/me/consents/portal-processing", map[string]any{"textVersion": "2026-01"}), http.StatusOK)
	want(t, c.do(http.MethodPut, "/v1/me/restriction", nil), http.StatusOK)
	want(t, c.do(http.MethodDelete, "/v1/me/restriction", nil), http.StatusOK)
	other := newClient(t)
	login(t, other, email, goodPassword)
	r := c.do(http.MethodDelete, "/v1/me", nil)
	want(t, r, http.StatusOK)
	if _, ok := c.cookies[httpapi.SessionCookie]; ok {
		t.Fatal("session cookie kept after erasure")
	}
	want(t, other.do(http.MethodGet, "/v1/me", nil), http.StatusUnauthorized, "unauthenticated")
	for _, table := range []string{"IdentityTable", "SessionTable"} {
		if n := itemsOf(t, table, p.ID); n != 0 {
			t.Errorf("%s still holds %d items of the erased account", table, n)
		}
	}
	if _, err := identityStore().AccountIDByEmail(context.Background(), email, time.Now()); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("email claim survives: %v", err)
	}
	if cs, _ := privacyStore().Consents(context.Background(), p.ID); len(cs) != 0 {
		t.Fatalf("consents survive: %v", cs)
	}
	j, err := privacyStore().Job(context.Background(), p.ID)
	if err != nil || j.Status != rights.JobDone || j.Email != "" {
		t.Fatalf("job %+v %v", j, err)
	}
	// Every module, asked for everything it stores about the person, finds nothing
	// but the erasure record itself.
	for _, m := range sweepService(t, time.Now().UTC()).Modules {
		data, err := m.Export(context.Background(), privacy.Subject{AccountID: p.ID, Email: email})
		if err != nil {
			t.Fatal(err)
		}
		for kind, v := range data {
			if kind == "privacy.erasure" {
				continue
			}
			if s := toJSON(t, v); s != "null" && s != "[]" && s != "{}" && s != `{"current":[],"history":[]}` {
				t.Errorf("after erasure %s still exports %s", kind, s)
			}
		}
	}
	// Repeating the erasure is harmless.
	svc := sweepService(t, time.Now().UTC())
	if _, err := svc.ResumeJobs(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The address can register again.
	register(t, newClient(t), email)
}

// sweepService is the rights service in-process, on the stack's real table and
// module privacy functions.
func sweepService(t *testing.T, now time.Time) *rights.Service {
	t.Helper()
	st := privacyStore()
	svc := &rights.Service{Ledger: st, Flags: st, LegalHolds: st, Jobs: st, AuditLog: st, Receipts: st, Purposes: modules.Purposes(),
		Now: func() time.Time { return now }, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	privacywire.EveryModule(svc, st, lambdainvoke.Client{Config: awsCfg, Endpoint: stack.APIURL},
		func(m modules.Module) string { return stack.Name(m.Function) })
	return svc
}

// failingModule stands in for a module whose erasure is cut off half way.
type failingModule struct{ privacy.Module }

func (failingModule) Erase(context.Context, privacy.Subject) error { return errors.New("killed") }

// An erasure killed half way is resumed by the scheduled sweep and finishes.
func TestInterruptedErasureResumesToCompletion(t *testing.T) {
	c, email := signUp(t, "interrupted")
	p := profile(t, c)
	want(t, c.do(http.MethodPut, "/v1/me/consents/portal-processing", map[string]any{"textVersion": "2026-01"}), http.StatusOK)
	svc := sweepService(t, time.Now().UTC().Add(-10*time.Minute))
	svc.Modules = append([]privacy.Module{svc.Modules[0], failingModule{svc.Modules[1]}}, svc.Modules[2:]...)
	if _, err := svc.Erase(context.Background(), access.Principal{AccountID: p.ID}, "deactivation"); err == nil {
		t.Fatal("the cut-off erasure reported success")
	}
	j, _ := privacyStore().Job(context.Background(), p.ID)
	if j.Status != rights.JobRunning || len(j.Done) != 2 {
		t.Fatalf("job after the cut %+v", j)
	}
	want(t, c.do(http.MethodGet, "/v1/me", nil), http.StatusUnauthorized, "unauthenticated")
	if err := stack.TriggerSchedule(context.Background(), "RetentionSweepFunction"); err != nil {
		t.Fatal(err)
	}
	j, _ = privacyStore().Job(context.Background(), p.ID)
	if j.Status != rights.JobDone {
		t.Fatalf("job not finished by the sweep: %+v", j)
	}
	if cs, _ := privacyStore().Consents(context.Background(), p.ID); len(cs) != 0 {
		t.Fatal("privacy data survives the resumed erasure")
	}
	register(t, newClient(t), email)
}

// Promise: HKC-15 — data may be kept past deactivation under a legal hold; the person is informed.
// Promise: AHK-5 — kept longer only on an authority's instruction or a legal rule (legal hold).
func TestLegalHoldKeepsDataUntilLifted(t *testing.T) {
	admin := adminClient(t)
	c, email := signUp(t, "held")
	p := profile(t, c)
	want(t, c.do(http.MethodPost, "/v1/admin/holds", map[string]any{"accountId": p.ID, "reason": "x"}), http.StatusForbidden, "forbidden")
	want(t, admin.do(http.MethodPost, "/v1/admin/holds", map[string]any{"accountId": p.ID, "reason": ""}), http.StatusBadRequest, "validation_failed")
	want(t, admin.do(http.MethodPost, "/v1/admin/holds", map[string]any{"accountId": "01a00000-0000-7000-8000-000000000000", "reason": "court order 4 O 12/26"}), http.StatusNotFound, "not_found")
	want(t, admin.do(http.MethodPost, "/v1/admin/holds", map[string]any{"accountId": p.ID, "reason": "court order 4 O 12/26"}), http.StatusCreated)
	want(t, admin.do(http.MethodPost, "/v1/admin/holds", map[string]any{"accountId": p.ID, "reason": "again"}), http.StatusConflict, rights.CodeHoldExists.ID)
	if m := mailTo(t, email, "data is being kept"); !strings.Contains(m.Text, "court order 4 O 12/26") {
		t.Fatalf("hold mail %q", m.Text)
	}
	if d := export(t, c); d.LegalHold == nil || d.LegalHold.Reason != "court order 4 O 12/26" {
		t.Fatalf("hold not in export: %+v", d.LegalHold)
	}
	r := c.do(http.MethodDelete, "/v1/me", nil)
	want(t, r, http.StatusAccepted)
	x := newClient(t)
	x.csrf()
	want(t, x.do(http.MethodPost, "/v1/sessions", map[string]any{"email": email, "password": goodPassword}), http.StatusUnauthorized, "invalid_credentials")
	if err := stack.TriggerSchedule(context.Background(), "RetentionSweepFunction"); err != nil {
		t.Fatal(err)
	}
	if acc, err := identityStore().Account(context.Background(), p.ID, time.Now()); err != nil || acc.Status != identity.StatusDeactivated {
		t.Fatalf("held account not kept deactivated: %+v %v", acc, err)
	}
	var list struct{ Holds []privacy.Hold }
	r = admin.do(http.MethodGet, "/v1/admin/holds", nil)
	want(t, r, http.StatusOK)
	r.json(t, &list)
	if !strings.Contains(toJSON(t, list), p.ID) {
		t.Fatal("hold not listed")
	}
	want(t, admin.raw(http.MethodDelete, "/v1/admin/holds/"+p.ID, "application/json", []byte(`{"reason":"proceedings closed"}`), nil), http.StatusNoContent)
	if err := stack.TriggerSchedule(context.Background(), "RetentionSweepFunction"); err != nil {
		t.Fatal(err)
	}
	if _, err := identityStore().Account(context.Background(), p.ID, time.Now()); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("data kept after the hold was lifted: %v", err)
	}
	entries, err := privacyStore().AuditFor(context.Background(), p.ID, time.Now())
	if err != nil || len(entries) != 2 || entries[0].Action == entries[1].Action {
		t.Fatalf("audit %+v %v", entries, err)
	}
	if strings.Contains(toJSON(t, entries), email) {
		t.Fatal("audit log holds the email address")
	}
}

// A hold placed again with the same reason by the same administrator (its answer
// was lost, and the client repeats without an Idempotency-Key) is answered as the
// first time, with the hold in force: one hold, one audit entry, one notice. Another
// reason is still hold_exists. (Before, the repeat answered 409 hold_exists.)
func TestLegalHoldPlacedAgainIsAnsweredAsTheFirstTime(t *testing.T) {
	admin := adminClient(t)
	c, email := signUp(t, "held-again")
	p := profile(t, c)
	body := map[string]any{"accountId": p.ID, "reason": "court order 9 O 1/26"}
	first := admin.do(http.MethodPost, "/v1/admin/holds", body)
	want(t, first, http.StatusCreated)
	again := admin.do(http.MethodPost, "/v1/admin/holds", body)
	want(t, again, http.StatusCreated)
	if string(again.Body) != string(first.Body) {
		t.Fatalf("repeat answered %s, first %s", again.Body, first.Body)
	}
	want(t, admin.do(http.MethodPost, "/v1/admin/holds", map[string]any{"accountId": p.ID, "reason": "another order"}), http.StatusConflict, rights.CodeHoldExists.ID)
	mailTo(t, email, "data is being kept")
	time.Sleep(time.Second)
	if n := mailsWith(t, email, "data is being kept"); n != 1 {
		t.Fatalf("%d notices of the hold", n)
	}
	entries, err := privacyStore().AuditFor(context.Background(), p.ID, time.Now())
	if err != nil || len(entries) != 1 || entries[0].Action != "hold.placed" {
		t.Fatalf("audit %+v %v", entries, err)
	}
	want(t, admin.raw(http.MethodDelete, "/v1/admin/holds/"+p.ID, "application/json", []byte(`{"reason":"done"}`), nil), http.StatusNoContent)
}

// mailsWith counts the mail to addr whose subject contains subject.
func mailsWith(t *testing.T, addr, subject string) int {
	t.Helper()
	ms, err := stack.Mail(context.Background())
	if err != nil {
		t.Fatalf("read mail: %v", err)
	}
	n := 0
	for _, m := range ms {
		if len(m.To) == 1 && strings.EqualFold(m.To[0], addr) && strings.Contains(m.Subject, subject) {
			n++
		}
	}
	return n
}

// The published record of processing lists every declared kind and the parameters
// in force, as JSON and as a table in German and English.
func TestRecordOfProcessingIsPublished(t *testing.T) {
	c := newClient(t)
	r := c.do(http.MethodGet, "/v1/privacy/processing", nil)
	want(t, r, http.StatusOK)
	var rec rights.Record
	r.json(t, &rec)
	if len(rec.Kinds) != len(registry.All().Kinds) || rec.Parameters["ContractRetentionYears"] != "10" || rec.Region != "eu-central-1" || !strings.Contains(rec.Backups.EN, "35 days") {
		t.Fatalf("record %d kinds, params %v, region %q", len(rec.Kinds), rec.Parameters, rec.Region)
	}
	// The record is the largest public answer; it is gzipped for a client that
	// accepts it (and decompresses to the same record).
	z := c.raw(http.MethodGet, "/v1/privacy/processing", "", nil, map[string]string{"Accept-Encoding": "gzip"})
	want(t, z, http.StatusOK)
	if z.Header.Get("Content-Encoding") != "gzip" || z.Header.Get("Vary") != "Accept-Encoding" {
		t.Fatalf("record answered with Content-Encoding %q, Vary %q", z.Header.Get("Content-Encoding"), z.Header.Get("Vary"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(z.Body))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(plain, r.Body) || len(z.Body) > len(r.Body)/3 {
		t.Fatalf("gzipped record: %d bytes for %d, same after decompression %v (%v)", len(z.Body), len(r.Body), bytes.Equal(plain, r.Body), err)
	}
	c.lang = "de"
	r = c.do(http.MethodGet, "/v1/privacy/processing?format=html", nil)
	want(t, r, http.StatusOK)
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(r.Body), "Verzeichnis der Verarbeitungstätigkeiten") || !strings.Contains(string(r.Body), "Sicherungen") {
		t.Fatalf("html record: %s", r.Body[:200])
	}
}

// itemsHolding returns the items of a table whose key or account id holds id.
func itemsHolding(t *testing.T, logicalID, id string) []map[string]types.AttributeValue {
	t.Helper()
	out, err := db().Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(stack.Name(logicalID)), ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	var its []map[string]types.AttributeValue
	for _, it := range out.Items {
		for _, k := range []string{"pk", "accountId"} {
			if v, ok := it[k].(*types.AttributeValueMemberS); ok && strings.Contains(v.Value, id) {
				its = append(its, it)
				break
			}
		}
	}
	return its
}

// Promise: HKC-14 — on deactivation the person's data is irrevocably deleted, also
// after a restore: point-in-time recovery keeps deleted items for 35 days, so a
// table restored to a point before an erasure holds the person again; the retention
// function, sent the restore point, erases every person whose erasure finished since.
func TestErasuresAreReplayedAfterARestore(t *testing.T) {
	c, email := signUp(t, "restored")
	p := profile(t, c)
	restorePoint := time.Now().UTC()
	before := itemsHolding(t, "IdentityTable", p.ID)
	if len(before) < 2 {
		t.Fatalf("the account and its email claim: %d items", len(before))
	}
	want(t, c.do(http.MethodDelete, "/v1/me", nil), http.StatusOK)
	if n := itemsOf(t, "IdentityTable", p.ID); n != 0 {
		t.Fatalf("%d items after the erasure", n)
	}
	// The restore: the table as it was at the restore point.
	for _, it := range before {
		if _, err := db().PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(stack.Name("IdentityTable")), Item: it}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := identityStore().AccountIDByEmail(context.Background(), email, time.Now()); err != nil {
		t.Fatalf("the restored email claim: %v", err)
	}
	out, err := stack.Invoke(context.Background(), "RetentionSweepFunction", []byte(`{"replayErasuresSince":"`+restorePoint.Format(time.RFC3339Nano)+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	var res rights.SweepResult
	if err := json.Unmarshal(out, &res); err != nil || res.Replayed == nil || *res.Replayed < 1 {
		t.Fatalf("replay answered %s (%v)", out, err)
	}
	if n := itemsOf(t, "IdentityTable", p.ID); n != 0 {
		t.Fatalf("%d items of the erased account survive the replay", n)
	}
	if _, err := identityStore().AccountIDByEmail(context.Background(), email, time.Now()); !errors.Is(err, identity.ErrNotFound) {
		t.Fatalf("the email claim survives the replay: %v", err)
	}
	// The hourly run is unchanged: a scheduled event sweeps.
	out, err = stack.Invoke(context.Background(), "RetentionSweepFunction", []byte(`{"detail-type":"Scheduled Event","detail":{}}`))
	if err != nil || strings.Contains(string(out), "replayed") {
		t.Fatalf("scheduled run: %s %v", out, err)
	}
}
