// Package requestlogdb keeps the request log in its table: raw records spread over
// shards of their day (RAW#<day>#<shard>), the aggregator's counts of each batch
// (PART#<day>), its record of each day (STATE#<day>), the day's salt for visitor
// pseudonyms (SALT#<day>) and the day's fixed totals (AGG#<day>). The TTL of raw
// records and salts is DynamoDB's backstop: the aggregator deletes them, and reads
// see what is stored.
package requestlogdb

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

	"kontor/shared/dynamo"
	"kontor/shared/requestlog"
)

// Shards spread one day's raw records over several partitions.
const Shards = 8

// Recorder writes raw records: the capture's requestlog.Recorder.
type Recorder struct {
	DB        dynamo.DB
	Table     string
	Retention time.Duration
}

var _ requestlog.Recorder = (*Recorder)(nil)

func shardKey(day string, shard int) string { return "RAW#" + day + "#" + strconv.Itoa(shard) }

// Record stores one raw record.
func (r *Recorder) Record(ctx context.Context, raw requestlog.Raw) error {
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
func Item(raw requestlog.Raw, shard int, retention time.Duration) (dynamo.Item, error) {
	return item(raw, shard, retention, false)
}

func item(raw requestlog.Raw, shard int, retention time.Duration, processed bool) (dynamo.Item, error) {
	at := raw.At.UTC()
	sk := at.Format(time.RFC3339Nano) + "#" + raw.ID
	r, err := json.Marshal(packed{Key: sk, Method: raw.Method, Route: raw.Route, Status: raw.Status, Resource: raw.Resource,
		Feature: raw.Feature, UA: clip(raw.UA, 512), Referrer: clip(raw.Referrer, 512), IP: raw.IP, Processed: processed})
	if err != nil {
		return nil, fmt.Errorf("marshal request record: %w", err)
	}
	return dynamo.Item{
		dynamo.PK:  dynamo.S(shardKey(requestlog.Day(at), shard)),
		dynamo.SK:  dynamo.S(sk),
		"ip":       dynamo.S(raw.IP),
		dynamo.TTL: dynamo.N(at.Add(retention).Unix()),
		"r":        dynamo.S(string(r)),
	}, nil
}

// stored is a raw record as read back: its key and its data.
type stored struct {
	sk        string
	raw       requestlog.Raw
	processed bool
}

// decode reads a stored raw record from its r attribute.
func decode(item dynamo.Item) (stored, error) {
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
	s.raw = requestlog.Raw{At: t, IP: p.IP, Method: p.Method, Route: p.Route, Resource: p.Resource, Status: p.Status,
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
