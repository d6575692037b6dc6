package classifiedsdb

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/classifieds"
	"kontor/shared/dynamo/dynamotest"
	"kontor/shared/ids"
)

// alertTable is a table with the indexes alerts use, shaped as in template.yaml.
func alertTable(t *testing.T) *Store {
	t.Helper()
	db := dynamotest.Moto(t)
	name := dynamotest.Table(t, db, false, ByPendingEmail)
	s := func(n string) *string { return aws.String(n) }
	_, err := db.UpdateTable(context.Background(), &dynamodb.UpdateTableInput{
		TableName: s(name),
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: s(attrMatchKey), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: s(attrID), AttributeType: types.ScalarAttributeTypeS},
		},
		GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Create: &types.CreateGlobalSecondaryIndexAction{
			IndexName: s(ByAlertMatch.Name),
			KeySchema: []types.KeySchemaElement{{AttributeName: s(attrMatchKey), KeyType: types.KeyTypeHash}, {AttributeName: s(attrID), KeyType: types.KeyTypeRange}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeInclude,
				NonKeyAttributes: []string{"criteria", "frequency", "language", "account"}},
		}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return &Store{DB: db, Table: name}
}

func newAlert(acc string, c classifieds.AlertCriteria) classifieds.Alert {
	now := time.Now().UTC()
	return classifieds.Alert{ID: ids.NewV7(now), AccountID: acc, Criteria: c, Frequency: classifieds.FrequencyInstant, Language: "de", CreatedAt: now, ConfirmedAt: now}
}

const (
	acc1 = "019ad0a4-0000-7000-8000-000000000001"
	acc2 = "019ad0a4-0000-7000-8000-000000000002"
)

// Alerts are the account's own (another account's id reads nothing), capped
// per account, and only active ones are in the match index (HGK-3).
func TestAlertStore(t *testing.T) {
	st, ctx := alertTable(t), context.Background()
	a := newAlert(acc1, classifieds.AlertCriteria{Kind: classifieds.KindOffer, Area: "baltic"})
	if err := st.AddAlert(ctx, a, 2); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Alert(ctx, acc2, a.ID); !errors.Is(err, classifieds.ErrNoAlert) {
		t.Fatalf("other account: %v", err)
	}
	if err := st.DeleteAlert(ctx, acc2, a.ID); !errors.Is(err, classifieds.ErrNoAlert) {
		t.Fatalf("other account deletes: %v", err)
	}
	got, err := st.Alert(ctx, acc1, a.ID)
	if err != nil || got.Criteria.Area != "baltic" || got.AccountID != acc1 {
		t.Fatalf("%+v %v", got, err)
	}
	if err := st.AddAlert(ctx, newAlert(acc1, classifieds.AlertCriteria{Kind: classifieds.KindSearch, Words: []string{"kiel"}}), 2); err != nil {
		t.Fatal(err)
	}
	if err := st.AddAlert(ctx, newAlert(acc1, classifieds.AlertCriteria{Kind: classifieds.KindSearch, Area: "inland"}), 2); !errors.Is(err, classifieds.ErrTooManyAlerts) {
		t.Fatalf("third of two: %v", err)
	}
	l := classifieds.Listing{Kind: classifieds.KindOffer, Area: "baltic", BoatType: "catamaran"}
	if n := matching(t, st, l); n != 1 {
		t.Fatalf("matching: %d", n)
	}
	a.Paused = true
	if err := st.ReplaceAlert(ctx, a); err != nil {
		t.Fatal(err)
	}
	if n := matching(t, st, l); n != 0 {
		t.Fatalf("paused still matches: %d", n)
	}
	if err := st.DeleteAlert(ctx, acc1, a.ID); err != nil {
		t.Fatal(err)
	}
	if err := st.ReplaceAlert(ctx, a); !errors.Is(err, classifieds.ErrNoAlert) {
		t.Fatalf("replace deleted: %v", err)
	}
	if err := st.AddAlert(ctx, newAlert(acc1, classifieds.AlertCriteria{Kind: classifieds.KindSearch, Area: "inland"}), 2); err != nil {
		t.Fatalf("after a deletion: %v", err)
	}
	if as, err := st.AlertsOf(ctx, acc1); err != nil || len(as) != 2 {
		t.Fatalf("%d %v", len(as), err)
	}
	if err := st.EraseAlerts(ctx, acc1); err != nil {
		t.Fatal(err)
	}
	if as, err := st.AlertsOf(ctx, acc1); err != nil || len(as) != 0 {
		t.Fatalf("after erasure: %d %v", len(as), err)
	}
}

