package requestlogdb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/dynamo"
	"kontor/shared/ids"
	"kontor/shared/requestlog"
)

// Aggregator turns raw records into daily statistics. Records are counted in
// batches whose counts are written once (see count), so a run that dies half way never
// counts a record twice, and the next run catches up whatever a failed or skipped run
// left.
type Aggregator struct {
	DB    dynamo.DB
	Table string
	Mode  string
	Now   func() time.Time
	Log   *slog.Logger
	// Sequential makes a run write one item or batch at a time, in a fixed order:
	// for the tests that cut a run after each of its writes in turn, which is only
	// well defined when the writes have an order.
	Sequential bool
}

// add adds a shard's part of a run to the run's report.
func add(r *requestlog.Report, o requestlog.Report) {
	r.Counted += o.Counted
	r.Deleted += o.Deleted
	r.Late += o.Late
}

func (a *Aggregator) table() dynamo.Table { return dynamo.Table{DB: a.DB, Name: a.Table} }

// Keys of the aggregator's items.
func partKey(day, batch string) dynamo.Item { return dynamo.Key("PART#"+day, batch) }
func stateKey(day string) dynamo.Item       { return dynamo.Key("STATE#"+day, "STATE") }
func saltKey(day string) dynamo.Item        { return dynamo.Key("SALT#"+day, "SALT") }
func totalKey(day, sk string) dynamo.Item   { return dynamo.Key("AGG#"+day, sk) }

