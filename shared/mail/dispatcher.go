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
	"kontor/shared/ids"
)

// Dispatcher sends queued messages, each at most once: each new one as the outbox
// table's stream reports it, and on a schedule whatever is still queued after a
// refused send.
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
	// Unknown counts sends whose outcome is unknown (the answer lost, or a
	// dispatcher stopped mid-send): they may have gone out and are not repeated.
	Unknown int `json:"unknown"`
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
		// The stream carries keys only; the item is read afresh, and a message
		// that the sweep already claimed or sent is left alone.
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
	d.Log.InfoContext(ctx, "outbox stream", slog.Int("sent", rep.Sent), slog.Int("failed", rep.Failed), slog.Int("unknown", rep.Unknown))
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
		slog.Int("dropped", rep.Dropped), slog.Int("deferred", rep.Deferred), slog.Int("unknown", rep.Unknown))
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

// attempt sends one message at most once. It claims the message first (a
// conditional state change to "sending" with the time and a claim token), so no
// other dispatcher, and no later retry, sends it again; then it sends, and ends the
// message: sent; or, when the send certainly sent nothing (ErrNotSent), queued again
// for a later attempt; or, when the outcome is unknown, unknown, never to be sent
// again. A message past its retention or attempts is dropped; one left "sending"
// by a dispatcher that stopped is ended as unknown once StuckAfter has passed.
// Logs name the message by id only.
func (d *Dispatcher) attempt(ctx context.Context, it item, rep *Report) error {
	now := d.Now()
	switch {
	case it.ended():
		return nil
	case it.State == stateSending:
		if now.Before(time.Unix(it.SendingAt, 0).Add(StuckAfter)) {
			rep.Deferred++
			return nil
		}
		d.Log.WarnContext(ctx, "mail outcome unknown: left sending", slog.String("mailId", it.ID), slog.Int("attempts", it.Attempts))
		rep.Unknown++
		return d.end(ctx, it.ID, stateUnknown, claimed(it.Claim))
	case now.Unix() >= it.TTL || it.Attempts >= MaxAttempts:
		d.Log.WarnContext(ctx, "mail dropped undelivered", slog.String("mailId", it.ID), slog.Int("attempts", it.Attempts))
		rep.Dropped++
		return d.end(ctx, it.ID, stateDropped, queued(it.Attempts))
	}
	token, ok, err := d.claim(ctx, it, now)
	if err != nil || !ok {
		return err // another dispatcher has it
	}
	err = d.Sender.Send(ctx, it.message())
	switch {
	case err == nil:
		rep.Sent++
		return d.end(ctx, it.ID, stateSent, claimed(token))
	case errors.Is(err, ErrNotSent):
		d.Log.WarnContext(ctx, "mail send failed", slog.String("mailId", it.ID), slog.String("error", errorClass(err)))
		rep.Failed++
		return d.requeue(ctx, it.ID, it.Attempts+1, token)
	default:
		d.Log.WarnContext(ctx, "mail outcome unknown: no answer", slog.String("mailId", it.ID), slog.String("error", errorClass(err)))
		rep.Unknown++
		return d.end(ctx, it.ID, stateUnknown, claimed(token))
	}
}

// claimed is the condition that the message is still claimed by token.
func claimed(token string) dynamo.Cond {
	return dynamo.Cond{Expr: "#claim = :claim", Names: map[string]string{"#claim": "claim"}, Values: dynamo.Item{":claim": dynamo.S(token)}}
}

// queued is the condition that the message is queued and attempts have not moved.
func queued(attempts int) dynamo.Cond {
	return dynamo.Cond{Expr: "attribute_exists(pk) AND attribute_not_exists(#state) AND attempts = :seen",
		Names: map[string]string{"#state": "state"}, Values: dynamo.Item{":seen": dynamo.N(int64(attempts))}}
}

