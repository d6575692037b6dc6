package ratelimit

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/dynamo"
)

// memDB keeps counters in memory and applies the limiter's two update shapes
// atomically, as DynamoDB does: the conditional counter increment (under the limit,
// and not the increment that last wrote its token) and the secret's if_not_exists.
type memDB struct {
	dynamo.DB // calls the limiter does not make
	mu        sync.Mutex
	items     map[string]map[string]types.AttributeValue
}

func newMemDB() *memDB { return &memDB{items: map[string]map[string]types.AttributeValue{}} }

func pkOf(k map[string]types.AttributeValue) string {
	return k["pk"].(*types.AttributeValueMemberS).Value
}

func num(v types.AttributeValue) int {
	n, _ := strconv.Atoi(v.(*types.AttributeValueMemberN).Value)
	return n
}

func (m *memDB) GetItem(_ context.Context, in *dynamodb.GetItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return &dynamodb.GetItemOutput{Item: m.items[pkOf(in.Key)]}, nil
}

func (m *memDB) UpdateItem(_ context.Context, in *dynamodb.UpdateItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	pk := pkOf(in.Key)
	it := m.items[pk]
	if it == nil {
		it = map[string]types.AttributeValue{"pk": in.Key["pk"]}
	}
	if s, ok := in.ExpressionAttributeValues[":s"]; ok { // the secret
		if it["secret"] == nil {
			it["secret"] = s
		}
		m.items[pk] = it
		return &dynamodb.UpdateItemOutput{Attributes: it}, nil
	}
	if n, ok := it["n"]; ok && num(n) >= num(in.ExpressionAttributeValues[":allowed"]) {
		return nil, &types.ConditionalCheckFailedException{Message: aws.String("limit")}
	}
	tok := in.ExpressionAttributeValues[":tok"]
	if last, ok := it["last"]; ok && tok != nil && last.(*types.AttributeValueMemberS).Value == tok.(*types.AttributeValueMemberS).Value {
		return nil, &types.ConditionalCheckFailedException{Message: aws.String("counted")}
	}
	c := 0
	if n, ok := it["n"]; ok {
		c = num(n)
	}
	it["n"] = &types.AttributeValueMemberN{Value: strconv.Itoa(c + 1)}
	if it["ttl"] == nil {
		it["ttl"] = in.ExpressionAttributeValues[":ttl"]
	}
	if tok != nil {
		it["last"] = tok
	}
	m.items[pk] = it
	return &dynamodb.UpdateItemOutput{}, nil
}

// lostAnswers loses the answer of every update the table carried out, so the
// request is sent again, as the SDK does when a connection is cut after DynamoDB
// acted; the caller sees only the repeat's answer.
type lostAnswers struct{ *memDB }

func (l lostAnswers) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	if _, err := l.memDB.UpdateItem(ctx, in, opts...); err != nil {
		return nil, err
	}
	return l.memDB.UpdateItem(ctx, in, opts...)
}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

var rule = Rule{Name: "test", Scope: PerClient, Max: 5, Window: time.Hour}

func TestLimitAllowsMaxPerWindowThenAsksToWait(t *testing.T) {
	c := &clock{t: time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)}
	l := &Limiter{DB: newMemDB(), Table: "limits", Now: c.now}
	ctx := context.Background()
	for i := range 5 {
		if wait, err := l.Take(ctx, rule, "192.0.2.1"); err != nil || wait != 0 {
			t.Fatalf("event %d: wait %v, err %v", i+1, wait, err)
		}
	}
	wait, err := l.Take(ctx, rule, "192.0.2.1")
	if err != nil || wait <= 0 || wait > time.Hour {
		t.Fatalf("sixth event: wait %v, err %v", wait, err)
	}
	// Another client is counted on its own.
	if wait, err := l.Take(ctx, rule, "192.0.2.2"); err != nil || wait != 0 {
		t.Fatalf("other client: wait %v, err %v", wait, err)
	}
	// No value, no limit.
	if wait, err := l.Take(ctx, rule, ""); err != nil || wait != 0 {
		t.Fatalf("empty value: wait %v, err %v", wait, err)
	}
}

