// Command kontor-bench measures what `make bench` reports: the weight of every
// page of the built web portal in every language against the page budget, as built
// and as Chromium loads it from a local stack (bytes on the wire, requests to first
// render, first contentful paint); per function of
// template.yaml, the arm64 binary size and the median cold-start init duration next to
// a hello-world Lambda; then, on a local stack on free loopback ports, the hourly
// request-log aggregation against the emulator's BatchWriteItem rate, the capture's
// cost, a bounded load run through the API gateway, and the emulator's bare GetItem
// latency, all in the same run; the members' network's feed and member reads
// with 10,000 posts in a member's 20 groups, with the DynamoDB requests each
// makes; the network's search (people and posts) with the DynamoDB requests
// each makes next to a bare Query, and the time from a post's creation to its
// first hit; and what a fresh person's export and erasure take while the tables
// hold 0, 10,000 and 100,000 other people's items.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"kontor/infra/bench"
	"kontor/infra/local"
	"kontor/infra/standin"
	"kontor/infra/template"
	"kontor/web"
	"kontor/web/browsertest"
)

func main() {
	n := flag.Int("n", 15, "cold starts per function (0: skip the cold starts)")
	records := flag.Int("records", 20000, "raw request records for the aggregation benchmark (0: skip the stack benchmarks but the network's)")
	networkPosts := flag.Int("network-posts", 10000, "posts in the network benchmark's 20 groups (0: skip it)")
	networkSamples := flag.Int("network-samples", 50, "requests per network read, in process and through the gateway each")
	messageSamples := flag.Int("message-samples", 200, "direct messages sent in the messages benchmark (0: skip it)")
	searchMembers := flag.Int("search-members", 1000, "profiles in the search benchmark (0: skip it)")
	searchPosts := flag.Int("search-posts", 5000, "posts in the search benchmark's 200 groups")
	listings := flag.Int("listings", 50000, "published listings in the classifieds benchmark (0: skip it)")
	listingsExpiring := flag.Int("listings-expiring", 10000, "listings seeded after the reads that expire together in the classifieds benchmark")
	alerts := flag.Int("alerts", 10000, "active alerts seeded on the emulator in the alert matching benchmark (0: skip it); the requests are also counted at 100,000 in process")
	alertListings := flag.Int("alert-listings", 3, "listings published one after another in the alert matching benchmark")
	reqs := flag.Int("requests", 300, "requests one at a time per capture variant")
	clients := flag.Int("clients", 20, "concurrent clients of the load runs")
	loadFor := flag.Duration("load", 30*time.Second, "duration of each route's load run")
	captureFor := flag.Duration("capture-load", 10*time.Second, "duration of each capture variant's concurrent run")
	others := flag.String("others", "10000,100000", "levels of other people's items for the export and erasure figures, ascending, comma-separated (0 always runs first; empty: skip)")
	persons := flag.Int("others-persons", 3, "fresh persons whose export and erasure are measured at each level")
	pages := flag.Bool("pages", true, "measure the built site's page weights (needs no stack)")
	browser := flag.Bool("browser", true, "load every page in Chromium from a local stack of its own (skipped, saying why, without Chromium)")
	asJSON := flag.Bool("json", false, "print JSON")
	flag.Parse()
	levels, err := parseLevels(*others)
	if err != nil {
		fail(err)
	}
	wd, err := os.Getwd()
	if err != nil {
		fail(err)
	}
	began := time.Now()
	var weights []web.PageWeight
	if *pages {
		if weights, err = pageWeights(wd); err != nil {
			fail(err)
		}
	}
	var loads []bench.PageLoad
	var noBrowser string
	if *browser {
		if loads, noBrowser, err = pageLoads(wd); err != nil {
			fail(err)
		}
	}
	var cold []bench.Result
	var spamTime bench.SpamTimeResult
	if *n > 0 {
		if cold, err = bench.Run(context.Background(), wd, *n); err != nil {
			fail(err)
		}
		if spamTime, err = bench.SpamTime(wd); err != nil {
			fail(err)
		}
	}
	var st *stackFigures
	if *records > 0 || *networkPosts > 0 || *searchMembers > 0 || *messageSamples > 0 || *listings > 0 || *alerts > 0 {
		st, err = stackBench(wd, stackRuns{records: *records, reqs: *reqs, clients: *clients, loadFor: *loadFor, captureFor: *captureFor,
			levels: levels, persons: *persons, networkPosts: *networkPosts, networkSamples: *networkSamples,
			searchMembers: *searchMembers, searchPosts: *searchPosts, messageSamples: *messageSamples,
			listings: *listings, listingsExpiring: *listingsExpiring, alerts: *alerts, alertListings: *alertListings})
		if err != nil {
			fail(err)
		}
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		var budget any
		if *pages {
			budget = map[string]int{"scriptBytes": web.ScriptBudget, "styleBytes": web.StyleBudget}
		}
		_ = enc.Encode(map[string]any{"pages": weights, "pageBudget": budget, "pageLoads": loads, "pageLoadsSkipped": noBrowser, "coldStarts": cold, "spamTime": spamTime, "stack": st})
		return
	}
	if len(weights) > 0 {
		printPageWeights(os.Stdout, weights)
	}
	if noBrowser != "" {
		fmt.Printf("\nPage loads in Chromium: SKIPPED, %s\n", noBrowser)
	} else if len(loads) > 0 {
		printPageLoads(os.Stdout, loads)
	}
	if len(cold) > 0 {
		printColdStarts(os.Stdout, cold, *n)
		printSpamTime(os.Stdout, cold, spamTime)
	}
	if st != nil {
		st.print(os.Stdout)
	}
	fmt.Printf("\nmake bench took %s.\n", time.Since(began).Round(time.Second))
}

