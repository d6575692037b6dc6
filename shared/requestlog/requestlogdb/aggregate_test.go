package requestlogdb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/dynamo"
	"kontor/shared/dynamo/dynamotest"
	"kontor/shared/requestlog"
)

var errCut = errors.New("run cut off")

// cutDB stops a run right after its at-th write, as a killed process stops: no later
// write of any shard happens (a run stopped before a write is the run stopped after
// the one before).
type cutDB struct {
	dynamo.DB
	at, n int
	mu    sync.Mutex
}

func (c *cutDB) cut(do func() error) error {
	c.mu.Lock()
	c.n++
	n := c.n
	c.mu.Unlock()
	if c.at > 0 && n > c.at {
		return errCut
	}
	if err := do(); err != nil || n != c.at {
		return err
	}
	return errCut
}

func (c *cutDB) PutItem(ctx context.Context, in *dynamodb.PutItemInput, o ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	out := &dynamodb.PutItemOutput{}
	return out, c.cut(func() (err error) { out, err = c.DB.PutItem(ctx, in, o...); return })
}

func (c *cutDB) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, o ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	out := &dynamodb.UpdateItemOutput{}
	return out, c.cut(func() (err error) { out, err = c.DB.UpdateItem(ctx, in, o...); return })
}

func (c *cutDB) DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, o ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error) {
	out := &dynamodb.DeleteItemOutput{}
	return out, c.cut(func() (err error) { out, err = c.DB.DeleteItem(ctx, in, o...); return })
}

func (c *cutDB) BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, o ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	out := &dynamodb.BatchWriteItemOutput{}
	return out, c.cut(func() (err error) { out, err = c.DB.BatchWriteItem(ctx, in, o...); return })
}

type fixture struct {
	db    *dynamodb.Client
	table string
	recs  []requestlog.Raw
}

var (
	yesterday = time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	today     = yesterday.AddDate(0, 0, 1)
	// A run an hour into today: yesterday is past its grace and closes.
	runAt = today.Add(time.Hour)
)

// traffic is a day's records: routes, statuses, features, and visits of public
// resources by a few clients (some twice).
func traffic(day time.Time, n int) []requestlog.Raw {
	var out []requestlog.Raw
	for i := range n {
		r := requestlog.Raw{At: day.Add(time.Duration(i) * time.Minute), IP: fmt.Sprintf("203.0.113.%d", i%4), UA: []string{"Firefox/140", "Safari/19"}[i%2],
			Method: "GET", Route: []string{"GET /v1/privacy/processing", "GET /v1/me", "POST /v1/sessions"}[i%3],
			Status: []int{200, 200, 401, 500, 200}[i%5], ID: fmt.Sprintf("%s-%d", requestlog.Day(day), i), Feature: []string{"processing", "me", "sessions"}[i%3]}
		if i%3 == 0 && r.Status < 400 {
			r.Resource = "/v1/privacy/processing"
		}
		out = append(out, r)
	}
	return out
}

// store writes records as captures do, in two of the shards (fewer writes per run
// keep the cut-at-every-write tests short).
func (f *fixture) store(t *testing.T, recs ...requestlog.Raw) {
	t.Helper()
	for i, r := range recs {
		item, err := Item(r, 3+i%2, 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(f.table), Item: item}); err != nil {
			t.Fatal(err)
		}
	}
	f.recs = append(f.recs, recs...)
}

// agg is the fixture's aggregator on db; a run that is cut writes in a fixed order,
// so "after write n" names one point of it.
func (f *fixture) agg(db dynamo.DB, now time.Time) *Aggregator {
	_, cut := db.(*cutDB)
	return &Aggregator{DB: db, Table: f.table, Mode: requestlog.ModeAggregate, Now: func() time.Time { return now }, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Sequential: cut}
}