// exists reports whether an item is stored, whatever its TTL.
func (a *Aggregator) exists(ctx context.Context, key dynamo.Item) (bool, error) {
	err := a.table().Get(ctx, key, &struct{}{}, dynamo.IgnoreTTL)
	if errors.Is(err, dynamo.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

func dayEnd(day string) time.Time {
	d, _ := time.Parse("2006-01-02", day)
	return d.Add(24 * time.Hour)
}

func (a *Aggregator) keepsRaw() bool { return requestlog.KeepsRaw(a.Mode) }

// Run aggregates every raw record not yet counted, deletes raw records past the
// mode's retention, and closes every finished day: its distinct-visitor counts are
// fixed and its daily salt and visitor pseudonyms deleted.
func (a *Aggregator) Run(ctx context.Context) (requestlog.Report, error) {
	var rep requestlog.Report
	now := a.Now().UTC()
	keep, err := requestlog.Retention(a.Mode)
	if err != nil {
		return rep, err
	}
	// Days to visit: the last three (raw records not counted yet: a run that failed
	// or was skipped is caught up, and a record written late is found) and the three
	// whose records end their retention now (kept modes). DynamoDB's TTL is the
	// backstop for anything older.
	var days []string
	seen := map[string]bool{}
	for _, base := range []time.Time{now.Add(-keep), now} {
		for d := 2; d >= 0; d-- {
			day := requestlog.Day(base.AddDate(0, 0, -d))
			if !seen[day] {
				seen[day] = true
				days = append(days, day)
			}
		}
	}
	// Newest first: the newest day holds nearly every raw record, and counting it
	// first empties most of the table before the other days are read (moto reads
	// the whole table for every Query; docs/requestlog.md). Every run visits every
	// day, so the order does not matter for the deadline.
	sort.Sort(sort.Reverse(sort.StringSlice(days)))
	for _, day := range days {
		st, err := a.state(ctx, day)
		if err != nil {
			return rep, err
		}
		if err := a.day(ctx, day, st, now, keep, &rep); err != nil {
			return rep, err
		}
		if now.Sub(dayEnd(day)) >= requestlog.CloseGrace {
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
		slog.Int("late", rep.Late), slog.Int("daysClosed", rep.DaysClosed), slog.String("mode", a.Mode))
	return rep, nil
}

// dayRun is what the shards of one day share during a run.
type dayRun struct {
	day     string
	now     time.Time
	keep    time.Duration
	closed  bool            // the day's totals are fixed: counts are late
	counted map[string]bool // records counted by a run that stopped before finishing them

	saltMu sync.Mutex
	salt   string
}

// Shards are counted two at a time, each writing up to four batches side by side:
// moto scans (and sorts) the whole table for every Query, so a shard read after
// another one's records are deleted costs it less; the parallel writes keep the
// emulator, or DynamoDB, busy meanwhile.
const (
	shardWorkers = 2
	writeWorkers = 4
)

// workers is n, or 1 for a sequential run.
func (a *Aggregator) workers(n int) int {
	if a.Sequential {
		return 1
	}
	return n
}

// day counts and finishes the raw records of one day, shardWorkers shards at a time.
func (a *Aggregator) day(ctx context.Context, day string, st dayState, now time.Time, keep time.Duration, rep *requestlog.Report) error {
	// Records counted by a run that stopped before finishing them.
	counted := map[string]bool{}
	for _, id := range st.Open {
		p, ok, err := a.part(ctx, day, id)
		if err != nil {
			return err
		}
		if ok {
			for _, k := range p.Keys {
				counted[k] = true
			}
		}
	}
	d := &dayRun{day: day, now: now, keep: keep, closed: st.Closed, counted: counted}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	workers := make(chan struct{}, a.workers(shardWorkers))
	for shard := range Shards {
		wg.Add(1)
		go func() {
			defer wg.Done()
			workers <- struct{}{}
			defer func() { <-workers }()
			var part requestlog.Report
			err := a.shard(ctx, d, shard, &part)
			mu.Lock()
			defer mu.Unlock()
			add(rep, part)
			if err != nil && firstErr == nil {
				firstErr = err
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	// Every record a stopped run had counted is finished now.
	for _, id := range st.Open {
		if err := a.finished(ctx, day, id); err != nil {
			return err
		}
	}
	return nil
}

// batchSize is how many raw records one part counts at most.
const batchSize = 1000

func (a *Aggregator) shard(ctx context.Context, d *dayRun, shard int, rep *requestlog.Report) error {
	in := &dynamodb.QueryInput{
		TableName: aws.String(a.Table), ConsistentRead: aws.Bool(true),
		KeyConditionExpression:    aws.String("pk = :pk"),
		ExpressionAttributeValues: dynamo.Item{":pk": dynamo.S(shardKey(d.day, shard))},
		// Counting reads the packed record only (see Item).
		ProjectionExpression:     aws.String("#r"),
		ExpressionAttributeNames: map[string]string{"#r": "r"},
	}
	pages := dynamodb.NewQueryPaginator(a.DB, in)
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("read raw records: %w", err)
		}
		var fresh, done, gone []stored
		unreadable := 0
		for _, it := range out.Items {
			s, err := decode(it)
			switch {
			case err != nil:
				// Not a record this version wrote: left to the table's TTL.
				unreadable++
			case d.counted[s.sk]:
				done = append(done, s)
			case !s.processed:
				fresh = append(fresh, s)
			case !a.keepsRaw() || !s.raw.At.Add(d.keep).After(d.now):
				// Kept raw records end with their retention (or at once, once the
				// mode no longer keeps them).
				gone = append(gone, s)
			}
		}
		if unreadable > 0 {
			a.Log.WarnContext(ctx, "unreadable raw request records", slog.Int("records", unreadable))
		}
		if err := a.finish(ctx, d, shard, done, rep); err != nil {
			return err
		}
		if err := a.deleteRecords(ctx, d.day, shard, gone); err != nil {
			return err
		}
		rep.Deleted += len(gone)
		for len(fresh) > 0 {
			n := min(len(fresh), batchSize)
			if err := a.count(ctx, d, shard, fresh[:n], rep); err != nil {
				return err
			}
			fresh = fresh[n:]
		}
		if pages.HasMorePages() && !a.keepsRaw() && unreadable == 0 {
			// Everything read is deleted: read the partition from its start again,
			// which finds records written meanwhile and spares skipping deleted ones.
			pages = dynamodb.NewQueryPaginator(a.DB, in)
		}
	}
	return nil
}

// part is one batch's counts. Keys lists the raw records it counted until they are
// deleted (or marked as processed); until then the day's state names the part as
// open. A run that stops anywhere leaves every part it wrote either finished or
// open, and the next run finishes the records of open parts instead of counting
// them, so no record is counted twice or lost. Runs must not overlap (reserved
// concurrency 1).
type part struct {
	Routes   map[string]int64 `dynamodbav:"routes"`
	Features map[string]int64 `dynamodbav:"features"`
	// Visitors are the batch's day pseudonyms per viewed public resource.
	Visitors map[string][]string `dynamodbav:"visitors,omitempty"`
	Keys     []string            `dynamodbav:"keys,omitempty"`
	// Late parts were counted after their day closed; their counts are added to the
	// day's totals once (see foldLate).
	Late bool `dynamodbav:"late,omitempty"`
}

// maxPartBytes keeps a part item well below DynamoDB's 400 KB.
const maxPartBytes = 300 << 10

func (p *part) size() int {
	n := 0
	for _, k := range p.Keys {
		n += len(k) + 3
	}
	for r, hs := range p.Visitors {
		n += len(r) + 3 + len(hs)*35
	}
	for k := range p.Routes {
		n += len(k) + 24
	}
	for k := range p.Features {
		n += len(k) + 24
	}
	return n
}

// count counts a batch of one shard's records without transactions (moto copies the
// whole table for every item of a transaction): the part is named open in the day's
// state, the batch's counts, pseudonyms and record keys are written as one part item,
// the records are deleted (or marked as processed), and the part is finished.
func (a *Aggregator) count(ctx context.Context, d *dayRun, shard int, recs []stored, rep *requestlog.Report) error {
	p := part{Routes: map[string]int64{}, Features: map[string]int64{}, Late: d.closed}
	visits := map[string]map[string]bool{}
	for _, s := range recs {
		r := s.raw
		p.Routes[r.Route+"#"+requestlog.StatusClass(r.Status)]++
		if r.Feature != "" {
			p.Features[r.Feature]++
		}
		// A closed day's pseudonyms and salt are gone for good: a late visit is
		// counted as a request, not as a visitor (no new identifier for a closed day).
		if r.Resource != "" && r.Status < 400 && !d.closed {
			salt, err := a.daySalt(ctx, d)
			if err != nil {
				return err
			}
			if visits[r.Resource] == nil {
				visits[r.Resource] = map[string]bool{}
			}
			visits[r.Resource][requestlog.Visitor(salt, r.IP, r.UA)] = true
		}
		p.Keys = append(p.Keys, s.sk)
	}
	if len(visits) > 0 {
		p.Visitors = map[string][]string{}
		for res, hs := range visits {
			p.Visitors[res] = sortedKeys(hs)
		}
	}
	if p.size() > maxPartBytes && len(recs) > 1 {
		half := len(recs) / 2
		if err := a.count(ctx, d, shard, recs[:half], rep); err != nil {
			return err
		}
		return a.count(ctx, d, shard, recs[half:], rep)
	}
	batch := ids.NewV7(a.Now())
	// The day's state names the part before it exists, so a run that stops after
	// writing it finds it without reading every part of the day.
	if err := a.noteOpen(ctx, d.day, batch, d.closed); err != nil {
		return err
	}
	if err := a.table().Put(ctx, partKey(d.day, batch), p, time.Time{}, dynamo.Cond{}); err != nil {
		return fmt.Errorf("store counts: %w", err)
	}
	rep.Counted += len(recs)
	if d.closed {
		rep.Late += len(recs)
	}
	if err := a.finish(ctx, d, shard, recs, rep); err != nil {
		return err
	}
	return a.finished(ctx, d.day, batch)
}

// finish removes counted raw records, or in the modes that keep them, marks them.
func (a *Aggregator) finish(ctx context.Context, d *dayRun, shard int, recs []stored, rep *requestlog.Report) error {
	if len(recs) == 0 {
		return nil
	}
	if !a.keepsRaw() {
		if err := a.deleteRecords(ctx, d.day, shard, recs); err != nil {
			return err
		}
		rep.Deleted += len(recs)
		return nil
	}
	reqs := make([]types.WriteRequest, 0, len(recs))
	for _, s := range recs {
		it, err := item(s.raw, shard, d.keep, true)
		if err != nil {
			return err
		}
		reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: it}})
	}
	if err := a.batchWrite(ctx, reqs); err != nil {
		return fmt.Errorf("mark raw records: %w", err)
	}
	return nil
}

func (a *Aggregator) deleteRecords(ctx context.Context, day string, shard int, recs []stored) error {
	reqs := make([]types.WriteRequest, 0, len(recs))
	for _, s := range recs {
		reqs = append(reqs, types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: dynamo.Key(shardKey(day, shard), s.sk)}})
	}
	if err := a.batchWrite(ctx, reqs); err != nil {
		return fmt.Errorf("delete raw records: %w", err)
	}
	return nil
}