// pageWeights builds the site with template.yaml's default versions, as
// kontor-site does, and measures every page.
func pageWeights(root string) ([]web.PageWeight, error) {
	tpl, err := template.Load(filepath.Join(root, "template.yaml"))
	if err != nil {
		return nil, err
	}
	return web.PageWeights(web.Options{TermsVersion: tpl.Parameters["TermsVersion"].Default, PrivacyVersion: tpl.Parameters["PrivacyNoticeVersion"].Default})
}

func printPageWeights(out io.Writer, ws []web.PageWeight) {
	fmt.Fprintf(out, "Page weights: every page of the built site, its HTML and the stylesheets and module scripts it references; bytes as built (minified) and gzipped (best compression); requests to first render = the HTML + its stylesheets + its scripts.\n\n")
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "page\tHTML B\tgzip\tCSS B\tgzip\tJS B\tgzip\ttotal B\tgzip\trequests\tbudget\t")
	var maxJS, maxCSS, maxTotal, maxTotalGzip int
	over := 0
	for _, p := range ws {
		ok := "ok"
		if !p.OK {
			ok = "OVER (" + strings.Join(p.Over, ", ") + ")"
			over++
		}
		fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t\n", p.URL, p.HTML, p.HTMLGzip, p.CSS, p.CSSGzip, p.JS, p.JSGzip, p.Total(), p.TotalGzip(), p.Requests, ok)
		maxJS, maxCSS = max(maxJS, p.JS), max(maxCSS, p.CSS)
		maxTotal, maxTotalGzip = max(maxTotal, p.Total()), max(maxTotalGzip, p.TotalGzip())
	}
	_ = w.Flush()
	fmt.Fprintf(out, "\nBudget per page (uncompressed, minified): script ≤ %d KB (%d B), CSS ≤ %d KB (%d B); %d of %d pages over. Largest: script %d B (%.0f%% of its budget), CSS %d B (%.0f%%), page %d B; gzipped, page %d B.\n",
		web.ScriptBudget/1024, web.ScriptBudget, web.StyleBudget/1024, web.StyleBudget, over, len(ws),
		maxJS, 100*float64(maxJS)/web.ScriptBudget, maxCSS, 100*float64(maxCSS)/web.StyleBudget, maxTotal, maxTotalGzip)
}

// pageLoads loads every page in Chromium from a local stack started for it, as
// the browser tests start theirs; without a Chromium, skipped says why (skipped,
// not failed: make bench is not CI).
func pageLoads(root string) (loads []bench.PageLoad, skipped string, err error) {
	exe, err := browsertest.FindBrowser(root)
	if err != nil {
		return nil, err.Error(), nil
	}
	ctx := context.Background()
	s, err := local.Start(ctx, local.Options{Root: root, APIAddr: "127.0.0.1:0", MotoAddr: "127.0.0.1:0", StandIns: standin.All(), Logs: benchLogs()})
	if err != nil {
		return nil, "", err
	}
	defer s.Close()
	if loads, err = bench.RunPageLoads(ctx, s, exe, web.Pages(web.Options{})); err != nil {
		return nil, "", fmt.Errorf("page loads: %w", err)
	}
	return loads, "", nil
}