// Concurrent creations do not pass the cap.
func TestAlertCapConcurrent(t *testing.T) {
	st, ctx := alertTable(t), context.Background()
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok := 0
	for range 6 {
		wg.Go(func() {
			if st.AddAlert(ctx, newAlert(acc1, classifieds.AlertCriteria{Kind: classifieds.KindOffer, Area: "baltic"}), 3) == nil {
				mu.Lock()
				ok++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if as, _ := st.AlertsOf(ctx, acc1); ok > 3 || len(as) != ok {
		t.Fatalf("%d created, %d stored", ok, len(as))
	}
}

// matching counts the alerts EachMatchingAlert finds for a listing.
func matching(t *testing.T, st *Store, l classifieds.Listing) int {
	t.Helper()
	n := 0
	if err := st.EachMatchingAlert(context.Background(), l, func(classifieds.Alert) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// A listing reads its four partitions page by page; each alert it matches is
// found once, with what the index projects.
func TestEachMatchingAlertPages(t *testing.T) {
	st, ctx := alertTable(t), context.Background()
	crit := []classifieds.AlertCriteria{
		{Kind: classifieds.KindOffer, Area: "baltic", BoatType: "catamaran"},
		{Kind: classifieds.KindOffer, Area: "baltic"},
		{Kind: classifieds.KindOffer, BoatType: "catamaran"},
		{Kind: classifieds.KindOffer, Words: []string{"kiel"}},
		{Kind: classifieds.KindOffer, Words: []string{"hamburg"}},         // words differ
		{Kind: classifieds.KindSearch, Area: "baltic"},                    // kind differs
		{Kind: classifieds.KindOffer, Area: "baltic", From: "2027-01-01"}, // dates differ
	}
	for i := range 60 {
		c := crit[i%len(crit)]
		if err := st.AddAlert(ctx, newAlert(fmt.Sprintf("019ad0a4-0000-7000-8000-%012d", i), c), classifieds.MaxAlerts); err != nil {
			t.Fatal(err)
		}
	}
	l := classifieds.Listing{Kind: classifieds.KindOffer, Area: "baltic", BoatType: "catamaran", From: "2026-07-01", To: "2026-07-10", Title: "Ostsee", Text: "ab Kiel"}
	seen := map[string]bool{}
	err := st.EachMatchingAlert(ctx, l, func(a classifieds.Alert) error {
		if seen[a.ID] || a.AccountID == "" || a.Language != "de" || a.Frequency != classifieds.FrequencyInstant {
			t.Errorf("%+v", a)
		}
		seen[a.ID] = true
		return nil
	})
	want := 0
	for i := range 60 {
		if crit[i%len(crit)].Matches(l) {
			want++
		}
	}
	if err != nil || len(seen) != want || want == 0 {
		t.Fatalf("%d of %d: %v", len(seen), want, err)
	}
	first, next, err := st.AlertsByMatchKey(ctx, "offer#baltic#*", "", 5)
	if err != nil || len(first) != 5 || next == "" {
		t.Fatalf("%d %q %v", len(first), next, err)
	}
	if _, _, err := st.AlertsByMatchKey(ctx, "offer#baltic#*", "bm90IGEgY3Vyc29y", 5); !errors.Is(err, classifieds.ErrBadCursor) {
		t.Fatalf("bad cursor: %v", err)
	}
}

// A pending alert is taken once; the address finds it for export and erasure;
// the sweep deletes it after its lapse.
func TestPendingAlert(t *testing.T) {
	st, ctx := alertTable(t), context.Background()
	now := time.Now().UTC()
	p := classifieds.PendingAlert{Digest: "d1", Criteria: classifieds.AlertCriteria{Kind: classifieds.KindOffer, Area: "baltic"},
		Frequency: classifieds.FrequencyDaily, Email: "a@example.org", Language: "en", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	if err := st.AddPendingAlert(ctx, p); err != nil {
		t.Fatal(err)
	}
	if ps, err := st.PendingAlertsOf(ctx, "a@example.org"); err != nil || len(ps) != 1 || ps[0].Criteria.Area != "baltic" {
		t.Fatalf("%+v %v", ps, err)
	}
	got, err := st.TakePendingAlert(ctx, "d1")
	if err != nil || got.Email != p.Email {
		t.Fatalf("%+v %v", got, err)
	}
	if _, err := st.TakePendingAlert(ctx, "d1"); !errors.Is(err, classifieds.ErrNoPendingAlert) {
		t.Fatalf("second take: %v", err)
	}
	p.Digest = "d2"
	if err := st.AddPendingAlert(ctx, p); err != nil {
		t.Fatal(err)
	}
	if err := st.ErasePendingAlerts(ctx, "a@example.org"); err != nil {
		t.Fatal(err)
	}
	if ps, err := st.PendingAlertsOf(ctx, "a@example.org"); err != nil || len(ps) != 0 {
		t.Fatalf("after erasure: %+v %v", ps, err)
	}
	p.Digest = "d3"
	if err := st.AddPendingAlert(ctx, p); err != nil {
		t.Fatal(err)
	}
	if n, err := st.DeleteLapsedAlerts(ctx, now.Add(2*time.Hour)); err != nil || n != 1 {
		t.Fatalf("sweep: %d %v", n, err)
	}
}
