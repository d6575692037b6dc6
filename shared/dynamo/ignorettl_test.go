package dynamo_test

import (
	"context"
	"testing"
	"time"

	"kontor/shared/dynamo"
	"kontor/shared/dynamo/dynamotest"
)

func TestIgnoreTTLReadsItemsPastTheirLifetime(t *testing.T) {
	if dynamo.Expired(dynamo.Item{dynamo.TTL: dynamo.N(1)}, dynamo.IgnoreTTL) {
		t.Fatal("an item with a TTL expired at IgnoreTTL")
	}
	db := dynamotest.Moto(t)
	tb := dynamo.Table{DB: db, Name: dynamotest.Table(t, db, false)}
	ctx := context.Background()
	now := time.Now().UTC()
	if err := tb.Put(ctx, dynamo.Key("T#1", "OLD"), thing{"1", "old"}, now.Add(-time.Hour), dynamo.Cond{}); err != nil {
		t.Fatal(err)
	}
	var got thing
	if err := tb.Get(ctx, dynamo.Key("T#1", "OLD"), &got, dynamo.IgnoreTTL); err != nil || got.Name != "old" {
		t.Fatalf("get: %+v %v", got, err)
	}
	var all []thing
	if err := tb.QueryAll(ctx, "T#1", "", dynamo.IgnoreTTL, &all); err != nil || len(all) != 1 {
		t.Fatalf("query: %+v %v", all, err)
	}
	var live []thing
	if err := tb.QueryAll(ctx, "T#1", "", now, &live); err != nil || len(live) != 0 {
		t.Fatalf("query at now: %+v %v", live, err)
	}
}