func printPageLoads(out io.Writer, loads []bench.PageLoad) {
	fmt.Fprintf(out, "\nPage loads in Chromium (headless, this machine, local stack; each page in a fresh browser context, cache off; the stand-in site gzips as the distribution does): HTML, CSS, JS = body bytes on the wire (resource timing encodedBodySize), API = the page's /v1/ answers, wire = every byte received, headers included (CDP loadingFinished encodedDataLength); first render = requests whose response ended before the first contentful paint (FCP); ratios against the same language's home page. Pages that lead to sign-in without a session are loaded signed in (*).\n\n")
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "page\tHTML gz\tCSS gz\tJS gz\tpage gz\t× home\tAPI\twire\trequests\tto first render\tFCP ms\t× home\tbudget\t")
	over := 0
	var fcps []float64
	for _, p := range loads {
		name := p.URL
		if p.SignedIn {
			name += " *"
		}
		ok := "ok"
		if len(p.Over) > 0 {
			ok = "OVER (" + strings.Join(p.Over, ", ") + ")"
			over++
		}
		if p.Encoding != "gzip" {
			ok += " (HTML not gzipped)"
		}
		fcps = append(fcps, p.FCP)
		fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\t%.2f\t%d\t%d\t%d\t%d\t%.0f\t%.2f\t%s\t\n", name, p.HTML, p.CSS, p.JS, p.Gzip(), p.SizeRatio, p.API, p.Wire, p.Requests, p.ToFirstRender, p.FCP, p.FCPRatio, ok)
	}
	_ = w.Flush()
	if len(fcps) == 0 {
		return
	}
	slices.Sort(fcps)
	fmt.Fprintf(out, "\nBudget per page (unpacked): script ≤ %d B, CSS ≤ %d B; %d of %d page loads over. FCP median %.0f ms, largest %.0f ms.\n",
		web.ScriptBudget, web.StyleBudget, over, len(loads), fcps[len(fcps)/2], fcps[len(fcps)-1])
}

func printColdStarts(out io.Writer, res []bench.Result, n int) {
	fmt.Fprintf(out, "\nCold starts: %d per function, interleaved; init = process start → the runtime and every extension ask for their first event (host build with the deploy flags); size = linux/arm64 deploy build.\n\n", n)
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "function\tbinary MB\tinit median ms\tinit p90 ms\tratio\ttargets\t")
	for _, r := range res {
		ok := "ok"
		if !r.OK {
			ok = "OVER"
		}
		fmt.Fprintf(w, "%s\t%.2f\t%.2f\t%.2f\t%.2f×\t%s\t\n", r.Function, r.BinaryMB, bench.Ms(r.InitMedian), bench.Ms(r.InitP90), r.Ratio, ok)
	}
	_ = w.Flush()
	fmt.Fprintf(out, "\nTargets: init ≤ %.1f× the baseline, binary ≤ %.0f MB.\n", bench.MaxInitRatio, bench.MaxBinaryMB)
}

// printSpamTime sets the reply spam filter's cost beside the replies function's
// cold-start init of the same run: the model loads once per instance during that
// init (classifiedswire.Replies builds the filter before the first event), so the
// init holds the load; each reply then pays the classification.
func printSpamTime(out io.Writer, cold []bench.Result, s bench.SpamTimeResult) {
	var init time.Duration
	for _, r := range cold {
		if r.Function == "RepliesFunction" {
			init = r.InitMedian
		}
	}
	fmt.Fprintf(out, "\nSpam filter (HGK-10), in process: medians of %d rounds over the %d hand-written replies (shared/spam/replies.tsv), spam.Shipped with the default thresholds.\n\n", s.Rounds, s.Replies)
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "figure\tms\tto RepliesFunction's init\t")
	ratio := func(d time.Duration) string {
		if init <= 0 {
			return "-"
		}
		return fmt.Sprintf("%.3g×", float64(d)/float64(init))
	}
	fmt.Fprintf(w, "RepliesFunction init median\t%.2f\t\t\n", bench.Ms(init))
	fmt.Fprintf(w, "model load (once per instance, part of the init)\t%.2f\t%s\t\n", bench.Ms(s.ModelLoad), ratio(s.ModelLoad))
	fmt.Fprintf(w, "classification per reply\t%.3f\t%s\t\n", float64(s.PerReply.Nanoseconds())/1e6, ratio(s.PerReply))
	_ = w.Flush()
}

type stackFigures struct {
	Aggregation bench.AggregationResult    `json:"aggregation"`
	Capture     []bench.CaptureResult      `json:"capture"`
	Load        []bench.LoadResult         `json:"load"`
	GetItem     bench.GetItemResult        `json:"getItem"`
	Protocol    []bench.ProtocolResult     `json:"protocol"`
	Scale       []bench.ScaleLevel         `json:"privacyScale,omitempty"`
	Network     *bench.NetworkFeedResult   `json:"network,omitempty"`
	Search      *bench.NetworkSearchResult `json:"networkSearch,omitempty"`
	Messages    *bench.MessagesResult      `json:"messages,omitempty"`
	Listings    *bench.ListingsResult      `json:"listings,omitempty"`
	Alerts      *bench.AlertsResult        `json:"alerts,omitempty"`
	reqs        int
	loadFor     time.Duration
	captureFor  time.Duration
}

