package mail

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/dynamo"
	"kontor/shared/ratelimit"
)

// Retention is how long an unsent message may stay in the outbox; DynamoDB TTL is the
// backstop, and the sweep drops anything older itself.
const Retention = 24 * time.Hour

// MaxAttempts bounds sends of one message.
const MaxAttempts = 8

// StreamGrace is how long the sweep leaves a new message to the stream, so the two
// do not claim it at the same time.
const StreamGrace = 2 * time.Minute

// StuckAfter is how long a message may stay "sending": longer than the dispatcher
// function may run (60 s). One still sending after it belongs to a dispatcher that
// was stopped mid-send, which may have sent it; the sweep ends it as unknown and
// never sends it again.
const StuckAfter = 5 * time.Minute

// Remember is how long the outbox keeps an ended message's id (without its
// content), so that queueing the same id again, as a request function's retry
// after a lost answer does, sends nothing.
const Remember = time.Hour

// States of a queued message. A message without a state is queued.
const (
	// stateSending: a dispatcher claimed it (claim, sendingAt) and calls SES.
	stateSending = "sending"
	// Ended: the content is removed and the id remembered until its ttl.
	stateSent    = "sent"    // SES accepted it
	stateDropped = "dropped" // never sent: attempts or retention used up
	stateUnknown = "unknown" // the send may or may not have happened; never repeated
)

// Outbox queues messages in the outbox table. It does not send: the table's stream
// hands each new message to the dispatcher function, which alone may use SES. So a
// request never waits for the mail service, and no request function holds a right
// to send mail.
type Outbox struct {
	DB    dynamo.DB
	Table string
	Now   func() time.Time
	// Limiter bounds unsolicited mail per recipient; required for such mail.
	Limiter RecipientLimiter
	// Log records suppressed mail (by id and kind only).
	Log *slog.Logger
}

// RecipientLimiter counts mail to an address (ratelimit.Limiter).
type RecipientLimiter interface {
	Take(ctx context.Context, rule ratelimit.Rule, value string) (time.Duration, error)
}

// item is a queued message as stored.
type item struct {
	PK      string `dynamodbav:"pk"`
	ID      string `dynamodbav:"id"`
	To      string `dynamodbav:"to,omitempty"`
	Subject string `dynamodbav:"subject,omitempty"`
	Text    string `dynamodbav:"text,omitempty"`
	// Headers are the message's extra header fields; removed with the content.
	Headers     map[string]string `dynamodbav:"headers,omitempty"`
	Attempts    int               `dynamodbav:"attempts"`
	NextAttempt int64             `dynamodbav:"nextAttempt"`
	CreatedAt   int64             `dynamodbav:"createdAt"`
	TTL         int64             `dynamodbav:"ttl"`
	// ToKey is the hash of the recipient's address the byRecipient index is keyed by.
	ToKey string `dynamodbav:"toKey,omitempty"`
	// State is "" while queued, then sending, and at the end sent, dropped or
	// unknown.
	State string `dynamodbav:"state,omitempty"`
	// SendingAt and Claim: when and by which attempt the message was claimed.
	SendingAt int64  `dynamodbav:"sendingAt,omitempty"`
	Claim     string `dynamodbav:"claim,omitempty"`
}

// ended reports whether the message is sent, dropped or of unknown outcome.
func (it item) ended() bool {
	return it.State == stateSent || it.State == stateDropped || it.State == stateUnknown
}

func (it item) message() Message {
	return Message{ID: it.ID, To: it.To, Subject: it.Subject, Text: it.Text, Headers: it.Headers}
}

// prefixMail begins the key of every queued message.
const prefixMail = "MAIL#"

func mailKey(id string) dynamo.Item { return dynamo.Key(prefixMail+id, "") }

// ByRecipient is the outbox's index of the mail to one address (toKey).
var ByRecipient = dynamo.Index{Name: "byRecipient", Attr: "toKey"}

// RecipientKey is the hash under which mail to an address is indexed: SHA-256 of
// the normalised address, hex, 32 characters. Unkeyed, unlike the other modules'
// address keys: every function that queues mail holds only PutItem on the outbox,
// and a shared secret would give each of them a read; the item itself carries the
// address in the clear, for a day at most.
func RecipientKey(to string) string {
	h := sha256.Sum256([]byte("mail-to:" + strings.ToLower(strings.TrimSpace(to))))
	return hex.EncodeToString(h[:])[:32]
}

// Mailbox is the mailbox an address reaches, for counting what is sent to it:
// lower case, without a sub-address ("anna+x@example.org" and "Anna+y@…" reach
// anna@example.org at most providers). Counting per literal address would let a
// stranger multiply the limit of unsolicited mail to one person by tags.
func Mailbox(addr string) string {
	addr = strings.ToLower(strings.TrimSpace(addr))
	local, domain, ok := strings.Cut(addr, "@")
	if !ok {
		return addr
	}
	if base, _, tagged := strings.Cut(local, "+"); tagged && base != "" {
		local = base
	}
	return local + "@" + domain
}

// eachQueued calls fn with every queued message that matches filter (all of them
// when it is empty) in the pass's next part of the outbox: a run reads a bounded
// part, the next run goes on.
func eachQueued(ctx context.Context, outbox dynamo.Table, pass string, filter dynamo.Cond, fn func(item) error) error {
	_, err := outbox.Sweep(ctx, dynamo.Sweep{Name: pass, PartitionKeyOnly: true}, filter, func(raw dynamo.Item) error {
		var it item
		if err := dynamo.Unmarshal(raw, &it); err != nil {
			return fmt.Errorf("unmarshal outbox: %w", err)
		}
		return fn(it)
	})
	return err
}

// Deliver queues m for sending. Queueing the same message id twice is harmless,
// also once it was sent (its id is remembered for an hour). Unsolicited mail over
// the recipient's limit is dropped without an error.
func (o *Outbox) Deliver(ctx context.Context, m Message) error {
	if m.Unsolicited {
		if o.Limiter == nil {
			return fmt.Errorf("enqueue mail %s: unsolicited mail needs a recipient limiter", m.ID)
		}
		wait, err := o.Limiter.Take(ctx, ratelimit.MailToAddress, Mailbox(m.To))
		if err != nil {
			return fmt.Errorf("enqueue mail %s: %w", m.ID, err)
		}
		if wait > 0 {
			if o.Log != nil {
				o.Log.WarnContext(ctx, "mail suppressed: recipient limit", slog.String("mailId", m.ID), slog.String("kind", m.Kind))
			}
			return nil
		}
	}
	now := o.Now()
	av, err := attributevalue.MarshalMap(item{
		PK: prefixMail + m.ID, ID: m.ID, To: m.To, Subject: m.Subject, Text: m.Text, Headers: m.Headers, ToKey: RecipientKey(m.To),
		NextAttempt: now.Add(StreamGrace).Unix(), CreatedAt: now.Unix(), TTL: now.Add(Retention).Unix(),
	})
	if err != nil {
		return fmt.Errorf("marshal mail %s: %w", m.ID, err)
	}
	_, err = o.DB.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:           aws.String(o.Table),
		Item:                av,
		ConditionExpression: aws.String("attribute_not_exists(pk)"),
	})
	if dynamo.ConditionFailed(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("enqueue mail %s: %w", m.ID, err)
	}
	return nil
}
