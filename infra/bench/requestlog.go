package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/infra/local"
	"kontor/shared/dynamo"
	"kontor/shared/ids"
	"kontor/shared/requestlog"
	"kontor/shared/requestlog/requestlogdb"
)

// AggregationResult holds the hourly aggregation's figures of one run.
type AggregationResult struct {
	Records          int     `json:"records"`
	BatchWritePerSec float64 `json:"batchWriteItemsPerSec"`
	AggregatePerSec  float64 `json:"aggregatedAndDeletedPerSec"`
	Ratio            float64 `json:"ratioToBatchWrite"`
	// The emulator's own CPU time per record, seeding and aggregating, where it can be
	// read (Linux): unlike the rates, untouched by other load on the machine.
	SeedCPUPerRecord      time.Duration `json:"seedCpuPerRecordNs,omitempty"`
	AggregateCPUPerRecord time.Duration `json:"aggregateCpuPerRecordNs,omitempty"`
	// Calls are the aggregator's DynamoDB calls by operation: where its round trips go.
	Calls []OpCalls `json:"calls"`
}

// OpCalls counts one DynamoDB operation's calls, the items they carried and the
// time spent in them (summed over concurrent calls).
type OpCalls struct {
	Op    string        `json:"op"`
	Calls int           `json:"calls"`
	Items int           `json:"items"`
	Time  time.Duration `json:"timeNs"`
}

// RunAggregation measures, against the emulator of a running stack, the emulator's
// raw BatchWriteItem throughput (seeding n raw records as captures store them, 25 a
// call, 4 writers) and the aggregator's throughput over those records (counted and
// deleted per second), with its calls by operation.
func RunAggregation(ctx context.Context, s *local.Stack, n int) (AggregationResult, error) {
	res := AggregationResult{Records: n}
	cfg, err := s.AWSConfig(ctx)
	if err != nil {
		return res, err
	}
	db := dynamodb.NewFromConfig(cfg)
	table := s.Name("RequestLogTable")
	cpu := emulatorCPU(s.EndpointURL)
	cpu0 := cpu()
	start := time.Now()
	if err := seed(ctx, db, table, n); err != nil {
		return res, err
	}
	res.BatchWritePerSec = float64(n) / time.Since(start).Seconds()
	cpu1 := cpu()

	counted := &countingDB{DB: db, ops: map[string]*OpCalls{}}
	agg := &requestlogdb.Aggregator{DB: counted, Table: table, Mode: requestlog.ModeAggregate, Now: func() time.Time { return time.Now().UTC() },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	start = time.Now()
	rep, err := agg.Run(ctx)
	if err != nil {
		return res, err
	}
	if rep.Counted < n || rep.Deleted < n {
		return res, fmt.Errorf("aggregated %d and deleted %d of %d records", rep.Counted, rep.Deleted, n)
	}
	res.AggregatePerSec = float64(rep.Counted) / time.Since(start).Seconds()
	res.Ratio = res.AggregatePerSec / res.BatchWritePerSec
	if cpu2 := cpu(); cpu0 >= 0 && cpu2 >= 0 {
		res.SeedCPUPerRecord = (cpu1 - cpu0) / time.Duration(n)
		res.AggregateCPUPerRecord = (cpu2 - cpu1) / time.Duration(rep.Counted)
	}
	for _, op := range counted.ops {
		res.Calls = append(res.Calls, *op)
	}
	sort.Slice(res.Calls, func(i, j int) bool { return res.Calls[i].Time > res.Calls[j].Time })
	return res, nil
}

// seed writes n raw records of today, in the stored form captures write, with
// BatchWriteItem, 25 a call, 4 writers.
func seed(ctx context.Context, db *dynamodb.Client, table string, n int) error {
	w := newBatchWriter(ctx, db)
	now := time.Now().UTC()
	for i := 0; i < n; i++ {
		at := now.Add(-time.Duration(i) * time.Millisecond)
		if requestlog.Day(at) != requestlog.Day(now) {
			at = now
		}
		raw := requestlog.Raw{At: at, IP: fmt.Sprintf("198.51.100.%d", i%250), Method: "GET",
			Route: []string{"GET /v1/listings/{id}", "GET /v1/me", "POST /v1/sessions"}[i%3], Status: []int{200, 200, 404, 500}[i%4],
			UA: "bench/" + strconv.Itoa(i%7), ID: ids.NewV7(at), Feature: "bench"}
		if i%3 == 0 {
			raw.Resource = "/v1/listings/" + strconv.Itoa(i%50)
		}
		item, err := requestlogdb.Item(raw, i%requestlogdb.Shards, 24*time.Hour)
		if err == nil {
			err = w.put(table, item)
		}
		if err != nil {
			_ = w.close()
			return err
		}
	}
	return w.close()
}

// countingDB counts the aggregator's calls by operation.
type countingDB struct {
	dynamo.DB
	mu  sync.Mutex
	ops map[string]*OpCalls
}

func (c *countingDB) note(op string, items int, t0 time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	o := c.ops[op]
	if o == nil {
		o = &OpCalls{Op: op}
		c.ops[op] = o
	}
	o.Calls++
	o.Items += items
	o.Time += time.Since(t0)
}

func (c *countingDB) PutItem(ctx context.Context, in *dynamodb.PutItemInput, o ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	defer c.note("PutItem", 1, time.Now())
	return c.DB.PutItem(ctx, in, o...)
}

func (c *countingDB) GetItem(ctx context.Context, in *dynamodb.GetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	defer c.note("GetItem", 1, time.Now())
	return c.DB.GetItem(ctx, in, o...)
}

func (c *countingDB) DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, o ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error) {
	defer c.note("DeleteItem", 1, time.Now())
	return c.DB.DeleteItem(ctx, in, o...)
}

