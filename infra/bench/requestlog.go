package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/infra/local"
	"kontor/shared/httpapi"
	"kontor/shared/ids"
	"kontor/shared/requestlog"
)

// RequestLogResult holds the request-log figures of one run.
type RequestLogResult struct {
	Records          int           `json:"records"`
	BatchWritePerSec float64       `json:"batchWriteItemsPerSec"`
	AggregatePerSec  float64       `json:"aggregatedAndDeletedPerSec"`
	Ratio            float64       `json:"ratioToBatchWrite"`
	CaptureOff       time.Duration `json:"medianWithoutCaptureNs"`
	CaptureOn        time.Duration `json:"medianWithCaptureNs"`
	Requests         int           `json:"requests"`
}

// RunRequestLog measures, against the emulator of a running stack: the emulator's
// raw BatchWriteItem throughput (seeding n raw records, 25 a call, 4 writers), the
// aggregator's throughput over those records (counted and deleted per second), and
// the latency a request gains from capturing its raw record (a router with and
// without capture, reqs requests each, alternating).
func RunRequestLog(ctx context.Context, s *local.Stack, n, reqs int) (RequestLogResult, error) {
	res := RequestLogResult{Records: n, Requests: reqs}
	cfg, err := s.AWSConfig(ctx)
	if err != nil {
		return res, err
	}
	db := dynamodb.NewFromConfig(cfg)
	table := s.Name("RequestLogTable")
	day := requestlog.Day(time.Now())
	start := time.Now()
	if err := seed(ctx, db, table, day, n); err != nil {
		return res, err
	}
	res.BatchWritePerSec = float64(n) / time.Since(start).Seconds()

	agg := &requestlog.Aggregator{DB: db, Table: table, Mode: requestlog.ModeAggregate, Now: func() time.Time { return time.Now().UTC() },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	start = time.Now()
	rep, err := agg.Run(ctx)
	if err != nil {
		return res, err
	}
	if rep.Counted < n {
		return res, fmt.Errorf("aggregated %d of %d records", rep.Counted, n)
	}
	res.AggregatePerSec = float64(rep.Counted) / time.Since(start).Seconds()
	res.Ratio = res.AggregatePerSec / res.BatchWritePerSec

	rec := &requestlog.Writer{Recorder: &requestlog.Recorder{DB: db, Table: table, Retention: 24 * time.Hour}}
	handler := func(context.Context, *httpapi.Request) (httpapi.Response, error) {
		return httpapi.JSON(200, map[string]string{"ok": "yes"}), nil
	}
	routes := map[string]httpapi.Route{"GET /v1/bench": {Handler: handler, Access: httpapi.Public}}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	off := httpapi.NewRouter(quiet, routes)
	on := httpapi.NewRouter(quiet, routes).WithCapture(requestlog.Capturer{Writer: rec, Feature: "bench"}.Capture)
	var tOff, tOn []time.Duration
	for i := 0; i < reqs; i++ {
		ev := events.APIGatewayV2HTTPRequest{RouteKey: "GET /v1/bench", RawPath: "/v1/bench"}
		ev.RequestContext.HTTP.Method, ev.RequestContext.HTTP.SourceIP, ev.RequestContext.HTTP.UserAgent = "GET", "192.0.2.1", "bench/1"
		ev.RequestContext.RequestID = "bench-" + strconv.Itoa(i)
		for _, r := range []struct {
			rt  *httpapi.Router
			out *[]time.Duration
		}{{off, &tOff}, {on, &tOn}} {
			t0 := time.Now()
			if _, err := r.rt.Handle(ctx, ev); err != nil {
				return res, err
			}
			*r.out = append(*r.out, time.Since(t0))
		}
	}
	res.CaptureOff, res.CaptureOn = median(tOff), median(tOn)
	// Leave no bench records behind.
	if _, err := agg.Run(ctx); err != nil {
		return res, err
	}
	return res, nil
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// seed writes n raw records of day with BatchWriteItem, 25 a call, 4 writers.
func seed(ctx context.Context, db *dynamodb.Client, table, day string, n int) error {
	jobs := make(chan []types.WriteRequest)
	errs := make(chan error, 4)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for batch := range jobs {
				req := map[string][]types.WriteRequest{table: batch}
				for len(req) > 0 {
					out, err := db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: req})
					if err != nil {
						errs <- err
						return
					}
					req = out.UnprocessedItems
				}
			}
		}()
	}
	now := time.Now().UTC()
	s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	nv := func(v int64) types.AttributeValue {
		return &types.AttributeValueMemberN{Value: strconv.FormatInt(v, 10)}
	}
	var batch []types.WriteRequest
	for i := 0; i < n; i++ {
		at := now.Add(-time.Duration(i) * time.Millisecond)
		route := []string{"GET /v1/listings/{id}", "GET /v1/me", "POST /v1/sessions"}[i%3]
		item := map[string]types.AttributeValue{
			"pk": s("RAW#" + day + "#" + strconv.Itoa(i%requestlog.Shards)), "sk": s(at.Format(time.RFC3339Nano) + "#" + ids.NewV7(at)),
			"at": s(at.Format(time.RFC3339Nano)), "ip": s(fmt.Sprintf("198.51.100.%d", i%250)), "method": s("GET"),
			"route": s(route), "status": nv(int64([]int{200, 200, 404, 500}[i%4])), "ua": s("bench/" + strconv.Itoa(i%7)),
			"id": s(strconv.Itoa(i)), "feature": s("bench"), "ttl": nv(at.Add(24 * time.Hour).Unix()),
		}
		if i%3 == 0 {
			item["resource"] = s("/v1/listings/" + strconv.Itoa(i%50))
		}
		batch = append(batch, types.WriteRequest{PutRequest: &types.PutRequest{Item: item}})
		if len(batch) == 25 || i == n-1 {
			select {
			case jobs <- batch:
			case err := <-errs:
				close(jobs)
				wg.Wait()
				return err
			}
			batch = nil
		}
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errs:
		return fmt.Errorf("batch write: %w", err)
	default:
		return nil
	}
}
