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
}

// Sender delivers a message or fails.
type Sender interface {
	Send(ctx context.Context, m Message) error
}
