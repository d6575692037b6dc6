package requestlog

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/ids"
)

// AggDB is the part of the DynamoDB client aggregation and statistics use.
type AggDB interface {
	DB
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
	Query(ctx context.Context, in *dynamodb.QueryInput, optFns ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error)
	TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, optFns ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error)
}

// Aggregator turns raw records into daily statistics. Records are counted in
// batches whose counts are written once (see count), so a run that dies half way never
// counts a record twice, and the next run catches up whatever a failed or skipped run
// left.
type Aggregator struct {
	DB    AggDB
	Table string
	Mode  string
	Now   func() time.Time
	Log   *slog.Logger
}

// Report counts what one run did; no personal data.
type Report struct {
	Counted      int `json:"counted"`
	Deleted      int `json:"deleted"`
	DaysClosed   int `json:"daysClosed"`
	SaltsDeleted int `json:"saltsDeleted"`
}

func key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: pk}, "sk": &types.AttributeValueMemberS{Value: sk}}
}

func num(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}

// CloseGrace is how long after midnight a day stays open, so a request of the day's
// last moments is captured before the day's totals are fixed.
const CloseGrace = 10 * time.Minute

func dayEnd(day string) time.Time {
	d, _ := time.Parse("2006-01-02", day)
	return d.Add(24 * time.Hour)
}

// StatusClass names an HTTP status by its class ("2xx").
func StatusClass(status int) string { return strconv.Itoa(status/100) + "xx" }

// Run aggregates every raw record not yet counted, deletes raw records past the
// mode's retention, and closes every finished day: its distinct-visitor counts are
// fixed and its daily salt and visitor hashes deleted.
func (a *Aggregator) Run(ctx context.Context) (Report, error) {
	var rep Report
	now := a.Now().UTC()
	keep, err := Retention(a.Mode)
	if err != nil {
		return rep, err
	}
	// Days to visit: the last three (raw records not counted yet: a run that failed
	// or was skipped is caught up) and the three whose records end their retention
	// now (kept modes). DynamoDB's TTL is the backstop for anything older.
	var days []string
	seen := map[string]bool{}
	for _, base := range []time.Time{now.Add(-keep), now} {
		for d := 2; d >= 0; d-- {
			day := Day(base.AddDate(0, 0, -d))
			if !seen[day] {
				seen[day] = true
				days = append(days, day)
			}
		}
	}
	sort.Strings(days)
	for _, day := range days {
		// Shards are independent partitions: count them side by side.
		var wg sync.WaitGroup
		var mu sync.Mutex
		var firstErr error
		for shard := 0; shard < Shards; shard++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var part Report
				err := a.shard(ctx, day, shard, now, &part)
				mu.Lock()
				defer mu.Unlock()
				rep.Counted += part.Counted
				rep.Deleted += part.Deleted
				if err != nil && firstErr == nil {
					firstErr = err
				}
			}()
		}
		wg.Wait()
		if firstErr != nil {
			return rep, firstErr
		}
		if now.Sub(dayEnd(day)) >= CloseGrace {
			closed, err := a.closeDay(ctx, day)
			if err != nil {
				return rep, err
			}
			if closed {
				rep.DaysClosed++
				rep.SaltsDeleted++
			}
		}
	}
	a.Log.InfoContext(ctx, "request log aggregation", slog.Int("counted", rep.Counted), slog.Int("deleted", rep.Deleted),
		slog.Int("daysClosed", rep.DaysClosed), slog.String("mode", a.Mode))
	return rep, nil
}

func (a *Aggregator) shard(ctx context.Context, day string, shard int, now time.Time, rep *Report) error {
	var start map[string]types.AttributeValue
	for {
		out, err := a.DB.Query(ctx, &dynamodb.QueryInput{
			TableName: aws.String(a.Table), ExclusiveStartKey: start, ConsistentRead: aws.Bool(true),
			KeyConditionExpression:    aws.String("pk = :pk"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: shardKey(day, shard)}},
		})
		if err != nil {
			return fmt.Errorf("read raw records: %w", err)
		}
		var fresh []rawItem
		claimed := map[string][]rawItem{}
		for _, it := range out.Items {
			var r rawItem
			if err := attributevalue.UnmarshalMap(it, &r); err != nil {
				return fmt.Errorf("unmarshal raw record: %w", err)
			}
			r.item = it
			switch {
			case r.Batch != "":
				claimed[r.Batch] = append(claimed[r.Batch], r)
			case !r.Processed:
				fresh = append(fresh, r)
			case r.TTL <= now.Unix():
				// Kept raw records (security, server-log modes) end with their retention.
				if err := a.del(ctx, r); err != nil {
					return err
				}
				rep.Deleted++
			}
		}
		// Records claimed by a run that stopped: counted if their batch's part exists,
		// otherwise counted now, afresh.
		for b, recs := range claimed {
			done, err := a.partExists(ctx, day, b)
			if err != nil {
				return err
			}
			if done {
				if err := a.finish(ctx, recs, rep); err != nil {
					return err
				}
				continue
			}
			fresh = append(fresh, recs...)
		}
		for len(fresh) > 0 {
			n := min(len(fresh), batchSize)
			if err := a.count(ctx, day, fresh[:n], rep); err != nil {
				return err
			}
			fresh = fresh[n:]
		}
		if len(out.LastEvaluatedKey) == 0 {
			return nil
		}
		start = out.LastEvaluatedKey
	}
}