func (c *countingDB) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, o ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	defer c.note("UpdateItem", 1, time.Now())
	return c.DB.UpdateItem(ctx, in, o...)
}

func (c *countingDB) Query(ctx context.Context, in *dynamodb.QueryInput, o ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	t0 := time.Now()
	out, err := c.DB.Query(ctx, in, o...)
	n := 0
	if out != nil {
		n = len(out.Items)
	}
	c.note("Query", n, t0)
	return out, err
}

func (c *countingDB) BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, o ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	n := 0
	for _, reqs := range in.RequestItems {
		n += len(reqs)
	}
	defer c.note("BatchWriteItem", n, time.Now())
	return c.DB.BatchWriteItem(ctx, in, o...)
}

// emulatorCPU returns a function that reads the CPU time the emulator listening at
// endpoint has used so far, or -1 where that cannot be read (it reads /proc).
func emulatorCPU(endpoint string) func() time.Duration {
	none := func() time.Duration { return -1 }
	u, err := url.Parse(endpoint)
	if err != nil {
		return none
	}
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	for _, d := range dirs {
		cmd, err := os.ReadFile(filepath.Join(d, "cmdline")) // #nosec G304 -- /proc/<pid>/cmdline from the glob above
		if err != nil {
			continue
		}
		args := strings.Split(string(cmd), "\x00")
		if !strings.Contains(string(cmd), "moto_server") || !slices.Contains(args, u.Port()) {
			continue
		}
		stat := filepath.Join(d, "stat")
		return func() time.Duration {
			b, err := os.ReadFile(stat) // #nosec G304 -- /proc/<pid>/stat of the moto server found above
			if err != nil {
				return -1
			}
			// Fields after the command name: utime and stime are the 12th and 13th,
			// in clock ticks (100 a second on Linux).
			f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
			if len(f) < 13 {
				return -1
			}
			ut, _ := strconv.ParseInt(f[11], 10, 64)
			st, _ := strconv.ParseInt(f[12], 10, 64)
			return time.Duration(ut+st) * 10 * time.Millisecond
		}
	}
	return none
}
