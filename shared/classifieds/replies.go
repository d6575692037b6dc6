package classifieds

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode"

	"kontor/shared/identity"
	"kontor/shared/ids"
	"kontor/shared/problem"
	"kontor/shared/spam"
)

// Reply is one answer to a listing, sent by anyone without an account (HGK-9).
// It is stored under its advertiser's account, checked by the spam filter
// (HGK-10) and, unless clear spam, mailed to the advertiser and kept for them to
// read until they delete it, the replier deletes it through their link, or the
// advertiser's account goes. A withheld reply is kept only until ExpiresAt.
type Reply struct {
	ID string `dynamodbav:"id" json:"id"`
	// Recipient is the advertiser's account (the listing's); never in an answer.
	Recipient string `dynamodbav:"recipient" json:"-"`
	ListingID string `dynamodbav:"listing" json:"listingId"`
	// ListingTitle is the listing's title when the reply was sent.
	ListingTitle string `dynamodbav:"listingTitle" json:"listingTitle"`
	// Name, Email and Message are what the replier wrote; Language the language
	// of the page they wrote it on, in which their copy is mailed.
	Name     string `dynamodbav:"name" json:"name"`
	Email    string `dynamodbav:"email" json:"email"`
	Message  string `dynamodbav:"message" json:"message"`
	Language string `dynamodbav:"language" json:"language"`
	// Status is one of the Reply… states below.
	Status    string    `dynamodbav:"status" json:"status"`
	CreatedAt time.Time `dynamodbav:"createdAt" json:"createdAt"`
	// Decision is the spam filter's verdict with its score, strongest clues,
	// model and thresholds: what explains a withheld reply to staff.
	Decision spam.Decision `dynamodbav:"decision" json:"-"`
	// TokenDigest is the SHA-256 of the replier's link token; the token itself
	// is only in the replier's copy.
	TokenDigest string `dynamodbav:"tokenDigest" json:"-"`
	// ExpiresAt is when a reply that is not delivered (withheld, in review,
	// confirmed spam) is deleted; nil for a delivered reply.
	ExpiresAt *time.Time `dynamodbav:"expiresAt,omitempty" json:"-"`
	// DeliveredAt is when the reply was delivered (at once, or on release).
	DeliveredAt *time.Time `dynamodbav:"deliveredAt,omitempty" json:"deliveredAt,omitempty"`
	// ReviewRequestedAt, ReviewReason and ReviewedAt are for the review of
	// withheld replies (advertiser's request or the replier's "no reaction"
	// report): set by the review side, kept with the reply.
	ReviewRequestedAt *time.Time `dynamodbav:"reviewRequestedAt,omitempty" json:"-"`
	ReviewReason      string     `dynamodbav:"reviewReason,omitempty" json:"-"`
	ReviewedAt        *time.Time `dynamodbav:"reviewedAt,omitempty" json:"-"`
}

// States of a reply. Only ReplyDelivered is mailed to the advertiser and in
// their list; every other state is "held": kept until ExpiresAt, then deleted.
const (
	// ReplyDelivered: mailed to the advertiser and in their list (ham, unsure,
	// or released by staff).
	ReplyDelivered = "delivered"
	// ReplyWithheld: judged clear spam by the filter; not mailed, not listed.
	ReplyWithheld = "withheld"
	// ReplyInReview: a withheld reply queued for staff's review (the
	// advertiser asked, or the replier reported no reaction).
	ReplyInReview = "review"
	// ReplySpam: staff confirmed the filter's verdict; kept until ExpiresAt.
	ReplySpam = "spam"
)

// Held reports whether the reply is in a state that is not delivered: kept only
// for a short time, never mailed nor listed to the advertiser.
func (r Reply) Held() bool { return r.Status != ReplyDelivered }

// Caps of a reply (docs/limits.md).
const (
	MaxReplyName    = 100
	MaxReplyMessage = 4000
	MaxReplyBody    = 16 << 10
)

// DefaultWithheldFor is how long a withheld reply is kept when the operator set
// nothing (template parameter WithheldReplyDays).
const DefaultWithheldFor = 14 * 24 * time.Hour