// batchSize is how many raw records one batch counts.
const batchSize = 100

type rawItem struct {
	PK string `dynamodbav:"pk"`
	SK string `dynamodbav:"sk"`
	Raw
	Batch string `dynamodbav:"batch,omitempty"`
	item  map[string]types.AttributeValue
}

// part is one batch's counts, written once all its records are claimed.
type part struct {
	Routes   map[string]int64 `dynamodbav:"routes"`
	Features map[string]int64 `dynamodbav:"features"`
}

// count counts records without transactions (moto copies the whole table for every
// item of a transaction, which made 100k records take hours): each record is first
// claimed for a batch, then the batch's counts are written as one part item, then the
// records are deleted (or marked). A record is counted
// exactly when the part of its batch exists, so a run stopped at any point is
// finished by the next without counting twice. Runs must not overlap (the function
// has a reserved concurrency of 1).
func (a *Aggregator) count(ctx context.Context, day string, recs []rawItem, rep *Report) error {
	salt, err := a.salt(ctx, day)
	if err != nil {
		return err
	}
	// Claim every record for this batch. Plain batched puts suffice: runs never
	// overlap (reserved concurrency 1) and requests only ever add new records.
	batch := ids.NewV7(a.Now())
	mine := make([]rawItem, 0, len(recs))
	var claims []types.WriteRequest
	for _, r := range recs {
		item := make(map[string]types.AttributeValue, len(r.item)+1)
		for k, v := range r.item {
			item[k] = v
		}
		item["batch"] = &types.AttributeValueMemberS{Value: batch}
		claims = append(claims, types.WriteRequest{PutRequest: &types.PutRequest{Item: item}})
		r.Batch = batch
		mine = append(mine, r)
	}
	if err := a.batchWrite(ctx, claims); err != nil {
		return fmt.Errorf("claim raw records: %w", err)
	}
	if len(mine) == 0 {
		return nil
	}
	p := part{Routes: map[string]int64{}, Features: map[string]int64{}}
	visits := map[string]bool{}
	dayStart, _ := time.Parse("2006-01-02", day)
	ttl := num(dayStart.Add(48 * time.Hour).Unix())
	for _, r := range mine {
		p.Routes[r.Route+"#"+StatusClass(r.Status)]++
		if r.Feature != "" {
			p.Features[r.Feature]++
		}
		if r.Resource != "" && r.Status < 400 {
			visits["VISIT#"+day+"#"+r.Resource+"\x00"+visitor(salt, r.IP, r.UA)] = true
			visits["VISITIDX#"+day+"\x00"+r.Resource] = true
		}
	}
	var puts []types.WriteRequest
	for _, k := range sortedKeys(visits) {
		pk, sk, _ := cut(k)
		puts = append(puts, types.WriteRequest{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{
			"pk": &types.AttributeValueMemberS{Value: pk}, "sk": &types.AttributeValueMemberS{Value: sk}, "ttl": ttl}}})
	}
	if err := a.batchWrite(ctx, puts); err != nil {
		return fmt.Errorf("store visitor pseudonyms: %w", err)
	}
	item, err := attributevalue.MarshalMap(p)
	if err != nil {
		return err
	}
	item["pk"], item["sk"] = &types.AttributeValueMemberS{Value: "PART#" + day}, &types.AttributeValueMemberS{Value: batch}
	if _, err := a.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(a.Table), Item: item}); err != nil {
		return fmt.Errorf("store counts: %w", err)
	}
	rep.Counted += len(mine)
	return a.finish(ctx, mine, rep)
}

// finish removes counted raw records, or in the modes that keep them, marks them.
func (a *Aggregator) finish(ctx context.Context, recs []rawItem, rep *Report) error {
	var reqs []types.WriteRequest
	for _, r := range recs {
		if a.Mode == ModeAggregate || a.Mode == "" {
			reqs = append(reqs, types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: key(r.PK, r.SK)}})
			continue
		}
		item := make(map[string]types.AttributeValue, len(r.item)+1)
		for k, v := range r.item {
			if k != "batch" {
				item[k] = v
			}
		}
		item["processed"] = &types.AttributeValueMemberBOOL{Value: true}
		reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: item}})
	}
	if err := a.batchWrite(ctx, reqs); err != nil {
		return fmt.Errorf("finish raw records: %w", err)
	}
	if a.Mode == ModeAggregate || a.Mode == "" {
		rep.Deleted += len(recs)
	}
	return nil
}