// parseLevels reads -others: "" skips the privacy-scale run.
func parseLevels(v string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(v, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 0 || n > bench.MaxStrangers {
			return nil, fmt.Errorf("-others: %q is not a level from 0 to %d", f, bench.MaxStrangers)
		}
		out = append(out, n)
	}
	return out, nil
}

// stackRuns says what stackBench measures: records 0 skips all but the network
// benchmark, networkPosts 0 skips that.
type stackRuns struct {
	records, reqs, clients       int
	loadFor, captureFor          time.Duration
	levels                       []int
	persons                      int
	networkPosts, networkSamples int
	messageSamples               int
	searchMembers, searchPosts   int
	listings, listingsExpiring   int
	alerts, alertListings        int
}

func stackBench(root string, runs stackRuns) (*stackFigures, error) {
	ctx := context.Background()
	s, err := local.Start(ctx, local.Options{Root: root, APIAddr: "127.0.0.1:0", MotoAddr: "127.0.0.1:0", StandIns: standin.All(), Logs: benchLogs()})
	if err != nil {
		return nil, err
	}
	defer s.Close()
	f := &stackFigures{reqs: runs.reqs, loadFor: runs.loadFor, captureFor: runs.captureFor}
	if runs.records > 0 {
		if err := f.requestBenches(ctx, s, runs); err != nil {
			return nil, err
		}
	}
	// Direct messages first: the network table still small.
	if runs.messageSamples > 0 {
		mr, err := bench.RunMessages(ctx, s, runs.messageSamples)
		if err != nil {
			return nil, fmt.Errorf("messages: %w", err)
		}
		f.Messages = &mr
	}
	// Before the privacy scale: the network's own table, measured while the
	// other tables are small.
	if runs.networkPosts > 0 {
		nf, err := bench.RunNetworkFeed(ctx, s, runs.networkPosts, max(runs.networkSamples, 1))
		if err != nil {
			return nil, fmt.Errorf("network: %w", err)
		}
		f.Network = &nf
	}
	// The search after the feed, on the network table it grows most.
	if runs.searchMembers > 0 {
		ns, err := bench.RunNetworkSearch(ctx, s, runs.searchMembers, runs.searchPosts, max(runs.networkSamples, 1))
		if err != nil {
			return nil, fmt.Errorf("network search: %w", err)
		}
		f.Search = &ns
	}
	// The classifieds on their own table.
	if runs.listings > 0 {
		lr, err := bench.RunListings(ctx, s, runs.listings, runs.listingsExpiring, max(runs.networkSamples, 1))
		if err != nil {
			return nil, fmt.Errorf("listings: %w", err)
		}
		f.Listings = &lr
	}
	// The alert matching on the classifieds table, after the listings' reads.
	if runs.alerts > 0 {
		ar, err := bench.RunAlerts(ctx, s, runs.alerts, max(runs.alertListings, 1))
		if err != nil {
			return nil, fmt.Errorf("alerts: %w", err)
		}
		f.Alerts = &ar
	}
	// Last: it fills the tables with other people's items.
	if runs.records > 0 && len(runs.levels) > 0 {
		if f.Scale, err = bench.RunPrivacyScale(ctx, s, runs.levels, max(runs.persons, 1)); err != nil {
			return nil, fmt.Errorf("privacy scale: %w", err)
		}
	}
	return f, nil
}

// requestBenches are the aggregation, capture, load, GetItem and protocol runs.
func (f *stackFigures) requestBenches(ctx context.Context, s *local.Stack, runs stackRuns) error {
	var err error
	records, reqs, clients, loadFor, captureFor := runs.records, runs.reqs, runs.clients, runs.loadFor, runs.captureFor
	// The aggregation first, on a table that holds nothing else yet.
	if f.Aggregation, err = bench.RunAggregation(ctx, s, records); err != nil {
		return fmt.Errorf("aggregation: %w", err)
	}
	if f.Capture, err = bench.RunCapture(ctx, s, reqs, clients, captureFor); err != nil {
		return fmt.Errorf("capture: %w", err)
	}
	if f.Load, err = bench.RunLoad(ctx, s, clients, loadFor); err != nil {
		return fmt.Errorf("load: %w", err)
	}
	if f.GetItem, err = bench.RunGetItem(ctx, s, 2000, clients, 5*time.Second); err != nil {
		return fmt.Errorf("GetItem: %w", err)
	}
	if f.Protocol, err = bench.RunProtocol(ctx, s, 60); err != nil {
		return fmt.Errorf("privacy protocol: %w", err)
	}
	return nil
}

