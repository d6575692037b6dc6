// Package ratelimit keeps Kontor's abuse limits: how often one client, one account or
// one target address may do something in a window (sign-ups, mail, tokens,
// passwords, uploads). Counters live in the limits table, so a limit holds across
// every Lambda instance and survives a cold start. Keys are keyed hashes (HMAC with a
// per-deployment secret kept in the same table), so the table holds no address,
// account id or IP in the clear, and every counter expires with its window.
package ratelimit

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/dynamo"
	"kontor/shared/ids"
)

// Scope says whose actions a rule counts.
type Scope string

// Scopes of a rule.
const (
	// PerClient counts by the caller's IP address.
	PerClient Scope = "client"
	// PerAccount counts by the signed-in account.
	PerAccount Scope = "account"
	// PerAddress counts by a target email address (mail sent to it).
	PerAddress Scope = "address"
	// PerTarget counts by what the request acts on (a listing's replies), never
	// by a person: it bounds what all callers together do to one thing.
	PerTarget Scope = "target"
	// Global counts every caller's events together: one counter per window for the
	// whole deployment, keyed by the rule alone, so it holds no personal data.
	Global Scope = "all"
)

// Rule is one limit: at most Max events per Window for one value of its scope. The
// window slides: the previous window's count weighs in by how much of it still
// overlaps, so a burst at a window boundary cannot double the limit.
type Rule struct {
	Name   string // stable, e.g. "accounts.create"; part of the counter key
	Scope  Scope
	Max    int
	Window time.Duration
}

// String describes the rule for docs and logs: "5 per client per 1h0m0s", "100 from
// all clients per 1h0m0s".
func (r Rule) String() string {
	if r.Scope == Global {
		return fmt.Sprintf("%d from all clients per %s", r.Max, r.Window)
	}
	return fmt.Sprintf("%d per %s per %s", r.Max, r.Scope, r.Window)
}

// Limiter counts events in the limits table.
type Limiter struct {
	DB    dynamo.DB
	Table string
	Now   func() time.Time

	mu     sync.Mutex
	secret []byte
}

// keySecret is the item holding the deployment's hashing secret.
const keySecret = "CONFIG#secret"

// Take counts one event of rule for value (an IP address, account id or email
// address; ignored by a Global rule). It returns 0 when the event is within the
// limit, or how long the caller must wait when it is not; an event over the limit is
// not counted. An empty value (no client address, say) is never limited, except by a
// Global rule, which counts every event.
func (l *Limiter) Take(ctx context.Context, rule Rule, value string) (time.Duration, error) {
	if value == "" && rule.Scope != Global {
		return 0, nil
	}
	if rule.Max <= 0 || rule.Window <= 0 || rule.Name == "" {
		return 0, fmt.Errorf("rate limit %q: invalid rule", rule.Name)
	}
	secret, err := l.hashSecret(ctx)
	if err != nil {
		return 0, err
	}
	now := l.Now()
	w := window(rule, now)
	base := counterBase(secret, rule, value)
	prev, err := l.count(ctx, base+strconv.FormatInt(w.index-1, 10), now)
	if err != nil {
		return 0, err
	}
	// The sliding estimate: the previous window's events, weighted by the share of it
	// that still lies within Window of now, plus this window's.
	// Rounded up: the estimate errs on the strict side.
	carried := int(math.Ceil(float64(prev)*(1-w.elapsed) - 1e-9))
	allowed := rule.Max - carried
	if allowed <= 0 {
		return w.retryAfter(rule, prev, 0), nil
	}
	// The call's own token: the SDK repeats this very request when an answer is
	// lost, and the repeat must not count the event again. The increment writes the
	// token, and its condition refuses a counter that last counted it.
	tok := ids.NewToken()
	pk := base + strconv.FormatInt(w.index, 10)
	_, err = l.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:           aws.String(l.Table),
		Key:                 dynamo.Key(pk, ""),
		UpdateExpression:    aws.String("ADD #n :one SET #ttl = if_not_exists(#ttl, :ttl), #last = :tok"),
		ConditionExpression: aws.String("(attribute_not_exists(#n) OR #n < :allowed) AND (attribute_not_exists(#last) OR #last <> :tok)"),
		ExpressionAttributeNames: map[string]string{
			"#n": "n", "#ttl": "ttl", "#last": "last",
		},
		ExpressionAttributeValues: dynamo.Item{
			":one":     dynamo.N(1),
			":allowed": dynamo.N(int64(allowed)),
			":ttl":     dynamo.N(w.end.Add(rule.Window).Unix()),
			":tok":     dynamo.S(tok),
		},
	})
	if dynamo.ConditionFailed(err) {
		// Over the limit, or a repeat of this call's own increment whose answer was
		// lost: the counter then still carries the token.
		counted, err := l.countedBy(ctx, pk, tok)
		if err != nil {
			return 0, fmt.Errorf("rate limit %s: %w", rule.Name, err)
		}
		if counted {
			return 0, nil
		}
		return w.retryAfter(rule, prev, allowed), nil
	}
	if err != nil {
		return 0, fmt.Errorf("rate limit %s: count: %w", rule.Name, err)
	}
	return 0, nil
}

