// Package sesmail sends mail through Amazon SES. Only the mail dispatcher links it:
// no request function carries the SES client or the right to send.
//
// It uses the SES (v1) API's SendEmail rather than SES v2: both need the same IAM
// action (ses:SendEmail) and send the same message, but the SES v2 client's
// generated schema tables take about half a millisecond to initialise at every cold
// start, which alone put the dispatcher over its init-time budget (make bench).
package sesmail

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/ses"
	"github.com/aws/aws-sdk-go-v2/service/ses/types"

	"kontor/shared/env"
	"kontor/shared/mail"
)

// API is the part of the SES client the sender uses.
type API interface {
	SendEmail(ctx context.Context, in *ses.SendEmailInput, optFns ...func(*ses.Options)) (*ses.SendEmailOutput, error)
	SendRawEmail(ctx context.Context, in *ses.SendRawEmailInput, optFns ...func(*ses.Options)) (*ses.SendRawEmailOutput, error)
}

// SES sends from a fixed, verified sender address.
type SES struct {
	Client API
	From   string
}

// Send sends m as a UTF-8 plain-text mail: through SendEmail, or, when it has
// header fields of its own (List-Unsubscribe), which SendEmail cannot carry,
// as a MIME message through SendRawEmail.
func (s SES) Send(ctx context.Context, m mail.Message) error {
	var err error
	if len(m.Headers) > 0 {
		raw, rerr := Raw(s.From, m)
		if rerr != nil {
			return fmt.Errorf("ses send %s: %w: %w", m.ID, mail.ErrNotSent, rerr)
		}
		_, err = s.Client.SendRawEmail(ctx, &ses.SendRawEmailInput{
			Source: aws.String(s.From), Destinations: []string{m.To}, RawMessage: &types.RawMessage{Data: raw},
		})
	} else {
		_, err = s.Client.SendEmail(ctx, &ses.SendEmailInput{
			Source:      aws.String(s.From),
			Destination: &types.Destination{ToAddresses: []string{m.To}},
			Message: &types.Message{
				Subject: &types.Content{Data: aws.String(m.Subject), Charset: aws.String("UTF-8")},
				Body:    &types.Body{Text: &types.Content{Data: aws.String(m.Text), Charset: aws.String("UTF-8")}},
			},
		})
	}
	if err != nil && NotSent(err) {
		return fmt.Errorf("ses send %s: %w: %w", m.ID, mail.ErrNotSent, err)
	}
	if err != nil {
		return fmt.Errorf("ses send %s: %w", m.ID, err)
	}
	return nil
}

// NotSent reports whether a failed SendEmail certainly sent nothing: SES answered
// with an error status (it accepted no message), or no connection to it was made.
// A connection cut after the request went out, a timeout, or a success whose body
// could not be read may have sent the message.
func NotSent(err error) bool {
	var answered interface{ HTTPStatusCode() int }
	if errors.As(err, &answered) && answered.HTTPStatusCode() >= 300 {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// RetryOnlyUnsent is the SES client's retry policy: the SDK repeats a SendEmail
// only when the failed attempt certainly sent nothing (NotSent), with Kontor's
// attempts and backoff. A repeat after a lost answer would send the mail again.
func RetryOnlyUnsent(o *ses.Options) {
	o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
		so.MaxAttempts, so.MaxBackoff = env.MaxAttempts, env.MaxBackoff
		so.Retryables = append([]retry.IsErrorRetryable{unsentOnly{}}, so.Retryables...)
	})
}

// unsentOnly vetoes a retry of a call that may have sent the message; for the
// others the standard checks decide.
type unsentOnly struct{}

func (unsentOnly) IsErrorRetryable(err error) aws.Ternary {
	if NotSent(err) {
		return aws.UnknownTernary
	}
	return aws.FalseTernary
}