func (f *stackFigures) print(out io.Writer) {
	if len(f.Load) > 0 {
		f.printRequests(out)
	}
	f.printMessages(out)
	f.printNetwork(out)
	f.printSearch(out)
	f.printListings(out)
	f.printAlerts(out)
	f.printScale(out)
}

// printMessages prints what sending a direct message costs: AWS requests per
// message and latency against a bare PutItem of the same run.
func (f *stackFigures) printMessages(out io.Writer) {
	m := f.Messages
	if m == nil {
		return
	}
	fmt.Fprintf(out, "\nDirect messages (HKC-7): %d messages sent in process (the service with the real stores and KMS against the emulator), each sealed for both sides:\n", m.Samples)
	fmt.Fprintf(out, "  send p50 %.2f ms, p95 %.2f ms; bare PutItem p50 %.2f ms, p95 %.2f ms (same run); send = %.1f× PutItem\n",
		bench.Ms(m.Send.P50), bench.Ms(m.Send.P95), bench.Ms(m.PutItem.P50), bench.Ms(m.PutItem.P95), m.Ratio)
	for _, c := range []struct {
		name  string
		calls map[string]int
	}{{"steady state", m.Calls}, {"first message to a member (their side made)", m.FirstCalls}, {"recipient blocks the sender", m.BlockedCalls}} {
		ops := slices.Sorted(maps.Keys(c.calls))
		parts := make([]string, len(ops))
		for i, op := range ops {
			parts[i] = fmt.Sprintf("%s %d", op, c.calls[op])
		}
		fmt.Fprintf(out, "  requests per message, %s: %s\n", c.name, strings.Join(parts, ", "))
	}
}

// printNetwork prints the network's reads: latency in process and through the
// gateway, DynamoDB requests per call, against the bare GetItem of the same run.
func (f *stackFigures) printNetwork(out io.Writer) {
	n := f.Network
	if n == nil {
		return
	}
	fmt.Fprintf(out, "\nMembers' network: one member in %d groups holding %d posts by %d authors (seeded through networkdb.Store in %.1f s); %d requests per read,\n",
		n.Groups, n.Posts, n.Authors, n.SeedTook.Seconds(), n.GetItem.Requests)
	fmt.Fprintln(out, "in process = the route's handler with the real store against the emulator, its answer JSON-encoded; HTTP = through the local gateway, authorizer and function:")
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "  read\tp50 ms\tp95 ms\t× GetItem\tDynamoDB calls (mean ms in each)\tHTTP p50 ms\tHTTP p95 ms\tHTTP reads\t")
	for _, o := range n.Ops {
		fmt.Fprintf(w, "  %s\t%.2f\t%.2f\t%.1f×\t%d (%s)\t%.2f\t%.2f\t%d\t\n", o.Name, bench.Ms(o.InProcess.P50), bench.Ms(o.InProcess.P95), o.Ratio,
			o.TotalCalls(), callList(o), bench.Ms(o.HTTP.P50), bench.Ms(o.HTTP.P95), o.HTTPReads)
	}
	fmt.Fprintf(w, "  emulator GetItem, SDK (same run)\t%.2f\t%.2f\t1.0×\t1\t\t\t\t\n", bench.Ms(n.GetItem.P50), bench.Ms(n.GetItem.P95))
	_ = w.Flush()
	fmt.Fprintln(out, "  (HTTP reads: every DynamoDB read at the emulator's front during one request, the authorizer's session reads included)")
}

// callList names the calls by operation, in a fixed order, with the mean time
// spent in them.
// printSearch prints the network search's figures against a bare Query of one
// index partition in the same run.
func (f *stackFigures) printSearch(out io.Writer) {
	n := f.Search
	if n == nil {
		return
	}
	fmt.Fprintf(out, "\nNetwork search (HKC-9): %d profiles, %d posts in %d groups, the searcher in %d; %d index items written directly with BatchWriteItem (seed %.1f s); %d samples per search,\n",
		n.Members, n.Posts, n.Groups, n.MyGroups, n.IndexItems, n.SeedTook.Seconds(), n.Query.Requests)
	fmt.Fprintln(out, "in process = the route's handler with the real store against the emulator (which walks the whole table for each Query, DynamoDB does not):")
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "  search\tresults\tp50 ms\tp95 ms\t× Query\tDynamoDB calls (mean ms in each)\t")
	for _, o := range n.Ops {
		fmt.Fprintf(w, "  %s\t%d\t%.2f\t%.2f\t%.1f×\t%d (%s)\t\n", o.Name, n.Found[o.Name], bench.Ms(o.InProcess.P50), bench.Ms(o.InProcess.P95), o.Ratio, o.TotalCalls(), callList(o))
	}
	fmt.Fprintf(w, "  bare Query of one index partition (Limit 200)\t\t%.2f\t%.2f\t1.0×\t1\t\n", bench.Ms(n.Query.P50), bench.Ms(n.Query.P95))
	_ = w.Flush()
	fmt.Fprintf(out, "  a post's creation to its first hit: %.2f s on an idle stream, %.1f s behind the seed's backlog in the stream\n", n.FirstHit.Seconds(), n.FirstHitLag.Seconds())
}

