package mail

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/dynamo"
)

// Dispatcher sends queued messages: each new one as the outbox table's stream reports
// it, and on a schedule whatever is still queued after a failed send.
type Dispatcher struct {
	DB     dynamo.DB
	Table  string
	Sender Sender
	Now    func() time.Time
	Log    *slog.Logger
}

// Report counts what one run did.
type Report struct {
	Sent     int `json:"sent"`
	Failed   int `json:"failed"`
	Dropped  int `json:"dropped"`
	Deferred int `json:"deferred"`
}

// HandleStream is the handler for the outbox table's stream: it sends every newly
// inserted message. A failed send is postponed in the table for the sweep, not
// retried through the stream, so one bad message never holds up the others.
func (d *Dispatcher) HandleStream(ctx context.Context, ev events.DynamoDBEvent) (Report, error) {
	var rep Report
	for _, rec := range ev.Records {
		if rec.EventName != string(events.DynamoDBOperationTypeInsert) {
			continue
		}
		pk, ok := rec.Change.Keys["pk"]
		if !ok || pk.DataType() != events.DataTypeString {
			continue
		}
		// The stream carries keys only; the item is read afresh, so a message that
		// the sweep already sent (and deleted) is not sent twice.
		it, found, err := d.load(ctx, pk.String())
		if err != nil {
			return rep, err
		}
		if !found {
			continue
		}
		if err := d.attempt(ctx, it, &rep); err != nil {
			return rep, err
		}
	}
	d.Log.InfoContext(ctx, "outbox stream", slog.Int("sent", rep.Sent), slog.Int("failed", rep.Failed))
	return rep, nil
}

// Handle is the dispatcher function's handler: a stream batch (it has Records) or a
// scheduled sweep (anything else).
func (d *Dispatcher) Handle(ctx context.Context, raw json.RawMessage) (Report, error) {
	var probe struct {
		Records []json.RawMessage `json:"Records"`
	}
	if err := json.Unmarshal(raw, &probe); err == nil && len(probe.Records) > 0 {
		var ev events.DynamoDBEvent
		if err := json.Unmarshal(raw, &ev); err != nil {
			return Report{}, fmt.Errorf("decode stream event: %w", err)
		}
		return d.HandleStream(ctx, ev)
	}
	return d.HandleSchedule(ctx, raw)
}

// HandleSchedule is the handler for the sweep schedule.
func (d *Dispatcher) HandleSchedule(ctx context.Context, _ json.RawMessage) (Report, error) {
	rep, err := d.Sweep(ctx)
	d.Log.InfoContext(ctx, "outbox sweep", slog.Int("sent", rep.Sent), slog.Int("failed", rep.Failed),
		slog.Int("dropped", rep.Dropped), slog.Int("deferred", rep.Deferred))
	return rep, err
}

func (d *Dispatcher) load(ctx context.Context, pk string) (item, bool, error) {
	out, err := d.DB.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(d.Table), ConsistentRead: aws.Bool(true), Key: dynamo.Key(pk, ""),
	})
	if err != nil {
		return item{}, false, fmt.Errorf("load queued mail: %w", err)
	}
	if out.Item == nil {
		return item{}, false, nil
	}
	var it item
	if err := attributevalue.UnmarshalMap(out.Item, &it); err != nil {
		return item{}, false, fmt.Errorf("unmarshal queued mail: %w", err)
	}
	return it, true, nil
}

// attempt sends one message and removes it, or counts the failure and postpones it;
// a message past its retention or attempts is dropped (logged by id only).
func (d *Dispatcher) attempt(ctx context.Context, it item, rep *Report) error {
	now := d.Now()
	if now.Unix() >= it.TTL || it.Attempts >= MaxAttempts {
		d.Log.WarnContext(ctx, "mail dropped undelivered", slog.String("mailId", it.ID), slog.Int("attempts", it.Attempts))
		rep.Dropped++
		return d.remove(ctx, it.ID)
	}
	if err := d.Sender.Send(ctx, it.message()); err != nil {
		d.Log.WarnContext(ctx, "mail send failed", slog.String("mailId", it.ID), slog.String("error", errorClass(err)))
		rep.Failed++
		return d.postpone(ctx, it.ID, it.Attempts+1)
	}
	rep.Sent++
	return d.remove(ctx, it.ID)
}

func (d *Dispatcher) remove(ctx context.Context, id string) error {
	_, err := d.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(d.Table), Key: mailKey(id)})
	if err != nil {
		return fmt.Errorf("remove mail %s: %w", id, err)
	}
	return nil
}

// backoff returns the wait before the next attempt: 2, 4, 8 … minutes, at most an hour.
func backoff(attempts int) time.Duration {
	return min(time.Minute<<min(attempts, 6), time.Hour)
}

func (d *Dispatcher) postpone(ctx context.Context, id string, attempts int) error {
	next := d.Now().Add(backoff(attempts)).Unix()
	_, err := d.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 aws.String(d.Table),
		Key:                       mailKey(id),
		UpdateExpression:          aws.String("SET attempts = :a, nextAttempt = :n"),
		ConditionExpression:       aws.String("attribute_exists(pk)"),
		ExpressionAttributeValues: dynamo.Item{":a": dynamo.N(int64(attempts)), ":n": dynamo.N(next)},
	})
	if dynamo.ConditionFailed(err) {
		return nil // sent and removed meanwhile
	}
	if err != nil {
		return fmt.Errorf("postpone mail %s: %w", id, err)
	}
	return nil
}

// Sweep sends every queued message whose next attempt is due and drops what is past
// retention or attempts, so the outbox keeps no personal data longer than a day.
func (d *Dispatcher) Sweep(ctx context.Context) (Report, error) {
	var rep Report
	now := d.Now().Unix()
	err := eachQueued(ctx, dynamo.Table{DB: d.DB, Name: d.Table}, dynamo.Cond{}, func(it item) error {
		if it.NextAttempt > now && now < it.TTL {
			rep.Deferred++
			return nil
		}
		return d.attempt(ctx, it, &rep)
	})
	return rep, err
}

// errorClass names the kind of a send error without its text, which may quote the
// recipient address.
func errorClass(err error) string {
	var apiErr interface{ ErrorCode() string }
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return "send_failed"
}