// expected computes a day's statistics from the records themselves.
func (f *fixture) expected(day string, visitorsOf []requestlog.Raw) requestlog.DayStats {
	ds := requestlog.DayStats{Day: day, Routes: []requestlog.RouteCount{}, Features: []requestlog.NamedCount{}, Visitors: []requestlog.NamedCount{}}
	routes, features, visitors := map[string]int64{}, map[string]int64{}, map[string]map[string]bool{}
	for _, r := range f.recs {
		if requestlog.Day(r.At) != day {
			continue
		}
		routes[r.Route+"#"+requestlog.StatusClass(r.Status)]++
		features[r.Feature]++
	}
	for _, r := range visitorsOf {
		if requestlog.Day(r.At) == day && r.Resource != "" {
			if visitors[r.Resource] == nil {
				visitors[r.Resource] = map[string]bool{}
			}
			visitors[r.Resource][r.IP+"|"+r.UA] = true
		}
	}
	for k, v := range routes {
		ds.Routes = append(ds.Routes, routeCount(k, v))
	}
	for k, v := range features {
		ds.Features = append(ds.Features, requestlog.NamedCount{Name: k, Count: v})
	}
	for k, v := range visitors {
		ds.Visitors = append(ds.Visitors, requestlog.NamedCount{Name: k, Count: int64(len(v))})
	}
	sort.Slice(ds.Routes, func(i, j int) bool {
		return ds.Routes[i].Route+ds.Routes[i].StatusClass < ds.Routes[j].Route+ds.Routes[j].StatusClass
	})
	sort.Slice(ds.Features, func(i, j int) bool { return ds.Features[i].Name < ds.Features[j].Name })
	sort.Slice(ds.Visitors, func(i, j int) bool { return ds.Visitors[i].Name < ds.Visitors[j].Name })
	return ds
}

// left lists what the table holds under a partition prefix.
func (f *fixture) left(t *testing.T, prefix string) []string {
	t.Helper()
	out, err := f.db.Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(f.table), ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, it := range out.Items {
		if pk := toS(it["pk"]); strings.HasPrefix(pk, prefix) {
			keys = append(keys, pk+" "+toS(it["sk"]))
		}
	}
	return keys
}

func (f *fixture) check(t *testing.T, a *Aggregator, closedVisitors []requestlog.Raw) {
	t.Helper()
	days, err := a.Stats(context.Background(), yesterday, today)
	if err != nil {
		t.Fatal(err)
	}
	want := []requestlog.DayStats{f.expected(requestlog.Day(yesterday), closedVisitors), f.expected(requestlog.Day(today), f.recs)}
	want[0].Closed = true
	if !reflect.DeepEqual(days, want) {
		t.Fatalf("statistics\n got %+v\nwant %+v", days, want)
	}
	for _, k := range f.left(t, "") {
		for _, prefix := range []string{"RAW#", "SALT#" + requestlog.Day(yesterday), "PART#" + requestlog.Day(yesterday)} {
			if strings.HasPrefix(k, prefix) {
				t.Fatalf("left after aggregation: %v", k)
			}
		}
	}
}

