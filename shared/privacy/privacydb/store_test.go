package privacydb_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"kontor/shared/dynamo/dynamotest"
	"kontor/shared/privacy"
	"kontor/shared/privacy/privacydb"
)

// The privacy table's records against the emulator: conditional writes map to
// privacy.ErrConflict and privacy.ErrNotFound, and records past their TTL stay
// readable until the sweep deletes them.
func TestStoreAgainstTheEmulator(t *testing.T) {
	db := dynamotest.Moto(t)
	st := &privacydb.Store{DB: db, Table: dynamotest.Table(t, db, false)}
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)

	// A flag set twice keeps its first date; a restriction lists the person.
	for _, since := range []time.Time{now, now.Add(time.Hour)} {
		if err := st.SetFlag(ctx, "a1", privacy.Flag{Kind: privacy.FlagRestriction, Since: since}); err != nil {
			t.Fatal(err)
		}
	}
	flags, err := st.Flags(ctx, "a1")
	if err != nil || len(flags) != 1 || !flags[0].Since.Equal(now) {
		t.Fatalf("flags %+v %v", flags, err)
	}
	if rs, err := st.Restricted(ctx); err != nil || len(rs) != 1 || rs[0] != "a1" {
		t.Fatalf("restricted %v %v", rs, err)
	}
	if on, err := st.IsRestricted(ctx, "a1"); err != nil || !on {
		t.Fatalf("restricted: %v %v", on, err)
	}

	// Holds: a second hold conflicts, lifting a missing one is not found.
	h := privacy.Hold{AccountID: "a1", Reason: "r", PlacedBy: "admin", PlacedAt: now}
	if err := st.PlaceHold(ctx, h); err != nil {
		t.Fatal(err)
	}
	if err := st.PlaceHold(ctx, h); !errors.Is(err, privacy.ErrConflict) {
		t.Fatalf("second hold: %v", err)
	}
	if err := st.LiftHold(ctx, "a1"); err != nil {
		t.Fatal(err)
	}
	if err := st.LiftHold(ctx, "a1"); !errors.Is(err, privacy.ErrNotFound) {
		t.Fatalf("lift again: %v", err)
	}

	// Jobs: one per person, saved only over the version read. A job past its
	// retention is still read, listed and returned in force until the sweep.
	old := privacy.ErasureJob{AccountID: "a2", Status: "running", RequestedAt: now.Add(-privacy.JobRetention - time.Hour)}
	j, err := st.PutJob(ctx, old)
	if err != nil {
		t.Fatal(err)
	}
	again, err := st.PutJob(ctx, privacy.ErasureJob{AccountID: "a2", Status: "other", RequestedAt: now})
	if err != nil || again.Status != "running" {
		t.Fatalf("job in force %+v %v", again, err)
	}
	saved, err := st.SaveJob(ctx, j)
	if err != nil || saved.Version != 1 {
		t.Fatalf("save %+v %v", saved, err)
	}
	if _, err := st.SaveJob(ctx, j); !errors.Is(err, privacy.ErrConflict) {
		t.Fatalf("stale save: %v", err)
	}
	if got, err := st.Job(ctx, "a2"); err != nil || got.Version != 1 {
		t.Fatalf("expired job %+v %v", got, err)
	}
	if jobs, err := st.Jobs(ctx); err != nil || len(jobs) != 1 {
		t.Fatalf("jobs %+v %v", jobs, err)
	}
	if err := st.Audit(ctx, privacy.AuditEntry{At: now, Action: "x", Actor: "admin", Subject: "a1"}); err != nil {
		t.Fatal(err)
	}
	counts, err := st.SweepExpired(ctx, now)
	if err != nil || counts["privacy.erasure"] != 1 || len(counts) != 1 {
		t.Fatalf("swept %v %v", counts, err)
	}
	if _, err := st.Job(ctx, "a2"); !errors.Is(err, privacy.ErrNotFound) {
		t.Fatalf("swept job: %v", err)
	}
	if es, err := st.AuditFor(ctx, "a1", now); err != nil || len(es) != 1 {
		t.Fatalf("audit %+v %v", es, err)
	}

	// Consents, then the person's records erased.
	c := privacy.ConsentState{Purpose: "p", Granted: true, TextVersion: "1", GrantedAt: &now}
	if err := st.SetConsent(ctx, "a1", c, privacy.ConsentEvent{Purpose: "p", Action: "granted", TextVersion: "1", At: now}); err != nil {
		t.Fatal(err)
	}
	if granted, restricted, err := st.Standing(ctx, "a1"); err != nil || !granted["p"] || !restricted {
		t.Fatalf("standing %v %v %v", granted, restricted, err)
	}
	if err := st.DeleteSubject(ctx, "a1"); err != nil {
		t.Fatal(err)
	}
	cs, _ := st.Consents(ctx, "a1")
	hist, _ := st.ConsentHistory(ctx, "a1")
	flags, _ = st.Flags(ctx, "a1")
	rs, _ := st.Restricted(ctx)
	if len(cs)+len(hist)+len(flags)+len(rs) != 0 {
		t.Fatalf("left %v %v %v %v", cs, hist, flags, rs)
	}
}