// printListings prints the classifieds' reads against a bare Query of the
// browse index in the same run, and the expiry of many listings at one moment.
func (f *stackFigures) printListings(out io.Writer) {
	n := f.Listings
	if n == nil {
		return
	}
	fmt.Fprintf(out, "\nClassifieds: %d published listings written directly with BatchWriteItem (seed %.1f s); anonymous reads, %d samples each,\n",
		n.Listings, n.SeedTook.Seconds(), n.Query.Requests)
	fmt.Fprintln(out, "in process = the route's handler with the real store against the emulator (which walks the whole table for each Query, DynamoDB does not); HTTP = through the local gateway and function:")
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "  read\tp50 ms\tp95 ms\t× Query\tDynamoDB calls (mean ms in each)\tHTTP p50 ms\tHTTP p95 ms\tHTTP 503\tHTTP reads\t")
	for _, o := range n.Ops {
		fmt.Fprintf(w, "  %s\t%.2f\t%.2f\t%.1f×\t%d (%s)\t%.2f\t%.2f\t%d/%d\t%d\t\n", o.Name, bench.Ms(o.InProcess.P50), bench.Ms(o.InProcess.P95), o.Ratio,
			o.TotalCalls(), callList(o), bench.Ms(o.HTTP.P50), bench.Ms(o.HTTP.P95), o.HTTP.Errors, o.HTTP.Requests, o.HTTPReads)
	}
	fmt.Fprintf(w, "  bare Query of the browse index (Limit 20, same run)\t%.2f\t%.2f\t1.0×\t1\t\t\t\t\t\n", bench.Ms(n.Query.P50), bench.Ms(n.Query.P95))
	_ = w.Flush()
	e := n.Expiry
	fmt.Fprintf(out, "  %d listings expiring at one moment: just before it %d of %d sampled listings were public and %d of them on the first browse page;\n",
		e.Expiring, e.PublicBefore, e.Sampled, e.OnPageBefore)
	fmt.Fprintf(out, "  the first reads after it (begun %.0f ms after the moment) found %d public and %d on the page. The sweep took them out of the browse indexes in %d runs (%.1f s, %d unlisted).\n",
		bench.Ms(e.FirstReadAfter), e.PublicAfter, e.OnPageAfter, e.SweepRuns, e.SweepTook.Seconds(), e.Unlisted)
}

// printAlerts prints the matching of each published listing against the active
// alerts next to a Scan of all alerts in the same run.
func (f *stackFigures) printAlerts(out io.Writer) {
	a := f.Alerts
	if a == nil {
		return
	}
	fmt.Fprintf(out, "\nAlert matching: %d active alerts written directly with BatchWriteItem (seed %.1f s); each listing published, then matched in process\n", a.Alerts, a.SeedTook.Seconds())
	fmt.Fprintln(out, "(AlertMatchFunction's work without its schedule's wait of up to a minute; identity lookups answered in process, one per mail):")
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "  listing\tcandidates read\tmatched\tuntil all in the outbox ms\tDynamoDB requests\tby operation\tmatching reads (Query)\t× Scan items read\t× Scan time\t")
	for i, l := range a.Listings {
		ops := make([]string, len(l.Calls))
		queries := 0
		for j, o := range l.Calls {
			ops[j] = fmt.Sprintf("%s %d", o.Op, o.Calls)
			if o.Op == "Query" {
				queries = o.Calls
			}
		}
		fmt.Fprintf(w, "  %d\t%d\t%d\t%.0f\t%d\t%s\t%d\t%.3f×\t%.2f×\t\n", i+1, l.Candidates, l.Matched, bench.Ms(l.Took), l.Requests, strings.Join(ops, ", "), queries,
			float64(l.Candidates)/float64(max(a.Scan.Scanned, 1)), float64(l.Took)/float64(max(a.Scan.Took, 1)))
	}
	_ = w.Flush()
	fmt.Fprintf(out, "  baseline, same run: a Scan of the table for all %d active alerts took %.0f ms in %d requests reading %d items (the whole table), for each listing, before any mail.\n",
		a.Scan.Alerts, bench.Ms(a.Scan.Took), a.Scan.Requests, a.Scan.Scanned)
	fmt.Fprintln(out, "  Besides the reads, each match costs its writes: instant, a transaction (the link's token) and the outbox's put; daily, one put.")
	p := a.Projection
	fmt.Fprintf(out, "  the same listings at %d alerts of the same spread, counted in process (no emulator; moto walks the whole table for each Query):\n", p.Alerts)
	for i, l := range p.Listings {
		fmt.Fprintf(out, "    listing %d: %d candidates, %d matched, %d DynamoDB requests\n", i+1, l.Candidates, l.Matched, l.Requests)
	}
}