// batchWrite writes requests 25 at a time, retrying unprocessed ones.
func (a *Aggregator) batchWrite(ctx context.Context, reqs []types.WriteRequest) error {
	for len(reqs) > 0 {
		n := min(len(reqs), 25)
		pending := map[string][]types.WriteRequest{a.Table: reqs[:n]}
		for tries := 0; len(pending) > 0; tries++ {
			if tries > 8 {
				return errors.New("batch write: items left unprocessed")
			}
			out, err := a.DB.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: pending})
			if err != nil {
				return err
			}
			pending = out.UnprocessedItems
			if len(pending) > 0 {
				time.Sleep(time.Duration(tries+1) * 20 * time.Millisecond)
			}
		}
		reqs = reqs[n:]
	}
	return nil
}

func (a *Aggregator) del(ctx context.Context, r rawItem) error {
	if _, err := a.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(a.Table), Key: key(r.PK, r.SK)}); err != nil {
		return fmt.Errorf("delete raw record: %w", err)
	}
	return nil
}

func (a *Aggregator) partExists(ctx context.Context, day, batch string) (bool, error) {
	out, err := a.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(a.Table), Key: key("PART#"+day, batch), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return false, fmt.Errorf("get counts: %w", err)
	}
	return out.Item != nil, nil
}

// parts sums a day's part items.
func (a *Aggregator) parts(ctx context.Context, day string) (part, []string, error) {
	sum := part{Routes: map[string]int64{}, Features: map[string]int64{}}
	var items []struct {
		SK string `dynamodbav:"sk"`
		part
	}
	if err := a.query(ctx, "PART#"+day, &items); err != nil {
		return sum, nil, err
	}
	var sks []string
	for _, it := range items {
		for k, v := range it.Routes {
			sum.Routes[k] += v
		}
		for k, v := range it.Features {
			sum.Features[k] += v
		}
		sks = append(sks, it.SK)
	}
	return sum, sks, nil
}

func cut(s string) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// visitor is a day-scoped pseudonym of a client: HMAC of IP and user agent with the
// day's random salt. Once the salt is deleted, no one can link it to a client.
func visitor(salt, ip, ua string) string {
	m := hmac.New(sha256.New, []byte(salt))
	m.Write([]byte(ip + "|" + ua))
	return hex.EncodeToString(m.Sum(nil))[:32]
}

// salt returns the day's salt, creating it once (conditional put).
func (a *Aggregator) salt(ctx context.Context, day string) (string, error) {
	get := func() (string, error) {
		out, err := a.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(a.Table), Key: key("SALT#"+day, "SALT"), ConsistentRead: aws.Bool(true)})
		if err != nil {
			return "", fmt.Errorf("get salt: %w", err)
		}
		if s, ok := out.Item["salt"].(*types.AttributeValueMemberS); ok {
			return s.Value, nil
		}
		return "", errNoItem
	}
	s, err := get()
	if !errors.Is(err, errNoItem) {
		return s, err
	}
	dayStart, _ := time.Parse("2006-01-02", day)
	item := key("SALT#"+day, "SALT")
	item["salt"] = &types.AttributeValueMemberS{Value: newSalt()}
	item["ttl"] = num(dayStart.Add(48 * time.Hour).Unix())
	_, err = a.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(a.Table), Item: item, ConditionExpression: aws.String("attribute_not_exists(pk)")})
	var ccf *types.ConditionalCheckFailedException
	if err != nil && !errors.As(err, &ccf) {
		return "", fmt.Errorf("create salt: %w", err)
	}
	return get()
}

