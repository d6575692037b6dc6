// Package requestlog keeps what browsers send automatically with every request
// (client IP, time, method and route, status, user agent, referrer) only as long as
// the deployment's mode allows, aggregates it into anonymous daily statistics, and
// deletes it (HGK-13, HGK-14, HKC-11, HKC-12, CP-2, H4U-1).
package requestlog

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Modes: how long raw records live.
const (
	// ModeAggregate (default, HGK-14): aggregated within 24 hours, then deleted.
	ModeAggregate = "aggregate"
	// ModeSecurity (HKC-12): kept 60 days for security investigations, admin-only.
	ModeSecurity = "security"
	// ModeServerLog (H4U-1, CP-2): kept 12 months, never joined with other data.
	ModeServerLog = "server-log"
)

// Retention returns how long raw records live in a mode; an unknown mode is
// refused at start-up.
func Retention(mode string) (time.Duration, error) {
	switch mode {
	case ModeAggregate, "":
		return 24 * time.Hour, nil
	case ModeSecurity:
		return 60 * 24 * time.Hour, nil
	case ModeServerLog:
		return 365 * 24 * time.Hour, nil
	}
	return 0, fmt.Errorf("unknown request log mode %q", mode)
}

// Shards spread one day's raw records over several partitions.
const Shards = 8

// Raw is one request's automatically transmitted data.
type Raw struct {
	At       time.Time `dynamodbav:"at" json:"at"`
	IP       string    `dynamodbav:"ip" json:"ip"`
	Method   string    `dynamodbav:"method" json:"method"`
	Route    string    `dynamodbav:"route" json:"route"`
	Resource string    `dynamodbav:"resource,omitempty" json:"resource,omitempty"`
	Status   int       `dynamodbav:"status" json:"status"`
	UA       string    `dynamodbav:"ua,omitempty" json:"userAgent,omitempty"`
	Referrer string    `dynamodbav:"referrer,omitempty" json:"referrer,omitempty"`
	ID       string    `dynamodbav:"id" json:"requestId"`
	Feature  string    `dynamodbav:"feature,omitempty" json:"feature,omitempty"`
	// Processed is set once the record is counted (modes that keep raw records).
	Processed bool  `dynamodbav:"processed,omitempty" json:"-"`
	TTL       int64 `dynamodbav:"ttl" json:"-"`
}

// DB is the part of the DynamoDB client the request log uses.
type DB interface {
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
}

// Recorder writes raw records.
type Recorder struct {
	DB        DB
	Table     string
	Retention time.Duration
}

// Day is the UTC date of t as stored.
func Day(t time.Time) string { return t.UTC().Format("2006-01-02") }

func shardKey(day string, shard int) string { return "RAW#" + day + "#" + strconv.Itoa(shard) }

// Record stores one raw record. Bounded fields keep a hostile header from bloating
// the table.
func (r *Recorder) Record(ctx context.Context, raw Raw) error {
	raw.UA, raw.Referrer = clip(raw.UA, 512), clip(raw.Referrer, 512)
	raw.TTL = raw.At.Add(r.Retention).Unix()
	item, err := attributevalue.MarshalMap(raw)
	if err != nil {
		return fmt.Errorf("marshal request record: %w", err)
	}
	var b [1]byte
	_, _ = rand.Read(b[:])
	item["pk"] = &types.AttributeValueMemberS{Value: shardKey(Day(raw.At), int(b[0])%Shards)}
	item["sk"] = &types.AttributeValueMemberS{Value: raw.At.UTC().Format(time.RFC3339Nano) + "#" + raw.ID}
	_, err = r.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(r.Table), Item: item})
	if err != nil {
		return fmt.Errorf("put request record: %w", err)
	}
	return nil
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for !utf8ValidSuffix(s) {
		s = s[:len(s)-1]
	}
	return s
}

func utf8ValidSuffix(s string) bool { return strings.ToValidUTF8(s, "") == s }

// newSalt returns 32 random bytes as hex.
func newSalt() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

var errNoItem = errors.New("requestlog: no item")