func callList(o bench.NetworkOp) string {
	ops := slices.Sorted(maps.Keys(o.Calls))
	parts := make([]string, len(ops))
	for i, op := range ops {
		parts[i] = fmt.Sprintf("%s %d: %.1f", op, o.Calls[op], bench.Ms(o.InDynamo[op]))
	}
	return strings.Join(parts, ", ")
}

func (f *stackFigures) printRequests(out io.Writer) {
	a := f.Aggregation
	fmt.Fprintf(out, "\nRequest-log aggregation (moto server on this machine, %d raw records of today):\n", a.Records)
	fmt.Fprintf(out, "  emulator BatchWriteItem (25/call, 4 writers)  %8.0f items/s\n", a.BatchWritePerSec)
	fmt.Fprintf(out, "  hourly aggregation (counted and deleted)      %8.0f records/s   %.2f× BatchWriteItem\n", a.AggregatePerSec, a.Ratio)
	if a.SeedCPUPerRecord > 0 && a.AggregateCPUPerRecord > 0 {
		fmt.Fprintf(out, "  emulator CPU per record: seeding %.3f ms, aggregating %.3f ms   %.2f× (not moved by other load on the machine)\n",
			bench.Ms(a.SeedCPUPerRecord), bench.Ms(a.AggregateCPUPerRecord), float64(a.SeedCPUPerRecord)/float64(a.AggregateCPUPerRecord))
	}
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "  aggregator call\tcalls\titems\ttime s (summed)\t")
	for _, c := range a.Calls {
		fmt.Fprintf(w, "  %s\t%d\t%d\t%.1f\t\n", c.Op, c.Calls, c.Items, c.Time.Seconds())
	}
	_ = w.Flush()

	fmt.Fprintf(out, "\nCapture cost: %s's real binary through the local Lambda runtime (pool of 4), GET /v1/privacy/processing (touches no table):\n", bench.CaptureFunction)
	w = tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "  capture\tp50 ms\tp95 ms\tp99 ms\tp50 vs off\t20 clients: p50 ms\tp95 ms\treq/s\terrors\t\n")
	off := f.Capture[0]
	for _, c := range f.Capture {
		fmt.Fprintf(w, "  %s\t%.3f\t%.3f\t%.3f\t%+.3f ms\t%.2f\t%.2f\t%.0f\t%d\t\n", c.Variant.Name, bench.Ms(c.Sequential.P50), bench.Ms(c.Sequential.P95), bench.Ms(c.Sequential.P99),
			bench.Ms(c.Sequential.P50-off.Sequential.P50), bench.Ms(c.Concurrent.P50), bench.Ms(c.Concurrent.P95), c.Concurrent.PerSec, c.Concurrent.Errors)
	}
	_ = w.Flush()
	fmt.Fprintf(out, "  (one at a time: %d requests per variant, interleaved; concurrent: %s per variant)\n", f.reqs, f.captureFor)

	fmt.Fprintf(out, "\nLoad run through the local API gateway (127.0.0.1, closed loop, %s per route):\n", f.loadFor)
	w = tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "  route\tclients\trequests\terrors\treq/s\tp50 ms\tp95 ms\tp99 ms\t")
	for _, l := range f.Load {
		fmt.Fprintf(w, "  %s\t%d\t%d\t%d\t%.0f\t%.2f\t%.2f\t%.2f\t\n", l.Route, l.Clients, l.Latency.Requests, l.Latency.Errors, l.Latency.PerSec,
			bench.Ms(l.Latency.P50), bench.Ms(l.Latency.P95), bench.Ms(l.Latency.P99))
	}
	g := f.GetItem
	fmt.Fprintf(w, "  emulator GetItem, SDK loop\t1\t%d\t%d\t%.0f\t%.2f\t%.2f\t%.2f\t\n", g.Sequential.Requests, g.Sequential.Errors, g.Sequential.PerSec,
		bench.Ms(g.Sequential.P50), bench.Ms(g.Sequential.P95), bench.Ms(g.Sequential.P99))
	fmt.Fprintf(w, "  emulator GetItem, SDK loops\t%d\t%d\t%d\t%.0f\t%.2f\t%.2f\t%.2f\t\n", f.Load[0].Clients, g.Concurrent.Requests, g.Concurrent.Errors, g.Concurrent.PerSec,
		bench.Ms(g.Concurrent.P50), bench.Ms(g.Concurrent.P95), bench.Ms(g.Concurrent.P99))
	_ = w.Flush()
	f.printProtocol(out)
}