// closeDay fixes a finished day's totals and distinct-visitor counts, then deletes
// its batch counts, visitor pseudonyms and salt, so no identifier outlives the day.
// Totals are written before the day's closed marker and only deletions follow it, so
// a close cut off at any point is finished by the next run with the same totals. It
// reports whether there was anything to close.
func (a *Aggregator) closeDay(ctx context.Context, day string) (bool, error) {
	resources, err := a.list(ctx, "VISITIDX#"+day)
	if err != nil {
		return false, err
	}
	sum, partKeys, err := a.parts(ctx, day)
	if err != nil {
		return false, err
	}
	saltOut, err := a.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(a.Table), Key: key("SALT#"+day, "SALT"), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return false, fmt.Errorf("get salt: %w", err)
	}
	if len(resources) == 0 && len(partKeys) == 0 && saltOut.Item == nil {
		return false, nil
	}
	closed, err := a.isClosed(ctx, day)
	if err != nil {
		return false, err
	}
	visitors := map[string][]string{}
	for _, res := range resources {
		if visitors[res], err = a.list(ctx, "VISIT#"+day+"#"+res); err != nil {
			return false, err
		}
	}
	if !closed {
		put := func(sk string, n int64) error {
			item := key("AGG#"+day, sk)
			item["count"] = num(n)
			if _, err := a.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(a.Table), Item: item}); err != nil {
				return fmt.Errorf("store totals: %w", err)
			}
			return nil
		}
		for k, v := range sum.Routes {
			if err := put("ROUTE#"+k, v); err != nil {
				return false, err
			}
		}
		for k, v := range sum.Features {
			if err := put("FEATURE#"+k, v); err != nil {
				return false, err
			}
		}
		for res, hashes := range visitors {
			if err := put("VISITORS#"+res, int64(len(hashes))); err != nil {
				return false, err
			}
		}
		if _, err := a.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(a.Table), Item: key("AGG#"+day, "CLOSED")}); err != nil {
			return false, fmt.Errorf("mark day closed: %w", err)
		}
	}
	deletes := [][2]string{{"SALT#" + day, "SALT"}}
	if closed {
		// Counts that arrived after the day was closed (a capture later than the
		// grace): each is added to the totals and removed in one transaction.
		if err := a.foldLate(ctx, day, partKeys); err != nil {
			return false, err
		}
	} else {
		for _, sk := range partKeys {
			deletes = append(deletes, [2]string{"PART#" + day, sk})
		}
	}
	for res, hashes := range visitors {
		for _, h := range hashes {
			deletes = append(deletes, [2]string{"VISIT#" + day + "#" + res, h})
		}
		deletes = append(deletes, [2]string{"VISITIDX#" + day, res})
	}
	for _, d := range deletes {
		if _, err := a.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(a.Table), Key: key(d[0], d[1])}); err != nil {
			return false, fmt.Errorf("delete %s: %w", d[0], err)
		}
	}
	return true, nil
}

func (a *Aggregator) foldLate(ctx context.Context, day string, partKeys []string) error {
	for _, sk := range partKeys {
		out, err := a.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(a.Table), Key: key("PART#"+day, sk), ConsistentRead: aws.Bool(true)})
		if err != nil {
			return fmt.Errorf("get late counts: %w", err)
		}
		var p part
		if out.Item == nil {
			continue
		}
		if err := attributevalue.UnmarshalMap(out.Item, &p); err != nil {
			return err
		}
		items := []types.TransactWriteItem{{Delete: &types.Delete{TableName: aws.String(a.Table), Key: key("PART#"+day, sk), ConditionExpression: aws.String("attribute_exists(pk)")}}}
		add := func(k string, n int64) {
			items = append(items, types.TransactWriteItem{Update: &types.Update{
				TableName: aws.String(a.Table), Key: key("AGG#"+day, k), UpdateExpression: aws.String("ADD #c :n"),
				ExpressionAttributeNames: map[string]string{"#c": "count"}, ExpressionAttributeValues: map[string]types.AttributeValue{":n": num(n)},
			}})
		}
		for k, v := range p.Routes {
			add("ROUTE#"+k, v)
		}
		for k, v := range p.Features {
			add("FEATURE#"+k, v)
		}
		_, err = a.DB.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
		var tce *types.TransactionCanceledException
		if err != nil && !errors.As(err, &tce) {
			return fmt.Errorf("fold late counts: %w", err)
		}
	}
	return nil
}

func (a *Aggregator) isClosed(ctx context.Context, day string) (bool, error) {
	out, err := a.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(a.Table), Key: key("AGG#"+day, "CLOSED"), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return false, fmt.Errorf("get day state: %w", err)
	}
	return out.Item != nil, nil
}

// list returns the sort keys of a partition.
func (a *Aggregator) list(ctx context.Context, pk string) ([]string, error) {
	var out []string
	var start map[string]types.AttributeValue
	for {
		res, err := a.DB.Query(ctx, &dynamodb.QueryInput{
			TableName: aws.String(a.Table), ExclusiveStartKey: start, ConsistentRead: aws.Bool(true),
			KeyConditionExpression:    aws.String("pk = :pk"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pk}},
			ProjectionExpression:      aws.String("sk"),
		})
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", pk, err)
		}
		for _, it := range res.Items {
			if s, ok := it["sk"].(*types.AttributeValueMemberS); ok {
				out = append(out, s.Value)
			}
		}
		if len(res.LastEvaluatedKey) == 0 {
			return out, nil
		}
		start = res.LastEvaluatedKey
	}
}