// dayState is the aggregator's own record of a day (STATE#<day>): the parts whose
// records may not be finished yet, the late parts not yet added to the closed day's
// totals, and whether the closed day has been cleaned up. It spares reading every
// part of every visited day on every run.
type dayState struct {
	Open []string `dynamodbav:"open,stringset,omitempty"`
	Late []string `dynamodbav:"late,stringset,omitempty"`
	Done bool     `dynamodbav:"done,omitempty"`
	// Closed: the day's totals are fixed (AGG#<day> CLOSED exists).
	Closed bool `dynamodbav:"-"`
}

func (a *Aggregator) state(ctx context.Context, day string) (dayState, error) {
	var st dayState
	if err := a.table().Get(ctx, stateKey(day), &st, dynamo.IgnoreTTL); err != nil && !errors.Is(err, dynamo.ErrNotFound) {
		return st, err
	}
	if st.Done {
		st.Closed = true
		return st, nil
	}
	closed, err := a.isClosed(ctx, day)
	st.Closed = closed
	return st, err
}

// noteOpen adds a part to the day's open parts (and late parts) before it is written.
func (a *Aggregator) noteOpen(ctx context.Context, day, batch string, late bool) error {
	expr := "ADD #o :id"
	names := map[string]string{"#o": "open"}
	if late {
		expr += ", #l :id"
		names["#l"] = "late"
	}
	_, err := a.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(a.Table), Key: stateKey(day), UpdateExpression: aws.String(expr),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: dynamo.Item{":id": &types.AttributeValueMemberSS{Value: []string{batch}}},
	})
	if err != nil {
		return fmt.Errorf("note counts: %w", err)
	}
	return nil
}