// A burst at the end of one window still counts at the start of the next: the
// window slides, so the limit cannot be doubled across a boundary.
func TestLimitSlidesAcrossWindowBoundary(t *testing.T) {
	c := &clock{t: time.Date(2026, 11, 29, 10, 59, 0, 0, time.UTC)}
	l := &Limiter{DB: newMemDB(), Table: "limits", Now: c.now}
	ctx := context.Background()
	for range 5 {
		if wait, _ := l.Take(ctx, rule, "192.0.2.9"); wait != 0 {
			t.Fatal("burst refused within the limit")
		}
	}
	c.t = time.Date(2026, 11, 29, 11, 1, 0, 0, time.UTC)
	wait, err := l.Take(ctx, rule, "192.0.2.9")
	if err != nil || wait == 0 {
		t.Fatalf("right after the boundary: wait %v, err %v (the burst was forgotten)", wait, err)
	}
	// The wait is an honest estimate: after it, an event is allowed again.
	c.t = c.t.Add(wait)
	if w, err := l.Take(ctx, rule, "192.0.2.9"); err != nil || w != 0 {
		t.Fatalf("after waiting %v: wait %v, err %v", wait, w, err)
	}
}

// An increment whose answer was lost and that the SDK sent again counts once: every
// event within the limit is allowed and counted one time, and the limit still holds.
// (Before, each repeat counted the event again and met the limit it had itself
// used up: the third of five events was refused.)
func TestLimitCountsARepeatedIncrementOnce(t *testing.T) {
	c := &clock{t: time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)}
	db := newMemDB()
	l := &Limiter{DB: lostAnswers{db}, Table: "limits", Now: c.now}
	ctx := context.Background()
	for i := range rule.Max {
		if wait, err := l.Take(ctx, rule, "192.0.2.7"); err != nil || wait != 0 {
			t.Fatalf("event %d of %d: wait %v, err %v", i+1, rule.Max, wait, err)
		}
	}
	for pk, it := range db.items {
		if pk != keySecret && num(it["n"]) != rule.Max {
			t.Fatalf("counter %s counts %d events, want %d", pk, num(it["n"]), rule.Max)
		}
	}
	if wait, err := l.Take(ctx, rule, "192.0.2.7"); err != nil || wait <= 0 {
		t.Fatalf("event over the limit: wait %v, err %v", wait, err)
	}
}

func TestLimitHoldsUnderConcurrency(t *testing.T) {
	c := &clock{t: time.Date(2026, 11, 29, 10, 30, 0, 0, time.UTC)}
	l := &Limiter{DB: newMemDB(), Table: "limits", Now: c.now}
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := 0
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if wait, err := l.Take(context.Background(), rule, "192.0.2.3"); err == nil && wait == 0 {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if allowed != rule.Max {
		t.Fatalf("%d of 50 concurrent events allowed, want %d", allowed, rule.Max)
	}
}

func TestCountersHoldNoValueInTheClear(t *testing.T) {
	db := newMemDB()
	l := &Limiter{DB: db, Table: "limits", Now: time.Now}
	if _, err := l.Take(context.Background(), MailToAddress, "anna@example.org"); err != nil {
		t.Fatal(err)
	}
	for pk := range db.items {
		for _, leak := range []string{"anna", "example.org"} {
			if contains(pk, leak) {
				t.Fatalf("counter key %q holds %q", pk, leak)
			}
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func TestCatalogRulesAreValidAndNamedOnce(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Catalog() {
		if r.Max <= 0 || r.Window <= 0 || r.Window > time.Hour || r.Name == "" {
			t.Errorf("rule %+v: invalid (windows are at most an hour: the retention promise says so)", r)
		}
		k := r.Name + "/" + string(r.Scope)
		if seen[k] {
			t.Errorf("rule %s declared twice", k)
		}
		seen[k] = true
	}
}

// A global rule keeps one counter per window for everyone, whatever the value (even
// none), and its key names no one.
func TestGlobalRuleCountsEveryoneInOneCounter(t *testing.T) {
	db := newMemDB()
	c := &clock{t: time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)}
	l := &Limiter{DB: db, Table: "limits", Now: c.now}
	all := Rule{Name: "test.all", Scope: Global, Max: 3, Window: time.Hour}
	for i, v := range []string{"192.0.2.1", "192.0.2.2", ""} {
		if wait, err := l.Take(context.Background(), all, v); err != nil || wait != 0 {
			t.Fatalf("event %d: wait %v, %v", i+1, wait, err)
		}
	}
	if wait, err := l.Take(context.Background(), all, "198.51.100.9"); err != nil || wait <= 0 {
		t.Fatalf("fourth event from a new client: wait %v, %v", wait, err)
	}
	counters := 0
	for pk := range db.items {
		if pk == keySecret {
			continue
		}
		counters++
		if want := "test.all#all#" + strconv.FormatInt(c.t.Unix()/3600, 10); pk != want {
			t.Fatalf("counter key %q, want %q", pk, want)
		}
	}
	if counters != 1 {
		t.Fatalf("%d counters, want 1", counters)
	}
}
