package insurancedb

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/dynamo"
	"kontor/shared/insurance"
)

var now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// The key schema is what stored items are found by: a key that changes strands
// every item written under the old one.
func TestKeySchema(t *testing.T) {
	win := time.Date(2026, 11, 23, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	cl := insurance.Claim{ID: "c1", AccountID: "a1"}
	for want, key := range map[string]dynamo.Item{
		"CONTRACT#KV-1|CONTRACT":          contractKey("KV-1"),
		"CUSTOMER#C-1|CONTRACT#KV-1":      customerContractKey("C-1", "KV-1"),
		"CUSTOMER#C-1|ACCOUNT#a1":         customerAccountKey("C-1", "a1"),
		"ACCOUNT#a1|CUSTOMER":             linkKey("a1"),
		"ACCOUNT#a1|CLAIM#c1":             accountClaimKey("a1", "c1"),
		"CLAIM#c1|CLAIM":                  claimKey("c1"),
		"REVIEW|c1":                       reviewKey(cl),
		"REG#r1|REG":                      registrationKey("r1"),
		"EID#p1|EID":                      eidKey("p1"),
		"LETTERS|l1":                      letterKey("l1"),
		"MATCH#KV-1|2026-11-23T09:00:00Z": matchKey("KV-1", win),
	} {
		if got := dynamo.String(key, dynamo.PK) + "|" + dynamo.String(key, dynamo.SK); got != want {
			t.Errorf("key %s, want %s", got, want)
		}
	}
	if customerPK("C-1")+contractPrefix != "CUSTOMER#C-1CONTRACT#" || accountPK("a1")+claimPrefix != "ACCOUNT#a1CLAIM#" || customerPK("C-1")+accountPrefix != "CUSTOMER#C-1ACCOUNT#" {
		t.Error("the partitions of the customer's and the account's lists moved")
	}
}

// A page as large as a client may ask for is read whole: the table does not cut it
// down to a smaller one of its own.
func TestPagesAreReadAsAsked(t *testing.T) {
	if insurance.MaxPageSize > dynamo.MaxPageSize || insurance.DefaultPageSize > dynamo.MaxPageSize {
		t.Fatalf("a client may ask for %d entries, the table reads at most %d", insurance.MaxPageSize, dynamo.MaxPageSize)
	}
}

// memDB is a tiny in-memory table for the store's unit tests.
type memDB struct {
	dynamo.DB
	mu    sync.Mutex
	items map[string]map[string]types.AttributeValue
	fail  string // a pk whose PutItem fails
	calls atomic.Int64
}

func (m *memDB) k(key map[string]types.AttributeValue) string {
	return dynamo.String(key, dynamo.PK) + "|" + dynamo.String(key, dynamo.SK)
}

func (m *memDB) GetItem(_ context.Context, in *dynamodb.GetItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	m.calls.Add(1)
	m.mu.Lock()
	defer m.mu.Unlock()
	return &dynamodb.GetItemOutput{Item: m.items[m.k(in.Key)]}, nil
}

func (m *memDB) PutItem(_ context.Context, in *dynamodb.PutItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	m.calls.Add(1)
	if dynamo.String(in.Item, dynamo.PK) == m.fail {
		return nil, errors.New("throttled")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.items[m.k(in.Item)] = in.Item
	return &dynamodb.PutItemOutput{}, nil
}

func (m *memDB) DeleteItem(_ context.Context, in *dynamodb.DeleteItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error) {
	m.calls.Add(1)
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.items, m.k(in.Key))
	return &dynamodb.DeleteItemOutput{}, nil
}

// TransactWriteItems applies puts all or none, with their conditions
// (attribute_not_exists only), as DynamoDB does.
func (m *memDB) TransactWriteItems(_ context.Context, in *dynamodb.TransactWriteItemsInput, _ ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	m.calls.Add(1)
	m.mu.Lock()
	defer m.mu.Unlock()
	reasons := make([]types.CancellationReason, len(in.TransactItems))
	failed := false
	for i, ti := range in.TransactItems {
		reasons[i].Code = aws.String("None")
		if ti.Put != nil && aws.ToString(ti.Put.ConditionExpression) == "attribute_not_exists(pk)" && m.items[m.k(ti.Put.Item)] != nil {
			reasons[i].Code, failed = aws.String("ConditionalCheckFailed"), true
		}
	}
	if failed {
		return nil, &types.TransactionCanceledException{CancellationReasons: reasons}
	}
	for _, ti := range in.TransactItems {
		if ti.Put != nil {
			m.items[m.k(ti.Put.Item)] = ti.Put.Item
		}
	}
	return &dynamodb.TransactWriteItemsOutput{}, nil
}

func contracts(n int) []insurance.Contract {
	out := make([]insurance.Contract, n)
	for i := range out {
		out[i] = insurance.Contract{Number: fmt.Sprintf("KV-%04d", i), Holder: insurance.Holder{CustomerNumber: fmt.Sprintf("C-%04d", i%7)}}
	}
	return out
}

func TestSaveContractsWritesEveryRowAndStopsAtTheFirstError(t *testing.T) {
	db := &memDB{items: map[string]map[string]types.AttributeValue{}}
	s := &Store{DB: db, Table: "t"}
	if err := s.SaveContracts(context.Background(), contracts(500), now); err != nil {
		t.Fatal(err)
	}
	if len(db.items) != 1000 {
		t.Fatalf("%d items, want a record and an index entry per contract", len(db.items))
	}
	// Moving a contract to another customer removes the old index entry.
	moved := insurance.Contract{Number: "KV-0001", Holder: insurance.Holder{CustomerNumber: "C-9999"}}
	if err := s.SaveContracts(context.Background(), []insurance.Contract{moved}, now); err != nil {
		t.Fatal(err)
	}
	if _, ok := db.items[db.k(customerContractKey("C-0001", "KV-0001"))]; ok || len(db.items) != 1000 {
		t.Fatalf("old index entry kept (%d items)", len(db.items))
	}
	failing := &memDB{items: map[string]map[string]types.AttributeValue{}, fail: dynamo.String(contractKey("KV-0003"), dynamo.PK)}
	err := (&Store{DB: failing, Table: "t"}).SaveContracts(context.Background(), contracts(5000), now)
	if err == nil || !strings.Contains(err.Error(), "throttled") {
		t.Fatalf("error %v", err)
	}
	if failing.calls.Load() >= 3*5000 {
		t.Fatalf("the import went on after the error (%d calls)", failing.calls.Load())
	}
}

// A creation whose answer was lost and whose retry then fails its condition (the
// items are there: the first attempt wrote them) succeeds, and writes nothing twice.
func TestCreateRetriedAfterALostAnswerSucceeds(t *testing.T) {
	db := &memDB{items: map[string]map[string]types.AttributeValue{}}
	s := &Store{DB: db, Table: "t"}
	ctx := context.Background()
	cl := insurance.Claim{ID: "c1", AccountID: "a1"}
	reg := insurance.Registration{ID: "r1", LetterID: "l1", ExpiresAt: now.Add(time.Hour)}
	for range 2 {
		if err := s.CreateClaim(ctx, cl); err != nil {
			t.Fatalf("the claim's creation failed: %v", err)
		}
		if err := s.CreateLetterRegistration(ctx, reg, insurance.Letter{ID: "l1"}, now.Add(time.Hour)); err != nil {
			t.Fatalf("the registration's creation failed: %v", err)
		}
	}
	if len(db.items) != 6 { // and the secret of the address keys
		t.Fatalf("%d items", len(db.items))
	}
	// An update that is not a creation still reports the conflict.
	err := s.table().Transact(ctx, dynamo.Write{Key: claimKey("c1"), V: claimRef{ID: "c1"}, Cond: dynamo.NotExists})
	if !errors.Is(err, dynamo.ErrConflict) {
		t.Fatalf("a transaction over an existing item: %v", err)
	}
}
