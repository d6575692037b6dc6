package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/dynamo"
	"kontor/shared/dynamo/dynamotest"
)

// sender records what it sent and fails as told.
type sender struct {
	sent []string
	fail error
}

func (s *sender) Send(_ context.Context, m Message) error {
	if s.fail != nil && !errors.Is(s.fail, errSentAnyway) {
		return s.fail
	}
	s.sent = append(s.sent, m.ID)
	return s.fail
}

// errSentAnyway is a failure after the mail went out: the answer was lost.
var errSentAnyway = errors.New("read: connection reset by peer")

// lossyDB loses the answer of the first conditional update: the update is done,
// and the SDK's retry of it meets what it just wrote.
type lossyDB struct {
	dynamo.DB
	lost bool
}

func (d *lossyDB) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, opt ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	out, err := d.DB.UpdateItem(ctx, in, opt...)
	if err != nil || d.lost || in.ConditionExpression == nil {
		return out, err
	}
	d.lost = true
	return d.DB.UpdateItem(ctx, in, opt...)
}

type fixture struct {
	outbox *Outbox
	d      *Dispatcher
	s      *sender
	now    *time.Time
	logs   *bytes.Buffer
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	db := dynamotest.Moto(t)
	table := dynamotest.Table(t, db, true)
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	s, logs := &sender{}, &bytes.Buffer{}
	return fixture{
		outbox: &Outbox{DB: db, Table: table, Now: clock},
		d:      &Dispatcher{DB: db, Table: table, Sender: s, Now: clock, Log: slog.New(slog.NewJSONHandler(logs, nil))},
		s:      s, now: &now, logs: logs,
	}
}

func (f fixture) queue(t *testing.T, id string) {
	t.Helper()
	if err := f.outbox.Deliver(context.Background(), Message{ID: id, To: "anna@example.org", Subject: "Kontor: hallo", Text: "secret link"}); err != nil {
		t.Fatal(err)
	}
}

// inserted is the stream's record of a new message.
func inserted(id string) events.DynamoDBEvent {
	return events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{{EventName: string(events.DynamoDBOperationTypeInsert),
		Change: events.DynamoDBStreamRecord{Keys: map[string]events.DynamoDBAttributeValue{"pk": events.NewStringAttribute(prefixMail + id)}}}}}
}

func (f fixture) stored(t *testing.T, id string) item {
	t.Helper()
	it, found, err := f.d.load(context.Background(), prefixMail+id)
	if err != nil || !found {
		t.Fatalf("mail %s: found %v, %v", id, found, err)
	}
	return it
}

// wantEnded fails unless the message ended in state, without its content.
func (f fixture) wantEnded(t *testing.T, id, state string) {
	t.Helper()
	it := f.stored(t, id)
	if it.State != state || it.To != "" || it.Subject != "" || it.Text != "" || it.TTL != f.now.Add(Remember).Unix() {
		t.Fatalf("mail %s: %+v, want %s without content, remembered for %v", id, it, state, Remember)
	}
}

// A message is sent once: the stream's repeated delivery, the sweep and the same
// id queued again after it was sent send nothing more, and the outbox keeps only
// its id.
func TestAMessageIsSentOnceWhateverRepeats(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.queue(t, "m1")
	for range 2 {
		if _, err := f.d.HandleStream(ctx, inserted("m1")); err != nil {
			t.Fatal(err)
		}
	}
	f.queue(t, "m1") // a request function's retry after its answer was lost
	*f.now = f.now.Add(StreamGrace + time.Minute)
	if rep, err := f.d.Sweep(ctx); err != nil || rep.Sent != 0 {
		t.Fatalf("sweep after sending: %+v %v", rep, err)
	}
	if len(f.s.sent) != 1 {
		t.Fatalf("sent %v, want m1 once", f.s.sent)
	}
	*f.now = f.now.Add(-StreamGrace - time.Minute)
	f.wantEnded(t, "m1", stateSent)
}

// A send whose answer was lost (it may have gone out) is never repeated: the
// message ends unknown, logged by id only. A send that certainly sent nothing is
// queued again with a backoff and sent by a later sweep.
func TestASendOfUnknownOutcomeIsNeverRepeated(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.queue(t, "lost")
	f.s.fail = errSentAnyway
	rep, err := f.d.HandleStream(ctx, inserted("lost"))
	if err != nil || rep.Unknown != 1 || len(f.s.sent) != 1 {
		t.Fatalf("lost answer: %+v %v, sent %v", rep, err, f.s.sent)
	}
	f.s.fail = nil
	*f.now = f.now.Add(time.Hour)
	if rep, err := f.d.Sweep(ctx); err != nil || rep.Sent != 0 || len(f.s.sent) != 1 {
		t.Fatalf("sweep after the lost answer: %+v %v, sent %v", rep, err, f.s.sent)
	}
	*f.now = f.now.Add(-time.Hour)
	f.wantEnded(t, "lost", stateUnknown)
	if logs := f.logs.String(); !strings.Contains(logs, `"mailId":"lost"`) || strings.Contains(logs, "anna@") || strings.Contains(logs, "secret link") {
		t.Fatalf("logs: %s", logs)
	}

	f.queue(t, "refused")
	f.s.fail = fmt.Errorf("ses send: %w: throttled", ErrNotSent)
	rep, err = f.d.HandleStream(ctx, inserted("refused"))
	if err != nil || rep.Failed != 1 {
		t.Fatalf("refused: %+v %v", rep, err)
	}
	if it := f.stored(t, "refused"); it.State != "" || it.Attempts != 1 || it.NextAttempt != f.now.Add(backoff(1)).Unix() || it.To == "" {
		t.Fatalf("refused message: %+v", it)
	}
	f.s.fail = nil
	*f.now = f.now.Add(backoff(1))
	if rep, err := f.d.Sweep(ctx); err != nil || rep.Sent != 1 {
		t.Fatalf("retry sweep: %+v %v", rep, err)
	}
	if len(f.s.sent) != 2 || f.s.sent[1] != "refused" {
		t.Fatalf("sent %v", f.s.sent)
	}
}