// countedBy reports whether the counter's last increment was the one with tok.
func (l *Limiter) countedBy(ctx context.Context, pk, tok string) (bool, error) {
	out, err := l.DB.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      aws.String(l.Table),
		Key:            dynamo.Key(pk, ""),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return false, fmt.Errorf("read counter: %w", err)
	}
	last, ok := out.Item["last"].(*types.AttributeValueMemberS)
	return ok && last.Value == tok, nil
}

// windowAt is the fixed window that contains a moment, and how far into it the moment is.
type windowAt struct {
	index   int64
	start   time.Time
	end     time.Time
	elapsed float64 // 0 ≤ elapsed < 1
}

func window(rule Rule, now time.Time) windowAt {
	size := rule.Window.Nanoseconds()
	idx := now.UnixNano() / size
	start := time.Unix(0, idx*size).UTC()
	return windowAt{index: idx, start: start, end: start.Add(rule.Window), elapsed: float64(now.UnixNano()-idx*size) / float64(size)}
}

// retryAfter estimates how long until an event would be allowed, given the previous
// window's count and (at least) the current one's: within this window once the
// carried share of the previous window has faded enough, else when this window ends
// (in the next one, this window's events start to fade at once).
func (w windowAt) retryAfter(rule Rule, prev, current int) time.Duration {
	f := 1.0
	if room := rule.Max - 1 - current; room >= 0 && prev > 0 {
		// ceil(prev × (1 − f)) ≤ room once prev × (1 − f) ≤ room.
		f = 1 - float64(room)/float64(prev)
	}
	f = min(max(f, w.elapsed), 1)
	d := time.Duration((f - w.elapsed) * float64(rule.Window))
	return max((d + time.Second - 1).Truncate(time.Second), time.Second)
}

func (l *Limiter) count(ctx context.Context, pk string, now time.Time) (int, error) {
	out, err := l.DB.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: aws.String(l.Table),
		Key:       dynamo.Key(pk, ""),
	})
	if err != nil {
		return 0, fmt.Errorf("rate limit: read counter: %w", err)
	}
	return itemCount(out.Item, now), nil
}

// itemCount reads a counter item; one past its lifetime counts nothing.
func itemCount(it dynamo.Item, now time.Time) int {
	if it == nil || dynamo.Expired(it, now) {
		return 0
	}
	n, ok := it["n"].(*types.AttributeValueMemberN)
	if !ok {
		return 0
	}
	c, err := strconv.Atoi(n.Value)
	if err != nil {
		return 0
	}
	return c
}

// counterBase is a rule's counter key for one value without the window index:
// "<rule>#<scope>#<HMAC of value>#"; for a Global rule "<rule>#all#", whatever the
// value, so the deployment has one counter per window and the key names no one.
func counterBase(secret []byte, rule Rule, value string) string {
	if rule.Scope == Global {
		return rule.Name + "#" + string(Global) + "#"
	}
	return rule.Name + "#" + string(rule.Scope) + "#" + Pseudonym(secret, string(rule.Scope), value) + "#"
}

// Pseudonym is the keyed hash under which a value is counted.
func Pseudonym(secret []byte, kind, value string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(kind + ":" + value))
	return hex.EncodeToString(m.Sum(nil))[:32]
}

// storedSecret reads the hashing secret; nil when none was made yet (so nothing was
// ever counted).
func storedSecret(ctx context.Context, db dynamo.DB, table string) ([]byte, error) {
	out, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true),
		Key: dynamo.Key(keySecret, "")})
	if err != nil {
		return nil, fmt.Errorf("rate limit secret: %w", err)
	}
	if b, ok := out.Item["secret"].(*types.AttributeValueMemberB); ok {
		return b.Value, nil
	}
	return nil, nil
}

// hashSecret returns the deployment's hashing secret, creating it on first use.
func (l *Limiter) hashSecret(ctx context.Context) ([]byte, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.secret != nil {
		return l.secret, nil
	}
	secret, err := dynamo.Table{DB: l.DB, Name: l.Table}.Secret(ctx, dynamo.Key(keySecret, ""))
	if err != nil {
		return nil, fmt.Errorf("rate limit: %w", err)
	}
	l.secret = secret
	return l.secret, nil
}