// Promise: HGK-14 — browser data is aggregated within 24 hours and then deleted.
// Promise: HGK-13 — distinct visitors per viewed resource and date, without usage profiles.
// A run cut off at any write, before or after the write, is finished by the next run:
// every record counted exactly once, every raw record deleted, the closed day's salt
// and parts gone.
func TestAggregationSurvivesACutAtEveryWrite(t *testing.T) {
	db := dynamotest.Moto(t)
	ctx := context.Background()
	newFixture := func() *fixture {
		f := &fixture{db: db, table: dynamotest.Table(t, db, false)}
		f.store(t, traffic(yesterday, 10)...)
		f.store(t, traffic(today, 5)...)
		return f
	}
	// The number of writes of a whole run.
	f := newFixture()
	counter := &cutDB{DB: db}
	if _, err := f.agg(counter, runAt).Run(ctx); err != nil {
		t.Fatal(err)
	}
	f.check(t, f.agg(db, runAt), f.recs)
	writes := counter.n
	if writes < 10 {
		t.Fatalf("only %d writes", writes)
	}
	for at := 1; at < writes; at++ {
		t.Run(fmt.Sprintf("after-write-%d", at), func(t *testing.T) {
			f := newFixture()
			if _, err := f.agg(&cutDB{DB: db, at: at}, runAt).Run(ctx); !errors.Is(err, errCut) {
				t.Fatalf("run not cut: %v", err)
			}
			rep, err := f.agg(db, runAt).Run(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Counted > len(f.recs) {
				t.Fatalf("counted %d of %d", rep.Counted, len(f.recs))
			}
			f.check(t, f.agg(db, runAt), f.recs)
		})
	}
}

// Promise: HGK-14 — browser data is aggregated within 24 hours and then deleted.
// A record that arrives after its day was closed (its capture was held up) is added
// to the day's totals exactly once, also when that run is cut off; it creates no salt
// and no pseudonym for the closed day, and it is deleted like any other.
func TestLateRecordIsAddedToItsClosedDayOnce(t *testing.T) {
	db := dynamotest.Moto(t)
	ctx := context.Background()
	// The writes of the run that counts the late records (the cut point 0: no cut).
	setup := func() (*fixture, []requestlog.Raw) {
		f := &fixture{db: db, table: dynamotest.Table(t, db, false)}
		f.store(t, traffic(yesterday, 9)...)
		if _, err := f.agg(db, runAt).Run(ctx); err != nil {
			t.Fatal(err)
		}
		visitors := append([]requestlog.Raw(nil), f.recs...)
		late := traffic(yesterday.Add(23*time.Hour+50*time.Minute), 4)
		for i := range late {
			late[i].ID += "-late"
			late[i].IP = "198.51.100.77" // a visitor not seen before: not counted as one
		}
		f.store(t, late...)
		return f, visitors
	}
	later := runAt.Add(time.Hour)
	f, _ := setup()
	counter := &cutDB{DB: db}
	if _, err := f.agg(counter, later).Run(ctx); err != nil {
		t.Fatal(err)
	}
	for at := 0; at < counter.n; at++ {
		t.Run(fmt.Sprintf("after-write-%d", at), func(t *testing.T) {
			f, visitors := setup()
			late := len(f.recs) - len(visitors)
			if at > 0 {
				if _, err := f.agg(&cutDB{DB: db, at: at}, later).Run(ctx); !errors.Is(err, errCut) {
					t.Fatalf("run not cut: %v", err)
				}
			}
			rep, err := f.agg(db, later).Run(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if at == 0 && (rep.Late != late || rep.Counted != late) {
				t.Fatalf("report %+v", rep)
			}
			f.check(t, f.agg(db, later), visitors)
			if l := f.left(t, "STATE#"+requestlog.Day(yesterday)); len(l) != 1 {
				t.Fatalf("day state %v", l)
			}
			out, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(f.table), Key: stateKey(requestlog.Day(yesterday)), ConsistentRead: aws.Bool(true)})
			if err != nil || out.Item["open"] != nil || out.Item["late"] != nil {
				t.Fatalf("day state not cleaned up: %+v %v", out.Item, err)
			}
		})
	}
}

// In the keeping modes counted records stay, marked, and are deleted when their
// retention ends; a switch to the aggregate mode deletes them at the next run.
func TestKeptRecordsAreCountedOnceAndDeletedWhenTheModeSaysSo(t *testing.T) {
	db := dynamotest.Moto(t)
	ctx := context.Background()
	f := &fixture{db: db, table: dynamotest.Table(t, db, false)}
	f.store(t, traffic(today, 6)...)
	a := f.agg(db, runAt)
	a.Mode = requestlog.ModeSecurity
	for range 2 {
		if _, err := a.Run(ctx); err != nil {
			t.Fatal(err)
		}
	}
	days, err := a.Stats(ctx, today, today)
	if err != nil || !reflect.DeepEqual(days[0], f.expected(requestlog.Day(today), f.recs)) {
		t.Fatalf("counted %+v %v", days, err)
	}
	raw, err := a.RawRecords(ctx, requestlog.Day(today))
	if err != nil || len(raw) != 6 || raw[0].IP == "" {
		t.Fatalf("kept %d %v", len(raw), err)
	}
	b := f.agg(db, runAt)
	if rep, err := b.Run(ctx); err != nil || rep.Deleted != 6 || rep.Counted != 0 {
		t.Fatalf("after switching to aggregate: %+v %v", rep, err)
	}
	if l := f.left(t, "RAW#"); len(l) != 0 {
		t.Fatalf("left %v", l)
	}
	_ = types.AttributeValueMemberS{}
}
