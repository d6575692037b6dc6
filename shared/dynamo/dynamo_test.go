package dynamo_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"kontor/shared/dynamo"
	"kontor/shared/dynamo/dynamotest"
)

type thing struct {
	ID   string `dynamodbav:"id"`
	Name string `dynamodbav:"name"`
}

func TestTableAgainstTheEmulator(t *testing.T) {
	db := dynamotest.Moto(t)
	tb := dynamo.Table{DB: db, Name: dynamotest.Table(t, db, false)}
	ctx := context.Background()
	now := time.Now().UTC()

	// Put and Get; a condition that fails is ErrConflict and changes nothing.
	if err := tb.Put(ctx, dynamo.Key("T#1", "A"), thing{"1", "one"}, time.Time{}, dynamo.NotExists); err != nil {
		t.Fatal(err)
	}
	if err := tb.Put(ctx, dynamo.Key("T#1", "A"), thing{"1", "other"}, time.Time{}, dynamo.NotExists); !errors.Is(err, dynamo.ErrConflict) {
		t.Fatalf("second create: %v", err)
	}
	var got thing
	if err := tb.Get(ctx, dynamo.Key("T#1", "A"), &got, now); err != nil || got.Name != "one" {
		t.Fatalf("get: %+v %v", got, err)
	}
	// An item past its lifetime reads as gone, whatever DynamoDB's TTL did.
	if err := tb.Put(ctx, dynamo.Key("T#1", "OLD"), thing{"2", "old"}, now.Add(-time.Minute), dynamo.Cond{}); err != nil {
		t.Fatal(err)
	}
	if err := tb.Get(ctx, dynamo.Key("T#1", "OLD"), &got, now); !errors.Is(err, dynamo.ErrNotFound) {
		t.Fatalf("expired item: %v", err)
	}
	// Query skips it; QueryPage pages through the rest with cursors.
	for i := range 5 {
		if err := tb.Put(ctx, dynamo.Key("T#1", fmt.Sprintf("B%d", i)), thing{fmt.Sprint(i), "b"}, time.Time{}, dynamo.Cond{}); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	if err := tb.Query(ctx, "T#1", "", now, func(dynamo.Item) error { n++; return nil }); err != nil || n != 6 {
		t.Fatalf("query: %d items, %v", n, err)
	}
	var bs []thing
	if err := tb.QueryAll(ctx, "T#1", "B", now, &bs); err != nil || len(bs) != 5 {
		t.Fatalf("query all: %d, %v", len(bs), err)
	}
	seen, cursor, pages := 0, "", 0
	for {
		next, err := tb.QueryPage(ctx, "T#1", "B", dynamo.Page{Limit: 2, Cursor: cursor}, true, now, func(dynamo.Item) error { seen++; return nil })
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if next == "" {
			break
		}
		cursor = next
	}
	if seen != 5 || pages != 3 {
		t.Fatalf("paged %d items in %d pages", seen, pages)
	}
	if _, err := tb.QueryPage(ctx, "T#1", "B", dynamo.Page{Cursor: "!!"}, false, now, func(dynamo.Item) error { return nil }); !errors.Is(err, dynamo.ErrBadCursor) {
		t.Fatalf("bad cursor: %v", err)
	}
	// A sweep with the expiry filter finds exactly the expired item.
	var expired []string
	if _, err := tb.Sweep(ctx, dynamo.Sweep{Name: "test"}, dynamo.ExpiredAt(now), func(it dynamo.Item) error { expired = append(expired, dynamo.String(it, dynamo.SK)); return nil }); err != nil || len(expired) != 1 || expired[0] != "OLD" {
		t.Fatalf("scan expired: %v %v", expired, err)
	}
	// A transaction writes all or nothing.
	err := tb.Transact(ctx,
		dynamo.Write{Key: dynamo.Key("T#2", "X"), V: thing{"x", "x"}},
		dynamo.Write{Key: dynamo.Key("T#1", "A"), V: thing{"1", "clash"}, Cond: dynamo.NotExists})
	if !errors.Is(err, dynamo.ErrConflict) {
		t.Fatalf("conflicting transaction: %v", err)
	}
	if err := tb.Get(ctx, dynamo.Key("T#2", "X"), &got, now); !errors.Is(err, dynamo.ErrNotFound) {
		t.Fatal("a cancelled transaction wrote an item")
	}
	// Create of the same fresh items twice (a retry after a lost answer) succeeds.
	ws := []dynamo.Write{{Key: dynamo.Key("T#3", "C"), V: thing{"3", "c"}}, {Key: dynamo.Key("IDX", "3"), V: thing{"3", ""}}}
	for range 2 {
		if err := tb.Create(ctx, ws...); err != nil {
			t.Fatalf("create: %v", err)
		}
	}
	// Deletes: DeleteExisting tells whether there was something.
	if err := tb.DeleteExisting(ctx, dynamo.Key("T#3", "C")); err != nil {
		t.Fatal(err)
	}
	if err := tb.DeleteExisting(ctx, dynamo.Key("T#3", "C")); !errors.Is(err, dynamo.ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	if err := tb.Delete(ctx, dynamo.Key("T#3", "C")); err != nil {
		t.Fatal(err)
	}
}

// Errors name a key's kind, never the address, account id or token in it: they
// reach the function logs.
func TestErrorsNameNoKeyValue(t *testing.T) {
	for pk, want := range map[string]string{"EMAIL#a@example.org": "EMAIL#…", "ACCOUNT#0190": "ACCOUNT#…", "secret": "…", "": "…"} {
		if got := dynamo.Redacted(pk); got != want {
			t.Errorf("%q: %q, want %q", pk, got, want)
		}
	}
}

// A secret is made once: every later call gets the same bytes. (Concurrent first
// calls agree in DynamoDB, where one item's update is atomic; moto does not
// serialise concurrent updates of an item, so this is not tested here.)
func TestSecretIsMadeOnceAndKept(t *testing.T) {
	db := dynamotest.Moto(t)
	tb := dynamo.Table{DB: db, Name: dynamotest.Table(t, db, false)}
	ctx := context.Background()
	first, err := tb.Secret(ctx, dynamo.Key("CONFIG", "SECRET"))
	if err != nil || len(first) != 32 {
		t.Fatalf("first: %x %v", first, err)
	}
	for range 2 {
		if s, err := tb.Secret(ctx, dynamo.Key("CONFIG", "SECRET")); err != nil || string(s) != string(first) {
			t.Fatalf("later: %x %v, first %x", s, err, first)
		}
	}
}