// A message a dispatcher claimed and never finished (the function was stopped
// mid-send) stays claimed until StuckAfter, then ends unknown; it is never sent
// again. Two dispatchers with the same message send it once.
func TestAStuckSendEndsUnknownAndAClaimIsExclusive(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.queue(t, "stuck")
	it := f.stored(t, "stuck")
	if _, ok, err := f.d.claim(ctx, it, *f.now); err != nil || !ok {
		t.Fatalf("claim: %v %v", ok, err)
	}
	if _, ok, err := f.d.claim(ctx, it, *f.now); err != nil || ok {
		t.Fatalf("second claim of the same message: %v %v", ok, err)
	}
	*f.now = f.now.Add(StuckAfter - time.Second)
	if rep, err := f.d.Sweep(ctx); err != nil || rep.Deferred != 1 || rep.Unknown != 0 {
		t.Fatalf("sweep while sending: %+v %v", rep, err)
	}
	*f.now = f.now.Add(time.Second)
	if rep, err := f.d.Sweep(ctx); err != nil || rep.Unknown != 1 || len(f.s.sent) != 0 {
		t.Fatalf("sweep after StuckAfter: %+v %v, sent %v", rep, err, f.s.sent)
	}
	f.wantEnded(t, "stuck", stateUnknown)

	f.queue(t, "raced")
	seen := f.stored(t, "raced") // stream and sweep both read it queued
	var rep Report
	for range 2 {
		if err := f.d.attempt(ctx, seen, &rep); err != nil {
			t.Fatal(err)
		}
	}
	if rep.Sent != 1 || len(f.s.sent) != 1 {
		t.Fatalf("raced: %+v, sent %v", rep, f.s.sent)
	}
}

// A claim whose answer was lost (the SDK repeated the update, which met the claim
// it had just written) is still this dispatcher's: the message is sent, once.
func TestAClaimWhoseAnswerWasLostStillSends(t *testing.T) {
	f := newFixture(t)
	lossy := &lossyDB{DB: f.d.DB}
	f.d.DB = lossy
	f.queue(t, "m")
	rep, err := f.d.HandleStream(context.Background(), inserted("m"))
	if err != nil || rep.Sent != 1 || len(f.s.sent) != 1 || !lossy.lost {
		t.Fatalf("%+v %v, sent %v (answer lost: %v)", rep, err, f.s.sent, lossy.lost)
	}
	f.wantEnded(t, "m", stateSent)
}

// Past its attempts or its day, a message is dropped unsent, and the privacy sweep
// deletes what is past its time, counting only what held personal data.
func TestDroppedMailAndEndedIdsAreSwept(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.queue(t, "old")
	f.queue(t, "sent")
	if _, err := f.d.HandleStream(ctx, inserted("sent")); err != nil {
		t.Fatal(err)
	}
	*f.now = f.now.Add(Retention)
	if rep, err := f.d.Sweep(ctx); err != nil || rep.Dropped != 1 || len(f.s.sent) != 1 {
		t.Fatalf("stale sweep: %+v %v, sent %v", rep, err, f.s.sent)
	}
	f.wantEnded(t, "old", stateDropped)
	f.queue(t, "pending")
	m := &Module{DB: f.d.DB, Table: f.d.Table}
	counts, err := m.Sweep(ctx, f.now.Add(Remember), nil)
	if err != nil || counts["mail.outbox"] != 0 {
		t.Fatalf("privacy sweep: %v %v", counts, err)
	}
	for _, id := range []string{"old", "sent"} {
		if _, found, _ := f.d.load(ctx, prefixMail+id); found {
			t.Errorf("%s still remembered after its hour", id)
		}
	}
	counts, err = m.Sweep(ctx, f.now.Add(Retention), nil)
	if err != nil || counts["mail.outbox"] != 1 {
		t.Fatalf("privacy sweep of a day-old message: %v %v", counts, err)
	}
}

// cutClaimDB writes the first claim but loses every answer to it: the SDK gives up.
type cutClaimDB struct {
	dynamo.DB
	cut bool
}

func (d *cutClaimDB) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, opt ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	out, err := d.DB.UpdateItem(ctx, in, opt...)
	if _, claiming := in.ExpressionAttributeValues[":sending"]; claiming && !d.cut && err == nil {
		d.cut = true
		return nil, errors.New("exceeded maximum number of attempts: connection reset")
	}
	return out, err
}

// A claim whose every answer was lost (nothing sent yet) is given up again, so the
// message is sent by a later sweep instead of ending unknown.
func TestAClaimLostEntirelyIsQueuedAgain(t *testing.T) {
	f := newFixture(t)
	cut := &cutClaimDB{DB: f.d.DB}
	f.d.DB = cut
	f.queue(t, "m")
	if _, err := f.d.HandleStream(context.Background(), inserted("m")); err == nil || !cut.cut {
		t.Fatalf("lost claim: %v", err)
	}
	if it := f.stored(t, "m"); it.State != "" || it.To == "" || len(f.s.sent) != 0 {
		t.Fatalf("after the lost claim: %+v, sent %v", it, f.s.sent)
	}
	*f.now = f.now.Add(time.Hour)
	if rep, err := f.d.Sweep(context.Background()); err != nil || rep.Sent != 1 || len(f.s.sent) != 1 {
		t.Fatalf("sweep: %+v %v, sent %v", rep, err, f.s.sent)
	}
}
