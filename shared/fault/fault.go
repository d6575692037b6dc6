// Package fault tells an outage of a dependency (the database, storage, another
// function) from a defect: the first is answered 503 with Retry-After, so a client
// tries again later; the second is a 500. Nothing here inspects messages, which may
// quote personal data.
package fault

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
)

// RetryAfterSeconds is what an answer to an outage asks the client to wait.
const RetryAfterSeconds = 5

// ErrUnavailable marks an outage detected by Kontor itself (a dependency that
// answered nonsense, say); wrap it to make Unavailable report true.
var ErrUnavailable = errors.New("dependency unavailable")

// Unavailable reports whether err comes from a dependency being down, slow or
// overloaded rather than from a defect: a deadline or attempt budget used up, a
// connection refused or cut, a throttled or 5xx answer.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrUnavailable) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var attempts *retry.MaxAttemptsError
	var quota *ratelimit.QuotaExceededError
	if errors.As(err, &attempts) || errors.As(err, &quota) {
		return true
	}
	if retry.IsErrorRetryables(retry.DefaultRetryables).IsErrorRetryable(err) == aws.TrueTernary {
		return true
	}
	return retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err) == aws.TrueTernary
}

// Describe names an outage for a log line without the error's text, which may carry
// endpoint addresses or request data: the AWS operation, if any, and what went wrong
// ("DynamoDB.GetItem: connection refused").
func Describe(err error) string {
	what := "unavailable"
	var status interface{ HTTPStatusCode() int }
	var timeout interface{ Timeout() bool }
	var code interface{ ErrorCode() string }
	switch msg := err.Error(); {
	case errors.Is(err, context.DeadlineExceeded):
		what = "deadline exceeded"
	case strings.Contains(msg, "connection refused"):
		what = "connection refused"
	case strings.Contains(msg, "connection reset"), strings.Contains(msg, "EOF"), strings.Contains(msg, "broken pipe"):
		what = "connection cut"
	case errors.As(err, &timeout) && timeout.Timeout():
		what = "timeout"
	case errors.As(err, &status) && status.HTTPStatusCode() >= 500:
		what = "status " + strconv.Itoa(status.HTTPStatusCode())
	case errors.As(err, &code) && code.ErrorCode() != "":
		what = code.ErrorCode()
	}
	var op *smithy.OperationError
	if errors.As(err, &op) {
		return op.ServiceID + "." + op.OperationName + ": " + what
	}
	return what
}