// update changes one message under cond; false when cond failed.
func (d *Dispatcher) update(ctx context.Context, id, expr string, names map[string]string, values dynamo.Item, cond dynamo.Cond) (bool, error) {
	for k, v := range cond.Names {
		names[k] = v
	}
	for k, v := range cond.Values {
		values[k] = v
	}
	_, err := d.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(d.Table), Key: mailKey(id),
		UpdateExpression: aws.String(expr), ConditionExpression: aws.String(cond.Expr),
		ExpressionAttributeNames: names, ExpressionAttributeValues: values,
	})
	if dynamo.ConditionFailed(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("update mail %s: %w", id, err)
	}
	return true, nil
}

// claim marks a queued message "sending" for this attempt, before anything is sent.
// A claim whose answer was lost meets its own token on the SDK's retry (the
// condition then fails) and is still this attempt's.
func (d *Dispatcher) claim(ctx context.Context, it item, now time.Time) (string, bool, error) {
	token := ids.NewToken()
	ok, err := d.update(ctx, it.ID, "SET #state = :sending, sendingAt = :now, attempts = :next, #claim = :claim",
		map[string]string{"#claim": "claim"},
		dynamo.Item{":sending": dynamo.S(stateSending), ":now": dynamo.N(now.Unix()), ":next": dynamo.N(int64(it.Attempts + 1)), ":claim": dynamo.S(token)},
		queued(it.Attempts))
	if err != nil {
		// The claim may be written with its answers lost, and nothing was sent:
		// queue the message again (best effort; the store is failing), so it is
		// not left to end unknown.
		_ = d.requeue(ctx, it.ID, it.Attempts, token)
		return "", false, err
	}
	if ok {
		return token, true, nil
	}
	have, found, err := d.load(ctx, prefixMail+it.ID)
	if err != nil {
		return "", false, err
	}
	return token, found && have.State == stateSending && have.Claim == token, nil
}

// end ends a message in state: its content is removed, its id remembered until
// Remember has passed.
func (d *Dispatcher) end(ctx context.Context, id, state string, cond dynamo.Cond) error {
	_, err := d.update(ctx, id, "SET #state = :state, #ttl = :ttl REMOVE #to, #subject, #text, #headers",
		map[string]string{"#state": "state", "#ttl": dynamo.TTL, "#to": "to", "#subject": "subject", "#text": "text", "#headers": "headers"},
		dynamo.Item{":state": dynamo.S(state), ":ttl": dynamo.N(d.Now().Add(Remember).Unix())}, cond)
	return err
}

// backoff returns the wait before the next attempt: 2, 4, 8 … minutes, at most an hour.
func backoff(attempts int) time.Duration {
	return min(time.Minute<<min(attempts, 6), time.Hour)
}

// requeue queues a claimed message again after a send that certainly sent nothing.
func (d *Dispatcher) requeue(ctx context.Context, id string, attempts int, token string) error {
	_, err := d.update(ctx, id, "SET nextAttempt = :n REMOVE #state, sendingAt, #claim",
		map[string]string{"#state": "state"},
		dynamo.Item{":n": dynamo.N(d.Now().Add(backoff(attempts)).Unix())}, claimed(token))
	return err
}

// Sweep sends every queued message whose next attempt is due, drops what is past
// retention or attempts, and ends what was left sending, so the outbox keeps no
// personal data longer than a day.
func (d *Dispatcher) Sweep(ctx context.Context) (Report, error) {
	var rep Report
	now := d.Now().Unix()
	// Ended messages are only remembered ids: the sweep reads past them.
	open := dynamo.Cond{Expr: "attribute_not_exists(#state) OR #state = :sending",
		Names: map[string]string{"#state": "state"}, Values: dynamo.Item{":sending": dynamo.S(stateSending)}}
	err := eachQueued(ctx, dynamo.Table{DB: d.DB, Name: d.Table}, "send", open, func(it item) error {
		if it.State == "" && it.NextAttempt > now && now < it.TTL {
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