// finished removes a part's record keys once its records are finished, then the part
// from the day's open parts.
func (a *Aggregator) finished(ctx context.Context, day, batch string) error {
	_, err := a.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(a.Table), Key: partKey(day, batch),
		UpdateExpression: aws.String("REMOVE #k"), ConditionExpression: aws.String(dynamo.Exists.Expr),
		ExpressionAttributeNames: map[string]string{"#k": "keys"},
	})
	if err != nil && !dynamo.ConditionFailed(err) {
		return fmt.Errorf("finish counts: %w", err)
	}
	return a.dropFromState(ctx, day, "open", batch)
}

func (a *Aggregator) dropFromState(ctx context.Context, day, set string, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := a.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(a.Table), Key: stateKey(day), UpdateExpression: aws.String("DELETE #s :ids"),
		ExpressionAttributeNames:  map[string]string{"#s": set},
		ExpressionAttributeValues: dynamo.Item{":ids": &types.AttributeValueMemberSS{Value: ids}},
	})
	if err != nil {
		return fmt.Errorf("update day state: %w", err)
	}
	return nil
}

// part reads one part.
func (a *Aggregator) part(ctx context.Context, day, batch string) (partItem, bool, error) {
	var p partItem
	err := a.table().Get(ctx, partKey(day, batch), &p, dynamo.IgnoreTTL)
	if errors.Is(err, dynamo.ErrNotFound) {
		return p, false, nil
	}
	return p, err == nil, err
}

// batchWrite writes requests 25 a call, writeWorkers calls at a time, retrying
// unprocessed ones; it returns the first error.
func (a *Aggregator) batchWrite(ctx context.Context, reqs []types.WriteRequest) error {
	chunks := make(chan []types.WriteRequest, len(reqs)/25+1)
	for len(reqs) > 0 {
		n := min(len(reqs), 25)
		chunks <- reqs[:n]
		reqs = reqs[n:]
	}
	close(chunks)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	for range min(a.workers(writeWorkers), len(chunks)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range chunks {
				if err := a.write25(ctx, c); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					return
				}
			}
		}()
	}
	wg.Wait()
	return first
}