// ReplyInput is what a replier writes.
type ReplyInput struct {
	Name    string `json:"name"`
	Email   string `json:"email"`
	Message string `json:"message"`
}

// Validate checks a reply: a name of one line (1–MaxReplyName characters), an
// address, a message (1–MaxReplyMessage, line breaks allowed); markup and
// hidden characters are refused as in listings. Name and address, which go
// into the advertiser's mail header (Reply-To), refuse every control and
// format character, CR and LF first of all.
func (in ReplyInput) Validate() (ReplyInput, error) {
	var fe []problem.FieldError
	in.Name, in.Message = strings.TrimSpace(in.Name), strings.TrimSpace(in.Message)
	if e := checkText("name", in.Name, MaxReplyName, false); e != nil {
		fe = append(fe, *e)
	} else if hasFormat(in.Name) {
		fe = append(fe, problem.FieldError{Field: "name", Code: problem.FieldControlChars})
	}
	if hasFormat(in.Email) || strings.ContainsAny(in.Email, "\r\n") {
		fe = append(fe, problem.FieldError{Field: "email", Code: problem.FieldControlChars})
	} else if email, code := identity.NormalizeEmail(in.Email); !code.IsZero() {
		fe = append(fe, problem.FieldError{Field: "email", Code: code})
	} else {
		in.Email = email
	}
	if e := checkText("message", in.Message, MaxReplyMessage, true); e != nil {
		fe = append(fe, *e)
	}
	if len(fe) > 0 {
		return ReplyInput{}, problem.Invalid(fe...)
	}
	return in, nil
}

// hasFormat reports a control or format character (Cf: direction marks, zero
// widths, soft hyphens) or a line or paragraph separator.
func hasFormat(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool {
		return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029'
	}) >= 0
}

// Errors of the replies store.
var (
	// ErrNoReply is a reply the store does not hold (or not for that advertiser,
	// or not for that token).
	ErrNoReply = errors.New("classifieds: no such reply")
	// ErrReplyChanged is a conditional change of a reply whose status was not
	// the one expected: someone else changed it first.
	ErrReplyChanged = errors.New("classifieds: reply changed meanwhile")
)

// ReplyStore keeps replies (classifiedsdb/replies.go).
type ReplyStore interface {
	// PutReply stores a new reply (either state) with the item of its token;
	// a held reply also in the queue of held replies, all until its ExpiresAt.
	PutReply(ctx context.Context, r Reply) error
	// Reply reads one reply of an advertiser consistently, in any state;
	// ErrNoReply when that advertiser has no such reply.
	Reply(ctx context.Context, recipient, id string) (Reply, error)
	// ReplyOfToken reads the reply whose link token has that digest, in any
	// state; ErrNoReply for an unknown digest.
	ReplyOfToken(ctx context.Context, digest string) (Reply, error)
	// Delivered lists an advertiser's delivered replies, newest first.
	Delivered(ctx context.Context, recipient string, pg Page) ([]Reply, string, error)
	// HeldFor lists an advertiser's held replies (withheld, in review,
	// confirmed spam), newest first.
	HeldFor(ctx context.Context, recipient string, pg Page) ([]Reply, string, error)
	// HeldReplies lists the held replies of all advertisers, oldest first (the
	// staff's review and the sweep).
	HeldReplies(ctx context.Context, pg Page) ([]Reply, string, error)
	// ChangeReply replaces a stored reply by r if its stored status is still
	// from, moving it between the held and delivered kinds as r.Status says
	// (a delivered reply loses ExpiresAt); ErrReplyChanged otherwise.
	ChangeReply(ctx context.Context, r Reply, from string) error
	// DeleteReply deletes a reply and its token item; ErrNoReply when it is
	// gone already.
	DeleteReply(ctx context.Context, r Reply) error
}

// newReplyToken returns a fresh link token and its digest.
func newReplyToken() (string, string) {
	raw := ids.NewToken()
	return raw, ids.Digest(raw)
}
