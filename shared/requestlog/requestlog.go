// Package requestlog keeps what browsers send automatically with every request
// (client IP, time, method and route, status, user agent, referrer) only as long as
// the deployment's mode allows, aggregates it into anonymous daily statistics, and
// deletes it (HGK-13, HGK-14, HKC-11, HKC-12, CP-2, H4U-1).
package requestlog

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
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
	At       time.Time `json:"at"`
	IP       string    `json:"ip"`
	Method   string    `json:"method"`
	Route    string    `json:"route"`
	Resource string    `json:"resource,omitempty"`
	Status   int       `json:"status"`
	UA       string    `json:"userAgent,omitempty"`
	Referrer string    `json:"referrer,omitempty"`
	ID       string    `json:"requestId"`
	Feature  string    `json:"feature,omitempty"`
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

// Record stores one raw record.
func (r *Recorder) Record(ctx context.Context, raw Raw) error {
	var b [1]byte
	_, _ = rand.Read(b[:])
	item, err := Item(raw, int(b[0])%Shards, r.Retention)
	if err != nil {
		return err
	}
	if _, err := r.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(r.Table), Item: item}); err != nil {
		return fmt.Errorf("put request record: %w", err)
	}
	return nil
}

// A raw record is stored as five attributes: the shard of its day (pk), its time and
// request id (sk), the client address (ip), the end of its retention (ttl), and the
// whole record as one compact JSON attribute (r), which repeats sk and ip. Counting
// reads r alone: moto spends its time per attribute it returns (DynamoDB bills by
// size), and one attribute per record is what lets the hourly aggregation keep pace
// with the capture (docs/requestlog.md).
type packed struct {
	Key       string `json:"k"`
	Method    string `json:"m"`
	Route     string `json:"r"`
	Status    int    `json:"s"`
	Resource  string `json:"p,omitempty"`
	Feature   string `json:"f,omitempty"`
	UA        string `json:"u,omitempty"`
	Referrer  string `json:"ref,omitempty"`
	IP        string `json:"ip"`
	Processed bool   `json:"x,omitempty"`
}

// Item returns the stored form of a raw record in a shard of its day. Bounded fields
// keep a hostile header from bloating the table.
func Item(raw Raw, shard int, retention time.Duration) (map[string]types.AttributeValue, error) {
	return item(raw, shard, retention, false)
}

func item(raw Raw, shard int, retention time.Duration, processed bool) (map[string]types.AttributeValue, error) {
	at := raw.At.UTC()
	sk := at.Format(time.RFC3339Nano) + "#" + raw.ID
	r, err := json.Marshal(packed{Key: sk, Method: raw.Method, Route: raw.Route, Status: raw.Status, Resource: raw.Resource,
		Feature: raw.Feature, UA: clip(raw.UA, 512), Referrer: clip(raw.Referrer, 512), IP: raw.IP, Processed: processed})
	if err != nil {
		return nil, fmt.Errorf("marshal request record: %w", err)
	}
	return map[string]types.AttributeValue{
		"pk":  &types.AttributeValueMemberS{Value: shardKey(Day(at), shard)},
		"sk":  &types.AttributeValueMemberS{Value: sk},
		"ip":  &types.AttributeValueMemberS{Value: raw.IP},
		"ttl": num(at.Add(retention).Unix()),
		"r":   &types.AttributeValueMemberS{Value: string(r)},
	}, nil
}

// stored is a raw record as read back: its key and its data.
type stored struct {
	sk        string
	raw       Raw
	processed bool
}

// decode reads a stored raw record from its r attribute.
func decode(item map[string]types.AttributeValue) (stored, error) {
	var s stored
	r, _ := item["r"].(*types.AttributeValueMemberS)
	if r == nil {
		return s, errors.New("raw record without data")
	}
	var p packed
	if err := json.Unmarshal([]byte(r.Value), &p); err != nil {
		return s, fmt.Errorf("raw record data: %w", err)
	}
	at, id, _ := strings.Cut(p.Key, "#")
	t, err := time.Parse(time.RFC3339Nano, at)
	if err != nil {
		return s, fmt.Errorf("raw record time: %w", err)
	}
	s.sk, s.processed = p.Key, p.Processed
	s.raw = Raw{At: t, IP: p.IP, Method: p.Method, Route: p.Route, Resource: p.Resource, Status: p.Status,
		UA: p.UA, Referrer: p.Referrer, ID: id, Feature: p.Feature}
	return s, nil
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// newSalt returns 32 random bytes as hex.
func newSalt() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

var errNoItem = errors.New("requestlog: no item")