func (a *Aggregator) write25(ctx context.Context, reqs []types.WriteRequest) error {
	pending := map[string][]types.WriteRequest{a.Table: reqs}
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
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// daySalt returns the day's salt, read or created once per run.
func (a *Aggregator) daySalt(ctx context.Context, d *dayRun) (string, error) {
	d.saltMu.Lock()
	defer d.saltMu.Unlock()
	if d.salt != "" {
		return d.salt, nil
	}
	s, err := a.salt(ctx, d.day)
	if err != nil {
		return "", err
	}
	d.salt = s
	return s, nil
}

// saltItem is the day's salt as stored.
type saltItem struct {
	Salt string `dynamodbav:"salt"`
}

// salt returns the day's salt, creating it once (conditional put).
func (a *Aggregator) salt(ctx context.Context, day string) (string, error) {
	get := func() (string, error) {
		var it saltItem
		err := a.table().Get(ctx, saltKey(day), &it, dynamo.IgnoreTTL)
		if errors.Is(err, dynamo.ErrNotFound) || (err == nil && it.Salt == "") {
			return "", errNoItem
		}
		return it.Salt, err
	}
	s, err := get()
	if !errors.Is(err, errNoItem) {
		return s, err
	}
	dayStart, _ := time.Parse("2006-01-02", day)
	err = a.table().Put(ctx, saltKey(day), saltItem{Salt: newSalt()}, dayStart.Add(48*time.Hour), dynamo.NotExists)
	if err != nil && !errors.Is(err, dynamo.ErrConflict) {
		return "", fmt.Errorf("create salt: %w", err)
	}
	return get()
}

// dayParts are a day's part items.
type partItem struct {
	SK string `dynamodbav:"sk"`
	part
}

func (a *Aggregator) dayParts(ctx context.Context, day string) ([]partItem, error) {
	var items []partItem
	err := a.table().QueryAll(ctx, "PART#"+day, "", dynamo.IgnoreTTL, &items)
	return items, err
}

// sum adds up parts: counts per route and feature, and distinct pseudonyms per
// resource.
func sum(parts []partItem) (routes, features map[string]int64, visitors map[string]map[string]bool) {
	routes, features, visitors = map[string]int64{}, map[string]int64{}, map[string]map[string]bool{}
	for _, p := range parts {
		for k, v := range p.Routes {
			routes[k] += v
		}
		for k, v := range p.Features {
			features[k] += v
		}
		for res, hs := range p.Visitors {
			if visitors[res] == nil {
				visitors[res] = map[string]bool{}
			}
			for _, h := range hs {
				visitors[res][h] = true
			}
		}
	}
	return routes, features, visitors
}

// closeDay fixes a finished day's totals and distinct-visitor counts, then deletes
// its parts (with the pseudonyms they hold) and its salt, so no identifier outlives
// the day. Totals are written before the day's closed marker and only deletions
// follow it, so a close cut off at any point is finished by the next run with the
// same totals: parts that survive the marker were in the totals and are only
// deleted. Parts counted after the marker are late: their counts are added once
// (foldLate). It reports whether a day with counts was closed.
func (a *Aggregator) closeDay(ctx context.Context, day string) (bool, error) {
	st, err := a.state(ctx, day)
	if err != nil {
		return false, err
	}
	if st.Done {
		// Closed and cleaned up: only late parts, if any, are added.
		var folded []string
		for _, id := range st.Late {
			p, ok, err := a.part(ctx, day, id)
			if err != nil {
				return false, err
			}
			if ok && len(p.Keys) > 0 {
				continue // its records are not finished yet
			}
			if ok {
				if err := a.foldLate(ctx, day, p); err != nil {
					return false, err
				}
				if err := a.table().Delete(ctx, partKey(day, id)); err != nil {
					return false, fmt.Errorf("delete late counts: %w", err)
				}
			}
			folded = append(folded, id)
		}
		return false, a.dropFromState(ctx, day, "late", folded...)
	}
	parts, err := a.dayParts(ctx, day)
	if err != nil {
		return false, err
	}
	fresh := !st.Closed
	if fresh && len(parts) == 0 {
		// A day without counts stays open (records of a run that was skipped may
		// still be written for it); only a salt created for it goes.
		salted, err := a.exists(ctx, saltKey(day))
		if err != nil || !salted {
			return false, err
		}
	}
	if fresh {
		routes, features, visitors := sum(parts)
		var puts []types.WriteRequest
		put := func(sk string, n int64) {
			item := totalKey(day, sk)
			item["count"] = dynamo.N(n)
			puts = append(puts, types.WriteRequest{PutRequest: &types.PutRequest{Item: item}})
		}
		for k, v := range routes {
			put("ROUTE#"+k, v)
		}
		for k, v := range features {
			put("FEATURE#"+k, v)
		}
		for res, hs := range visitors {
			put("VISITORS#"+res, int64(len(hs)))
		}
		if err := a.batchWrite(ctx, puts); err != nil {
			return false, fmt.Errorf("store totals: %w", err)
		}
		if err := a.table().Put(ctx, totalKey(day, "CLOSED"), struct{}{}, time.Time{}, dynamo.Cond{}); err != nil {
			return false, fmt.Errorf("mark day closed: %w", err)
		}
	}
	deletes := []types.WriteRequest{{DeleteRequest: &types.DeleteRequest{Key: saltKey(day)}}}
	var folded []string
	complete := true
	for _, p := range parts {
		if len(p.Keys) > 0 {
			// Still listing records: the next run finishes them first.
			complete = false
			continue
		}
		if p.Late && !fresh {
			if err := a.foldLate(ctx, day, p); err != nil {
				return false, err
			}
			folded = append(folded, p.SK)
		}
		deletes = append(deletes, types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: partKey(day, p.SK)}})
	}
	if err := a.batchWrite(ctx, deletes); err != nil {
		return false, fmt.Errorf("delete day's parts and salt: %w", err)
	}
	if err := a.dropFromState(ctx, day, "late", folded...); err != nil {
		return false, err
	}
	if complete {
		if _, err := a.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
			TableName: aws.String(a.Table), Key: stateKey(day), UpdateExpression: aws.String("SET #d = :t"),
			ExpressionAttributeNames:  map[string]string{"#d": "done"},
			ExpressionAttributeValues: dynamo.Item{":t": &types.AttributeValueMemberBOOL{Value: true}},
		}); err != nil {
			return false, fmt.Errorf("update day state: %w", err)
		}
	}
	return fresh && len(parts) > 0, nil
}

