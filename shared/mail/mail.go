// Package mail sends Kontor's mail through an outbox: request functions store a
// message in the outbox table; the table's stream hands it to the dispatcher, which
// sends it and removes it, and a sweep retries what a failed send left behind. So a
// failed send is retried, not lost, and the outbox keeps nothing longer than a day.
package mail

import "context"

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
	// ratelimit.MailToAddress of it per address and drops the rest silently, so
	// nobody can flood an address and the answer of the route stays the same.
	Unsolicited bool
}

// Sender delivers a message or fails.
type Sender interface {
	Send(ctx context.Context, m Message) error
}
