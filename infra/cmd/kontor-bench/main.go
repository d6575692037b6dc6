// Command kontor-bench prints, per function of template.yaml, the arm64 binary size
// and the median cold-start init duration next to a hello-world Lambda measured in
// the same run (make bench).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"text/tabwriter"

	"kontor/infra/bench"
	"kontor/infra/local"
)

func main() {
	n := flag.Int("n", 15, "cold starts per function")
	records := flag.Int("records", 100000, "raw request records for the aggregation benchmark (0: skip)")
	reqs := flag.Int("requests", 300, "requests with and without capture")
	asJSON := flag.Bool("json", false, "print JSON")
	flag.Parse()
	wd, err := os.Getwd()
	if err != nil {
		fail(err)
	}
	res, err := bench.Run(context.Background(), wd, *n)
	if err != nil {
		fail(err)
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(res)
		return
	}
	fmt.Printf("Cold starts: %d per function, interleaved; init = process start → first /next (host build with the deploy flags); size = linux/arm64 deploy build.\n\n", *n)
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "function\tbinary MB\tinit median ms\tinit p90 ms\tratio\ttargets\t")
	for _, r := range res {
		ok := "ok"
		if !r.OK {
			ok = "OVER"
		}
		fmt.Fprintf(w, "%s\t%.2f\t%.2f\t%.2f\t%.2f×\t%s\t\n", r.Function, r.BinaryMB,
			float64(r.InitMedian.Microseconds())/1000, float64(r.InitP90.Microseconds())/1000, r.Ratio, ok)
	}
	_ = w.Flush()
	fmt.Printf("\nTargets: init ≤ %.1f× the baseline, binary ≤ %.0f MB.\n", bench.MaxInitRatio, bench.MaxBinaryMB)
	if *records > 0 {
		requestLog(wd, *records, *reqs)
	}
}

func requestLog(root string, records, reqs int) {
	ctx := context.Background()
	fmt.Printf("\nRequest log (moto server on this machine): seeding %d raw records…\n", records)
	s, err := local.Start(ctx, local.Options{Root: root, APIAddr: "127.0.0.1:0", MotoAddr: "127.0.0.1:0"})
	if err != nil {
		fail(err)
	}
	defer s.Close()
	r, err := bench.RunRequestLog(ctx, s, records, reqs)
	if err != nil {
		fail(err)
	}
	fmt.Printf("  emulator BatchWriteItem (25/call, 4 writers)   %10.0f items/s\n", r.BatchWritePerSec)
	fmt.Printf("  aggregation (counted and deleted)              %10.0f records/s   (%.2f× BatchWriteItem)\n", r.AggregatePerSec, r.Ratio)
	fmt.Printf("  request without capture (median of %d)        %10.3f ms\n", r.Requests, float64(r.CaptureOff.Microseconds())/1000)
	fmt.Printf("  request with capture (median of %d)           %10.3f ms   (+%.3f ms: one PutItem)\n", r.Requests, float64(r.CaptureOn.Microseconds())/1000,
		float64((r.CaptureOn-r.CaptureOff).Microseconds())/1000)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "kontor-bench:", err)
	os.Exit(1)
}
