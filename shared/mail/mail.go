// Package mail sends Kontor's mail through an outbox: request functions store a
// message in the outbox table; the table's stream hands it to the dispatcher, which
// claims it, sends it and removes its content, and a sweep retries what a refused
// send left behind. Each message is sent at most once: a send whose outcome is
// unknown is never repeated. The outbox keeps no content longer than a day.
package mail

import (
	"context"
	"errors"
)

// Message is one plain-text mail to one recipient.
type Message struct {
	ID      string // UUIDv7; makes enqueueing idempotent
	To      string
	Subject string
	Text    string
	// Kind names the mail for logs ("reset", "confirm"); never personal data.
	Kind string
	// Unsolicited marks mail that anyone can cause to be sent to an address (access
	// and reset links, notices of an existing account): the outbox sends at most
	// ratelimit.MailToAddress of it per mailbox (Mailbox) and drops the rest silently, so
	// nobody can flood an address and the answer of the route stays the same.
	Unsolicited bool
	// Headers are extra header fields, e.g. List-Unsubscribe (RFC 8058) on
	// notifications one can turn off. Their values must be single lines.
	Headers map[string]string
}

// Sender delivers a message or fails. A failure that certainly sent nothing (the
// mail service refused the message or was never reached) wraps ErrNotSent; any
// other failure may have sent it, and the message is never sent again.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// ErrNotSent marks a failed send that certainly sent nothing, so it may be retried.
var ErrNotSent = errors.New("mail: not sent")
