package idempotency

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/dynamo"
	"kontor/shared/dynamo/dynamotest"
	"kontor/shared/privacy"
)

func TestParseKeyTakesTheDraftsStringOrTheBareKey(t *testing.T) {
	for in, want := range map[string]string{
		"8e03978e-40d5-43e8-bc93-6894a57f9324":     "8e03978e-40d5-43e8-bc93-6894a57f9324",
		`"8e03978e-40d5-43e8-bc93-6894a57f9324"`:   "8e03978e-40d5-43e8-bc93-6894a57f9324",
		" 01JDQ8Z3V6X9Y2B4C7D0E1F2G3 ":             "01JDQ8Z3V6X9Y2B4C7D0E1F2G3",
		"aGVsbG8gd29ybGQgaGVsbG8gd29ybGQ=":         "aGVsbG8gd29ybGQgaGVsbG8gd29ybGQ=",
		"tenant:order/2026-11-30~retry_1+x.y":      "tenant:order/2026-11-30~retry_1+x.y",
		strings.Repeat("k", MaxKeyLen):             strings.Repeat("k", MaxKeyLen),
		`"` + strings.Repeat("k", MaxKeyLen) + `"`: strings.Repeat("k", MaxKeyLen),
	} {
		if got, err := ParseKey(in); err != nil || got != want {
			t.Errorf("ParseKey(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", `""`, "short", strings.Repeat("k", MaxKeyLen+1), "key with spaces in it", `"unterminated-key-0001`,
		"8e03978e-40d5-43e8-bc93-6894a57f932\u00e4", "line\nbreak-in-the-key", `"a\"b-quoted-inside-xx"`} {
		if _, err := ParseKey(in); !errors.Is(err, ErrMalformed) {
			t.Errorf("ParseKey(%q) accepted", in)
		}
	}
}

// lossyDB loses the answer of the first conditional put: the put is done, and the
// SDK's retry of it meets its own item, as after a cut connection.
type lossyDB struct {
	dynamo.DB
	lost bool
}

func (d *lossyDB) PutItem(ctx context.Context, in *dynamodb.PutItemInput, opt ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	out, err := d.DB.PutItem(ctx, in, opt...)
	if err != nil || d.lost || in.ConditionExpression == nil {
		return out, err
	}
	d.lost = true
	return d.DB.PutItem(ctx, in, opt...)
}

func testStore(t *testing.T) (*Store, *time.Time) {
	t.Helper()
	db := dynamotest.Moto(t)
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	return &Store{DB: db, Table: dynamotest.Table(t, db, false), Now: func() time.Time { return now }}, &now
}

func request(key, body string) Request {
	return Request{Scope: Scope{AccountID: "019ad0a4-0000-7000-8000-000000000001"}, Route: "POST /v1/me/devices", Key: key,
		Method: "POST", Path: "/v1/me/devices", Body: []byte(body)}
}

const testKey = "8e03978e-40d5-43e8-bc93-6894a57f9324"

// The life of a key: claimed, in flight for a repeat, answered and replayed; the
// same key with another body is a mismatch, released keys are claimed again, and
// a claim whose request died is taken over once its lease ends.
func TestAKeyIsClaimedAnsweredAndReplayed(t *testing.T) {
	s, now := testStore(t)
	ctx := context.Background()
	r := request(testKey, `{"name":"Phone"}`)
	c, err := s.Begin(ctx, r)
	if err != nil || c.Outcome != Run {
		t.Fatalf("first: %v %v", c.Outcome, err)
	}
	if again, err := s.Begin(ctx, r); err != nil || again.Outcome != InFlight {
		t.Fatalf("while running: %v %v", again.Outcome, err)
	}
	answer := Response{Status: 201, Headers: map[string]string{"Content-Type": "application/json", "Location": "/v1/me/devices/1"},
		Body: `{"credential":"secret-credential-of-the-device"}`}
	if err := s.Finish(ctx, c, answer); err != nil {
		t.Fatal(err)
	}
	if err := s.Finish(ctx, c, answer); err != nil { // the SDK's retry of a lost answer
		t.Fatalf("finish again: %v", err)
	}
	rep, err := s.Begin(ctx, r)
	if err != nil || rep.Outcome != Replay || rep.Stored.Status != 201 || rep.Stored.Body != answer.Body || rep.Stored.Headers["Location"] != "/v1/me/devices/1" {
		t.Fatalf("repeat: %+v %v", rep, err)
	}
	if m, err := s.Begin(ctx, request(testKey, `{"name":"Tablet"}`)); err != nil || m.Outcome != Mismatch {
		t.Fatalf("other body: %v %v", m.Outcome, err)
	}
	other := request(testKey, `{"name":"Phone"}`)
	other.Scope.AccountID = "019ad0a4-0000-7000-8000-000000000002"
	if o, err := s.Begin(ctx, other); err != nil || o.Outcome != Run {
		t.Fatalf("another account's key: %v %v", o.Outcome, err)
	}

	// Released: the next request runs.
	r2 := request("0b9e1c2d-3f4a-4b5c-8d6e-7f8091a2b3c4", `{}`)
	c2, _ := s.Begin(ctx, r2)
	if err := s.Release(ctx, c2); err != nil {
		t.Fatal(err)
	}
	if err := s.Release(ctx, c2); err != nil {
		t.Fatalf("release again: %v", err)
	}
	if c3, err := s.Begin(ctx, r2); err != nil || c3.Outcome != Run {
		t.Fatalf("after release: %v %v", c3.Outcome, err)
	}
	// The request died without an answer: after the lease, a repeat takes over, and
	// the dead request can no longer keep its answer.
	r3 := request("2f3e4d5c-6b7a-4980-9a8b-7c6d5e4f3a2b", `{}`)
	dead, _ := s.Begin(ctx, r3)
	*now = now.Add(Lease + time.Second)
	took, err := s.Begin(ctx, r3)
	if err != nil || took.Outcome != Run {
		t.Fatalf("after the lease: %v %v", took.Outcome, err)
	}
	if err := s.Finish(ctx, dead, answer); !errors.Is(err, ErrLost) {
		t.Fatalf("dead request's finish: %v", err)
	}
	// A day later the key is new.
	*now = now.Add(TTL)
	if c4, err := s.Begin(ctx, r); err != nil || c4.Outcome != Run {
		t.Fatalf("a day later: %v %v", c4.Outcome, err)
	}
}

// A claim whose answer was lost (the SDK repeated the conditional put, which then
// met the claim it had just written) is still this request's: it runs, it is not
// told that a request with its key is in flight.
func TestAClaimWhoseAnswerWasLostIsStillOwn(t *testing.T) {
	s, _ := testStore(t)
	lossy := &lossyDB{DB: s.DB}
	s.DB = lossy
	c, err := s.Begin(context.Background(), request(testKey, `{}`))
	if err != nil || c.Outcome != Run || !lossy.lost {
		t.Fatalf("%v %v (answer lost: %v)", c.Outcome, err, lossy.lost)
	}
}

// The table holds the answer sealed: neither the key nor the body can be read
// from it, and an account's keys are exported without the answer, erased by the
// account's partition and swept a day after.
func TestKeptAnswersAreSealedExportedErasedAndSwept(t *testing.T) {
	s, now := testStore(t)
	ctx := context.Background()
	r := request(testKey, `{"name":"Phone"}`)
	c, _ := s.Begin(ctx, r)
	if err := s.Finish(ctx, c, Response{Status: 201, Body: `{"credential":"secret-credential-of-the-device"}`}); err != nil {
		t.Fatal(err)
	}
	anon := Request{Scope: Scope{ClientIP: "198.51.100.7"}, Route: "POST /v1/accounts", Key: testKey, Method: "POST", Path: "/v1/accounts", Body: []byte(`{}`)}
	ca, _ := s.Begin(ctx, anon)
	if err := s.Finish(ctx, ca, Response{Status: 202, Body: `{"status":"accepted"}`}); err != nil {
		t.Fatal(err)
	}
	out, err := s.DB.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(s.Table)})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range out.Items {
		var raw []byte
		for _, v := range it {
			switch v := v.(type) {
			case *types.AttributeValueMemberS:
				raw = append(raw, v.Value...)
			case *types.AttributeValueMemberB:
				raw = append(raw, v.Value...)
			}
		}
		for _, secret := range []string{"secret-credential", testKey, "198.51.100.7", "accepted"} {
			if bytes.Contains(raw, []byte(secret)) {
				t.Errorf("the table holds %q in the clear", secret)
			}
		}
	}

	m := Module{DB: s.DB, Table: s.Table}
	subject := privacy.Subject{AccountID: r.Scope.AccountID}
	exp, err := m.Export(ctx, subject)
	if err != nil {
		t.Fatal(err)
	}
	views, _ := exp[KindAnswers].([]AnswerView)
	if len(views) != 1 || views[0].Route != "POST /v1/me/devices" || views[0].Status != 201 || !views[0].Done || !views[0].ExpiresAt.Equal(now.Add(TTL)) {
		t.Fatalf("export %+v", exp)
	}
	if err := m.Erase(ctx, subject); err != nil {
		t.Fatal(err)
	}
	if exp, _ := m.Export(ctx, subject); len(exp[KindAnswers].([]AnswerView)) != 0 {
		t.Fatalf("after erasure: %+v", exp)
	}
	counts, err := m.Sweep(ctx, now.Add(TTL-time.Second), nil)
	if err != nil || counts[KindAnswers] != 0 {
		t.Fatalf("sweep within the day: %v %v", counts, err)
	}
	counts, err = m.Sweep(ctx, now.Add(TTL), nil)
	if err != nil || counts[KindAnswers] != 1 {
		t.Fatalf("sweep after the day: %v %v", counts, err)
	}
	// The hashing secret stays.
	if sec, err := s.hashSecret(ctx); err != nil || len(sec) != 32 {
		t.Fatalf("secret after the sweep: %v", err)
	}
	// Besides it, only the sweep's position (a segment number) is left.
	rest, _ := s.DB.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(s.Table)})
	var left []string
	for _, it := range rest.Items {
		if pk := dynamo.String(it, dynamo.PK); !strings.HasPrefix(pk, dynamo.SweepPK) {
			left = append(left, pk)
		}
	}
	if len(left) != 1 || left[0] != pkConfig {
		t.Fatalf("left after the sweep: %v", left)
	}
}

// cutDB writes the first conditional put but loses every answer to it.
type cutDB struct {
	dynamo.DB
	cut bool
}

func (d *cutDB) PutItem(ctx context.Context, in *dynamodb.PutItemInput, opt ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	out, err := d.DB.PutItem(ctx, in, opt...)
	if err == nil && !d.cut && in.ConditionExpression != nil {
		d.cut = true
		return nil, errors.New("exceeded maximum number of attempts: connection reset")
	}
	return out, err
}

// A claim whose every answer was lost fails the request (503 upstream) and is
// given up, so the repeat runs instead of being told the key is in use.
func TestAClaimLostEntirelyIsGivenUp(t *testing.T) {
	s, _ := testStore(t)
	cut := &cutDB{DB: s.DB}
	s.DB = cut
	r := request(testKey, `{}`)
	if _, err := s.Begin(context.Background(), r); err == nil || !cut.cut {
		t.Fatalf("lost claim: %v", err)
	}
	if c, err := s.Begin(context.Background(), r); err != nil || c.Outcome != Run {
		t.Fatalf("repeat: %v %v", c.Outcome, err)
	}
}