// printScale prints a fresh person's export and erasure against how many other
// people's items the tables hold, as ratios to the empty level of the same run.
func (f *stackFigures) printScale(out io.Writer) {
	if len(f.Scale) == 0 {
		return
	}
	fmt.Fprintf(out, "\nExport and erasure of a fresh person while the tables hold other people's items (%v; through the gateway, signed in; %d persons per level):\n",
		f.Scale[0].Tables, f.Scale[0].Export.Requests)
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "  other items\tseeded in s\tseed items/s\texport p50 ms\texport max ms\tvs 0\terasure p50 ms\terasure max ms\tvs 0\t")
	for _, l := range f.Scale {
		seed, rate := "-", "-"
		if l.SeedTook > 0 {
			seed, rate = fmt.Sprintf("%.1f", l.SeedTook.Seconds()), fmt.Sprintf("%.0f", l.SeedPerSec)
		}
		fmt.Fprintf(w, "  %d\t%s\t%s\t%.1f\t%.1f\t%.2f×\t%.1f\t%.1f\t%.2f×\t\n", l.Others, seed, rate,
			bench.Ms(l.Export.P50), bench.Ms(l.Export.P99), l.ExportRatio, bench.Ms(l.Erase.P50), bench.Ms(l.Erase.P99), l.EraseRatio)
	}
	_ = w.Flush()
	for _, l := range f.Scale {
		fmt.Fprintf(out, "  answers at %d: export %s; erasure %s\n", l.Others, strings.Join(l.ExportAnswers, ", "), strings.Join(l.EraseAnswers, ", "))
	}
	for _, l := range f.Scale {
		fmt.Fprintf(out, "  DynamoDB items read at %d: export %s; erasure %s\n", l.Others, joinInts(l.ExportItemsRead), joinInts(l.EraseItemsRead))
	}
	fmt.Fprintln(out, "  (a fresh person has almost no data: what grows with the other items is what the modules read to find a person's;")
	fmt.Fprintln(out, "  the items read are what DynamoDB bills. moto answers an index query by walking the whole table and copies a")
	fmt.Fprintln(out, "  table per transaction item, so its time grows with the table even where the items read do not)")
}

// printProtocol prints what reaching each module through its privacy function
// costs next to serving the same request in process, and what that adds to one
// export, erasure and sweep (the core visits the modules one after another).
func (f *stackFigures) printProtocol(out io.Writer) {
	if len(f.Protocol) == 0 {
		return
	}
	fmt.Fprintf(out, "\nPrivacy protocol: one request per module, in process vs through the module's privacy function (local Lambda runtime, warm; %d each, alternating):\n", f.Protocol[0].InProcess.Requests)
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "  module	op	in process p50 ms	invoked p50 ms	invoked p95 ms	extra p50 ms	")
	total := map[string]time.Duration{}
	count := map[string]int{}
	for _, r := range f.Protocol {
		fmt.Fprintf(w, "  %s\t%s\t%.2f\t%.2f\t%.2f\t%+.2f\t\n", r.Module, r.Op, bench.Ms(r.InProcess.P50), bench.Ms(r.Invoked.P50), bench.Ms(r.Invoked.P95), bench.Ms(r.Extra()))
		total[r.Op] += r.Extra()
		count[r.Op]++
	}
	_ = w.Flush()
	for _, op := range bench.ProtocolOps {
		fmt.Fprintf(out, "  one %s visits %d modules' functions in turn: %+.2f ms in all at the median\n", op, count[op], bench.Ms(total[op]))
	}
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "kontor-bench:", err)
	os.Exit(1)
}

// benchLogs is where the stack's function logs go: KONTOR_BENCH_LOGS names a file
// (to find why a request failed), otherwise nowhere.
func benchLogs() io.Writer {
	name := os.Getenv("KONTOR_BENCH_LOGS")
	if name == "" {
		return nil
	}
	f, err := os.Create(name) // #nosec G304 G703 -- the developer's own file name
	if err != nil {
		fail(err)
	}
	return f
}
