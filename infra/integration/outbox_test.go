package integration

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/ses"

	"kontor/shared/ids"
	"kontor/shared/mail"
	"kontor/shared/mail/sesmail"
)

// failingSender stands in for SES refusing every message (an outage it answers)
// at Kontor's own Sender interface: certainly nothing sent.
type failingSender struct{}

func (failingSender) Send(context.Context, mail.Message) error {
	return fmt.Errorf("ses send: %w: %w", mail.ErrNotSent, &sesDown{})
}

type sesDown struct{}

func (*sesDown) Error() string     { return "ses unavailable" }
func (*sesDown) ErrorCode() string { return "ServiceUnavailable" }

// A queued message reaches the recipient through the outbox table's stream and the
// dispatcher function, and the outbox keeps nothing of it once it is sent but its
// id (queueing the id again sends nothing).
func TestQueuedMailIsSentThroughTheStream(t *testing.T) {
	to := newEmail("stream")
	o := &mail.Outbox{DB: db(), Table: stack.Name("MailOutboxTable"), Now: func() time.Time { return time.Now().UTC() }}
	msg := mail.Message{ID: ids.NewV7(time.Now()), To: to, Subject: "Kontor: stream check", Text: "hello"}
	if err := o.Deliver(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	if err := o.Deliver(context.Background(), msg); err != nil { // idempotent by id
		t.Fatal(err)
	}
	if m := mailTo(t, to, "stream check"); m.Text != "hello" {
		t.Fatalf("mail %+v", m)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !sentAndForgotten(t, stack.Name("MailOutboxTable"), msg.ID) {
		if time.Now().After(deadline) {
			t.Fatal("outbox still holds the sent message")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := o.Deliver(context.Background(), msg); err != nil { // a late retry of the request
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	if n := mailCount(t, to); n != 1 {
		t.Fatalf("mail sent %d times", n)
	}
	// The scheduled sweep runs through the real function too.
	if err := stack.TriggerSchedule(context.Background(), "MailOutboxFunction"); err != nil {
		t.Fatalf("sweep: %v", err)
	}
}

// A message whose send failed stays queued, is sent by a later sweep, and anything
// older than a day is dropped unsent: the outbox keeps personal data a day at most.
func TestSweepRetriesFailedSendsAndDropsStaleMail(t *testing.T) {
	table := createScratchOutbox(t)
	now := time.Now().UTC()
	clock := now
	outbox := &mail.Outbox{DB: db(), Table: table, Now: func() time.Time { return clock }}
	d := &mail.Dispatcher{DB: db(), Table: table, Sender: failingSender{}, Now: func() time.Time { return clock },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	to := newEmail("sweep")
	if err := outbox.Deliver(context.Background(), mail.Message{ID: ids.NewV7(now), To: to, Subject: "Kontor: sweep check", Text: "x"}); err != nil {
		t.Fatal(err)
	}
	// Within the stream's grace period the sweep leaves the message alone.
	rep, err := d.Sweep(context.Background())
	if err != nil || rep.Deferred != 1 || rep.Failed != 0 {
		t.Fatalf("sweep in grace: %+v %v", rep, err)
	}
	clock = now.Add(mail.StreamGrace + time.Second)
	if rep, err = d.Sweep(context.Background()); err != nil || rep.Failed != 1 {
		t.Fatalf("failing sweep: %+v %v", rep, err)
	}
	if mailCount(t, to) != 0 || scratchCount(t, table) != 1 {
		t.Fatal("failed message not kept for retry")
	}
	d.Sender = sesmail.SES{Client: ses.NewFromConfig(awsCfg), From: "no-reply@kontor.example"}
	clock = now.Add(30 * time.Minute)
	if rep, err = d.Sweep(context.Background()); err != nil || rep.Sent != 1 {
		t.Fatalf("retry sweep: %+v %v", rep, err)
	}
	mailTo(t, to, "sweep check")
	if n := scratchPending(t, table); n != 0 {
		t.Fatalf("outbox holds %d messages after sending", n)
	}

	stale := newEmail("stale")
	clock = now
	if err := outbox.Deliver(context.Background(), mail.Message{ID: ids.NewV7(now), To: stale, Subject: "Kontor: stale", Text: "x"}); err != nil {
		t.Fatal(err)
	}
	clock = now.Add(mail.Retention + time.Minute)
	if rep, err = d.Sweep(context.Background()); err != nil || rep.Dropped != 1 || rep.Sent != 0 {
		t.Fatalf("stale sweep: %+v %v", rep, err)
	}
	if mailCount(t, stale) != 0 || scratchPending(t, table) != 0 {
		t.Fatal("stale message was sent or kept")
	}
}

// sentAndForgotten reports whether the outbox remembers mail id as sent, without
// its content.
func sentAndForgotten(t *testing.T, table, id string) bool {
	t.Helper()
	out, err := db().GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true),
		Key: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "MAIL#" + id}}})
	if err != nil {
		t.Fatal(err)
	}
	state, _ := out.Item["state"].(*types.AttributeValueMemberS)
	_, to := out.Item["to"]
	_, text := out.Item["text"]
	return state != nil && state.Value == "sent" && !to && !text
}

// scratchPending counts the messages of a table that still hold their content.
func scratchPending(t *testing.T, table string) int {
	t.Helper()
	out, err := db().Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(table), Select: types.SelectCount, ConsistentRead: aws.Bool(true),
		FilterExpression: aws.String("attribute_exists(#to)"), ExpressionAttributeNames: map[string]string{"#to": "to"}})
	if err != nil {
		t.Fatal(err)
	}
	return int(out.Count)
}

// createScratchOutbox makes a table shaped like MailOutboxTable but without its
// stream, so the dispatcher function does not race the test.
func createScratchOutbox(t *testing.T) string {
	t.Helper()
	name := "scratch-outbox-" + ids.NewV7(time.Now())[:13]
	_, err := db().CreateTable(context.Background(), &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		BillingMode:          types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = db().DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: aws.String(name)})
	})
	return name
}

func scratchCount(t *testing.T, table string) int {
	t.Helper()
	out, err := db().Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(table), Select: types.SelectCount, ConsistentRead: aws.Bool(true),
		FilterExpression: aws.String(notSweepPosition.Expr), ExpressionAttributeValues: notSweepPosition.Values})
	if err != nil {
		t.Fatal(err)
	}
	return int(out.Count)
}
