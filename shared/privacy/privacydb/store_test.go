package privacydb_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/dynamo"
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
	if granted, restricted, err := st.Standing(ctx, "a1"); err != nil || granted["p"] != "1" || !restricted {
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

// countingDB counts the items the Query calls examined (ScannedCount).
type countingDB struct {
	dynamo.DB
	scanned atomic.Int64
}

func (c *countingDB) Query(ctx context.Context, in *dynamodb.QueryInput, optFns ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	out, err := c.DB.Query(ctx, in, optFns...)
	if err == nil {
		c.scanned.Add(int64(out.ScannedCount))
	}
	return out, err
}

// A person's audit entries are read from their own partition: what AuditFor reads
// does not grow with other people's entries. An entry is found by its subject and its
// actor, once however often its write is retried, newest first and only within the
// retention; the sweep counts an expired entry once and gives entries stored before
// the per-person copies their copies.
func TestAuditIsReadPerPerson(t *testing.T) {
	moto := dynamotest.Moto(t)
	db := &countingDB{DB: moto}
	st := &privacydb.Store{DB: db, Table: dynamotest.Table(t, moto, false)}
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)

	placed := privacy.AuditEntry{At: now.Add(-2 * time.Hour), Action: "hold.placed", Actor: "admin", Subject: "a1", Reason: "r"}
	own := privacy.AuditEntry{At: now.Add(-time.Hour), Action: "self", Actor: "a1", Subject: "a1"}
	old := privacy.AuditEntry{At: now.Add(-privacy.AuditRetention - time.Hour), Action: "hold.lifted", Actor: "admin", Subject: "a1"}
	for _, e := range []privacy.AuditEntry{placed, placed, own, own, old} { // each twice: a retried write
		if err := st.Audit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	// An entry stored before there were per-person copies: under its month only.
	legacy := privacy.AuditEntry{At: now.Add(-3 * time.Hour), Action: "member.invited", Actor: "admin", Subject: "a1"}
	if err := (dynamo.Table{DB: moto, Name: st.Table}).Put(ctx, dynamo.Key("AUDIT#"+legacy.At.Format("2006-01"), legacy.At.Format(time.RFC3339Nano)+"#a1"), legacy, legacy.At.Add(privacy.AuditRetention), dynamo.Cond{}); err != nil {
		t.Fatal(err)
	}

	reads := func(id string) ([]privacy.AuditEntry, int64) {
		t.Helper()
		was := db.scanned.Load()
		es, err := st.AuditFor(ctx, id, now)
		if err != nil {
			t.Fatal(err)
		}
		return es, db.scanned.Load() - was
	}
	es, alone := reads("a1")
	if len(es) != 2 || es[0] != own || es[1] != placed {
		t.Fatalf("a1's audit %+v", es)
	}
	if es, _ := reads("admin"); len(es) != 1 || es[0] != placed {
		t.Fatalf("admin's audit %+v", es)
	}

	// Other people's entries, in the same months.
	const others = 100
	for i := range others {
		id := fmt.Sprintf("other-%d", i)
		if err := st.Audit(ctx, privacy.AuditEntry{At: now.Add(-time.Duration(i) * time.Minute), Action: "hold.placed", Actor: "admin2", Subject: id}); err != nil {
			t.Fatal(err)
		}
	}
	es, crowded := reads("a1")
	t.Logf("AuditFor read %d items alone, %d among %d other people's entries", alone, crowded, others)
	if len(es) != 2 || crowded != alone {
		t.Fatalf("AuditFor read %d items among others, %d alone: %+v", crowded, alone, es)
	}

	// The sweep: the expired entry is counted once (not its copies) and gone; the
	// legacy entry gets its copies, and the month still holds every live entry.
	counts, err := st.SweepExpired(ctx, now)
	if err != nil || counts["privacy.audit"] != 1 || len(counts) != 1 {
		t.Fatalf("swept %v %v", counts, err)
	}
	if es, _ := reads("a1"); len(es) != 3 || es[2] != legacy {
		t.Fatalf("a1's audit after the sweep %+v", es)
	}
	if es, _ := reads("admin"); len(es) != 2 || es[1] != legacy {
		t.Fatalf("admin's audit after the sweep %+v", es)
	}
	if counts, err := st.SweepExpired(ctx, now); err != nil || len(counts) != 0 {
		t.Fatalf("second sweep %v %v", counts, err)
	}
	month, err := st.AuditLog(ctx, now.Format("2006-01"))
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, e := range []privacy.AuditEntry{placed, own, legacy} {
		if e.At.Format("2006-01") == now.Format("2006-01") {
			want++
		}
	}
	for i := range others {
		if now.Add(-time.Duration(i)*time.Minute).Format("2006-01") == now.Format("2006-01") {
			want++
		}
	}
	if len(month) != want {
		t.Fatalf("month holds %d entries, want %d", len(month), want)
	}
}