// foldLate adds a late part's counts to the closed day's totals exactly once without
// a transaction: each total remembers the late parts added to it, and an addition
// whose part it already holds is refused. A fold cut off half way is completed by the
// next run; the part is deleted only after.
func (a *Aggregator) foldLate(ctx context.Context, day string, p partItem) error {
	add := func(sk string, n int64) error {
		_, err := a.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
			TableName: aws.String(a.Table), Key: totalKey(day, sk),
			UpdateExpression:         aws.String("ADD #c :n, #f :part"),
			ConditionExpression:      aws.String("attribute_not_exists(#f) OR NOT contains(#f, :id)"),
			ExpressionAttributeNames: map[string]string{"#c": "count", "#f": "folded"},
			ExpressionAttributeValues: dynamo.Item{
				":n": dynamo.N(n), ":part": &types.AttributeValueMemberSS{Value: []string{p.SK}}, ":id": dynamo.S(p.SK),
			},
		})
		if err != nil && !dynamo.ConditionFailed(err) {
			return fmt.Errorf("add late counts: %w", err)
		}
		return nil
	}
	for _, k := range sortedKeys(p.Routes) {
		if err := add("ROUTE#"+k, p.Routes[k]); err != nil {
			return err
		}
	}
	for _, k := range sortedKeys(p.Features) {
		if err := add("FEATURE#"+k, p.Features[k]); err != nil {
			return err
		}
	}
	return nil
}

func (a *Aggregator) isClosed(ctx context.Context, day string) (bool, error) {
	return a.exists(ctx, totalKey(day, "CLOSED"))
}
