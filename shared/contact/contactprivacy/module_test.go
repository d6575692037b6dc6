package contactprivacy_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"kontor/shared/contact"
	"kontor/shared/contact/contactdb"
	"kontor/shared/contact/contactprivacy"
	"kontor/shared/dynamo"
	"kontor/shared/dynamo/dynamotest"
	"kontor/shared/privacy"
	"kontor/shared/problem"
)

// Contact requests through their lifecycle against the emulator: submitted,
// listed while open, resolved once, then exported, erased and swept by the rules
// of a legal retention duty and a legal hold.
func TestRequestsFromSubmissionToSweep(t *testing.T) {
	db := dynamotest.Moto(t)
	st := &contactdb.Store{DB: db, Table: dynamotest.Table(t, db, false, contactdb.ByPerson)}
	ctx := context.Background()
	now := time.Now().UTC()
	clock := func() time.Time { return now }
	svc := &contact.Service{Store: st, Now: clock}

	if _, err := svc.Submit(ctx, contact.Input{Email: "a@example.com", Message: "hi"}, ""); err == nil {
		t.Fatal("voluntary data without consent accepted")
	}
	var rs []contact.Request
	for i, in := range []contact.Input{
		{Email: "a@example.com"},
		{Email: "b@example.com", Message: "m", ConsentVersion: contact.ConsentVersion},
		{Email: "c@example.com"},
		{Email: "d@example.com"},
	} {
		now = now.Add(time.Second)
		r, err := svc.Submit(ctx, in, []string{"", "acc-b", "acc-c", ""}[i])
		if err != nil {
			t.Fatal(err)
		}
		rs = append(rs, r)
	}
	open, err := svc.Open(ctx)
	if err != nil || len(open) != 4 || open[0].ID != rs[0].ID || open[3].ID != rs[3].ID || open[1].ConsentAt == nil {
		t.Fatalf("open %+v %v", open, err)
	}
	// a: resolved; b: resolved and retained; c: resolved, its person held; d: open.
	if _, err := svc.Resolve(ctx, rs[0].ID, "staff", 0, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Resolve(ctx, rs[0].ID, "staff", 0, ""); !isProblem(err, http.StatusConflict) {
		t.Fatalf("resolved twice: %v", err)
	}
	if _, err := svc.Resolve(ctx, rs[1].ID, "staff", 1, " "); !isProblem(err, http.StatusBadRequest) {
		t.Fatalf("retention without a reason: %v", err)
	}
	if _, err := svc.Resolve(ctx, rs[1].ID, "staff", 1, "§ 257 HGB"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Resolve(ctx, rs[2].ID, "staff", 0, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Resolve(ctx, "not-an-id", "staff", 0, ""); !isProblem(err, http.StatusNotFound) {
		t.Fatalf("unknown id: %v", err)
	}
	if open, err := svc.Open(ctx); err != nil || len(open) != 1 || open[0].ID != rs[3].ID {
		t.Fatalf("open after resolving %+v %v", open, err)
	}

	m := contactprivacy.Module{Store: st, Now: clock}
	exp, err := m.Export(ctx, privacy.Subject{AccountID: "acc-b"})
	if got := exp["contact.requests"].([]contact.Request); err != nil || len(got) != 1 || got[0].Message != "m" {
		t.Fatalf("export %+v %v", exp, err)
	}
	counts, err := m.Sweep(ctx, now, privacy.NewHeld("acc-c"))
	if err != nil || counts["contact.requests"] != 1 {
		t.Fatalf("swept %v %v", counts, err)
	}
	if _, err := svc.Get(ctx, rs[0].ID); !isProblem(err, http.StatusNotFound) {
		t.Fatalf("finished request kept: %v", err)
	}
	// Erasure keeps the retained request, deletes the open one.
	if err := m.Erase(ctx, privacy.Subject{AccountID: "acc-b", Email: "d@example.com"}); err != nil {
		t.Fatal(err)
	}
	for i, kept := range []bool{false, true, true, false} {
		if _, err := st.Get(ctx, rs[i].ID); (err == nil) != kept {
			t.Errorf("request %d: kept %v, want %v", i, err == nil, kept)
		}
	}
	if open, err := svc.Open(ctx); err != nil || len(open) != 0 {
		t.Fatalf("open after erasure %+v %v", open, err)
	}
}

func isProblem(err error, status int) bool {
	p, ok := problem.As(err)
	return ok && p.Status == status
}

// A request stored before the address index is found by its address once the
// retention sweep has given it its key; export reads only the person's requests.
func TestRequestsStoredBeforeTheIndexAreFoundAfterTheSweep(t *testing.T) {
	db := dynamotest.Moto(t)
	st := &contactdb.Store{DB: db, Table: dynamotest.Table(t, db, false, contactdb.ByPerson)}
	ctx := context.Background()
	now := time.Now().UTC()
	old := contact.Request{ID: "0190a000-0000-7000-8000-000000000001", Email: "old@example.com", Status: contact.StatusOpen, CreatedAt: now}
	tb := dynamo.Table{DB: db, Name: st.Table}
	if err := tb.Put(ctx, dynamo.Key("REQ#"+old.ID, "REQ"), old, time.Time{}, dynamo.Cond{}); err != nil {
		t.Fatal(err)
	}
	m := contactprivacy.Module{Store: st, Now: func() time.Time { return now }}
	count := func() int {
		exp, err := m.Export(ctx, privacy.Subject{Email: "old@example.com"})
		if err != nil {
			t.Fatal(err)
		}
		return len(exp["contact.requests"].([]contact.Request))
	}
	if n := count(); n != 0 {
		t.Fatalf("found %d before the sweep", n)
	}
	if _, err := m.Sweep(ctx, now, privacy.NewHeld()); err != nil {
		t.Fatal(err)
	}
	if n := count(); n != 1 {
		t.Fatalf("found %d after the sweep", n)
	}
}

// The count of open requests bounds anonymous requests (contact.MaxOpen): it is
// changed with every request that opens or closes, refuses anonymous requests at
// the cap with 503 and Retry-After (signed-in ones pass), is freed by resolving and
// by erasing an open request, and the retention sweep heals it when it drifted.
func TestOpenCountBoundsAnonymousRequests(t *testing.T) {
	db := dynamotest.Moto(t)
	table := dynamotest.Table(t, db, false, contactdb.ByPerson)
	st := &contactdb.Store{DB: db, Table: table}
	ctx := context.Background()
	now := time.Now().UTC()
	clock := func() time.Time { now = now.Add(time.Millisecond); return now }
	svc := &contact.Service{Store: st, Now: clock}
	m := contactprivacy.Module{Store: st, Now: clock}
	count := func(want int) {
		t.Helper()
		if n, err := st.OpenCount(ctx); err != nil || n != want {
			t.Fatalf("open count %d (%v), want %d", n, err, want)
		}
	}
	first, err := svc.Submit(ctx, contact.Input{Email: "first@example.com"}, "")
	if err != nil {
		t.Fatal(err)
	}
	count(1)
	// As if contact.MaxOpen-2 more were open: the next anonymous one fills the queue.
	seed := dynamo.Table{DB: db, Name: table}
	setCount := func(n int) {
		t.Helper()
		if err := seed.Put(ctx, dynamo.Key("COUNT#open", "COUNT"), map[string]int{"n": n}, time.Time{}, dynamo.Cond{}); err != nil {
			t.Fatal(err)
		}
	}
	setCount(contact.MaxOpen - 1)
	last, err := svc.Submit(ctx, contact.Input{Email: "last@example.com"}, "")
	if err != nil {
		t.Fatal(err)
	}
	count(contact.MaxOpen)
	_, err = svc.Submit(ctx, contact.Input{Email: "refused@example.com"}, "")
	if p, ok := problem.As(err); !ok || p.Status != http.StatusServiceUnavailable || p.Code != contact.CodeQueueFull || p.RetryAfterSeconds != 900 {
		t.Fatalf("at the cap: %v", err)
	}
	if ids, err := st.OpenIDs(ctx); err != nil || len(ids) != 2 {
		t.Fatalf("the refused request was listed: %v %v", ids, err)
	}
	count(contact.MaxOpen)
	signed, err := svc.Submit(ctx, contact.Input{Subject: "s", ConsentVersion: contact.ConsentVersion, Email: "member@example.com"}, "acc-m")
	if err != nil {
		t.Fatalf("signed-in request at the cap: %v", err)
	}
	count(contact.MaxOpen + 1)
	for _, id := range []string{signed.ID, first.ID} {
		if _, err := svc.Resolve(ctx, id, "staff", 0, ""); err != nil {
			t.Fatal(err)
		}
	}
	count(contact.MaxOpen - 1)
	if _, err := svc.Resolve(ctx, first.ID, "staff", 0, ""); !isProblem(err, http.StatusConflict) {
		t.Fatalf("resolved twice: %v", err)
	}
	count(contact.MaxOpen - 1)
	again, err := svc.Submit(ctx, contact.Input{Email: "again@example.com"}, "")
	if err != nil {
		t.Fatalf("after a resolve: %v", err)
	}
	count(contact.MaxOpen)
	// Erasing a person whose request is open frees its place; erasing one whose
	// request was resolved does not.
	if err := m.Erase(ctx, privacy.Subject{Email: "again@example.com"}); err != nil {
		t.Fatal(err)
	}
	if err := m.Erase(ctx, privacy.Subject{AccountID: "acc-m"}); err != nil {
		t.Fatal(err)
	}
	count(contact.MaxOpen - 1)
	if _, err := st.Get(ctx, again.ID); err == nil {
		t.Fatal("erased request kept")
	}
	// The sweep deletes the resolved one and heals the count to the open list: last.
	if _, err := m.Sweep(ctx, now, privacy.NewHeld()); err != nil {
		t.Fatal(err)
	}
	count(1)
	if ids, err := st.OpenIDs(ctx); err != nil || len(ids) != 1 || ids[0] != last.ID {
		t.Fatalf("open list %v %v", ids, err)
	}
}
