package dynamo_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/dynamo"
	"kontor/shared/dynamo/dynamotest"
)

// A sweep over a table larger than its budget takes several bounded runs, each
// resuming where the last stopped, and meets every item of a lap exactly once; an
// error in the middle of a segment makes the next run read that segment again.
func TestSweepIsBoundedAndResumes(t *testing.T) {
	db := dynamotest.Moto(t)
	tb := dynamo.Table{DB: db, Name: dynamotest.Table(t, db, false)}
	ctx := context.Background()
	now := time.Now().UTC()
	const total, budget = 400, 60
	putMany(t, tb, "A", total, now)

	s := dynamo.Sweep{Name: "test", Budget: budget}
	due := dynamo.ExpiredAt(now)
	seen := map[string]int{}
	runs, maxRead := 0, 0
	for {
		runs++
		lap, err := tb.Sweep(ctx, s, due, func(it dynamo.Item) error {
			seen[dynamo.String(it, dynamo.PK)]++
			return tb.Delete(ctx, dynamo.Key(dynamo.String(it, dynamo.PK), dynamo.String(it, dynamo.SK)))
		})
		if err != nil {
			t.Fatal(err)
		}
		maxRead = max(maxRead, lap.Read)
		if lap.Done {
			break
		}
		if runs > total {
			t.Fatal("the sweep never finished its lap")
		}
	}
	if len(seen) != total/2 {
		t.Fatalf("the lap met %d expired items, want %d", len(seen), total/2)
	}
	for k, n := range seen {
		if n != 1 {
			t.Fatalf("%s met %d times in one lap", k, n)
		}
	}
	// The first lap divides the unmeasured table into 16 segments of about 25
	// items: a run reads two or three of them, never the whole table.
	if runs < total/(2*budget) || maxRead >= total/2 {
		t.Fatalf("%d runs reading at most %d items each: not bounded by the budget of %d", runs, maxRead, budget)
	}
	t.Logf("first lap: %d runs, at most %d items read per run (budget %d, table %d)", runs, maxRead, budget, total)

	// The next lap is sized from the first, which read about 400 items: segments
	// of about a quarter of the budget, 32 of them. An error in a segment leaves the
	// position where it was, so the item that failed is met again.
	putMany(t, tb, "B", 20, now)
	boom := errors.New("boom")
	failed := false
	lap, err := tb.Sweep(ctx, s, due, func(it dynamo.Item) error {
		if !failed {
			failed = true
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) {
		t.Fatalf("failing run: %+v %v", lap, err)
	}
	if lap.Of != 32 {
		t.Fatalf("second lap divided into %d segments, want 32 (about 400 items read, budget %d)", lap.Of, budget)
	}
	met := map[string]bool{}
	for range total {
		lap, err := tb.Sweep(ctx, s, due, func(it dynamo.Item) error {
			met[dynamo.String(it, dynamo.PK)] = true
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if lap.Done {
			break
		}
	}
	if len(met) != 10 {
		t.Fatalf("after the failed run the lap met %d of the 10 newly expired items", len(met))
	}
}

// putMany writes n items keyed by tag, every second one expired at now.
func putMany(t *testing.T, tb dynamo.Table, tag string, n int, now time.Time) {
	t.Helper()
	var reqs []types.WriteRequest
	flush := func() {
		if len(reqs) == 0 {
			return
		}
		if _, err := tb.DB.BatchWriteItem(context.Background(), &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{tb.Name: reqs}}); err != nil {
			t.Fatal(err)
		}
		reqs = nil
	}
	for i := range n {
		expires := now.Add(time.Hour)
		if i%2 == 0 {
			expires = now.Add(-time.Minute)
		}
		it, err := dynamo.Marshal(dynamo.Key(fmt.Sprintf("S#%s#%d", tag, i), "X"), struct{}{}, expires)
		if err != nil {
			t.Fatal(err)
		}
		reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: it}})
		if len(reqs) == 25 {
			flush()
		}
	}
	flush()
}
