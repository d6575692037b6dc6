package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/infra/local"
	"kontor/shared/classifieds"
	"kontor/shared/classifieds/classifiedsapi"
	"kontor/shared/classifieds/classifiedsdb"
	"kontor/shared/dynamo"
	"kontor/shared/httpapi"
	"kontor/shared/ids"
	"kontor/shared/problem"
)

// ListingsResult is what browsing the classifieds costs at Listings published
// listings: each read in process (the handler with the real store against the
// emulator) and through the gateway, its DynamoDB requests, next to a bare Query
// of one page of the browse index in the same run; and the expiry of Expiring
// more listings at one moment ("midnight").
type ListingsResult struct {
	Listings int           `json:"listings"`
	SeedTook time.Duration `json:"seedTookNs"`
	Ops      []NetworkOp   `json:"ops"`
	Query    Latency       `json:"query"` // bare Query of the browse index, Limit 20, no filter
	Expiry   ListingExpiry `json:"expiry"`
}

// ListingExpiry is what reads show around the moment Expiring listings expire.
type ListingExpiry struct {
	Expiring int `json:"expiring"`
	// Before: the sampled listings public (of Sampled) and the expiring ones on
	// the first browse page, by reads just before the moment.
	Sampled, PublicBefore, OnPageBefore int
	// After: the same by the first reads after it, and when they began.
	PublicAfter, OnPageAfter int
	FirstReadAfter           time.Duration `json:"firstReadAfterNs"`
	// SweepRuns and SweepTook: the sweep runs until their browse attributes were
	// all removed (tidying only).
	SweepRuns int           `json:"sweepRuns"`
	SweepTook time.Duration `json:"sweepTookNs"`
	Unlisted  int           `json:"unlisted"`
}

// The seeded listings' vocabulary: titles and texts draw words from it, so free-
// text filters match a few percent.
var listingWords = strings.Fields("ostsee törn bornholm kiel skagen mitsegler erfahrung koje nacht regatta überführung biskaya kanaren atlantik karibik hafen anker wache kochen segeln")

// seedListings writes listings first to first+count-1 of n directly with
// BatchWriteItem, spread over kinds, areas, boat types, 180 days of trips and 60
// days of publication (the later, the newer); with at set they expire together
// at at. It returns their ids.
func seedListings(ctx context.Context, db *dynamodb.Client, table string, n, first, count int, at time.Time) ([]string, error) {
	w := newBatchWriter(ctx, db)
	now := time.Now().UTC()
	today := classifieds.Today(now)
	var seeded []string
	for i := first; i < first+count; i++ {
		pub := now.Add(-time.Duration(n-i) * 60 * 24 * time.Hour / time.Duration(n))
		l := classifieds.Listing{ID: ids.NewV7(pub), AdvertiserID: ids.NewV7(pub), Status: classifieds.StatusPublished,
			Kind: []string{classifieds.KindOffer, classifieds.KindSearch}[i%2], Area: classifieds.Areas[i%len(classifieds.Areas)],
			BoatType: classifieds.BoatTypes[i%len(classifieds.BoatTypes)], From: today.AddDate(0, 0, 1+i%180).Format("2006-01-02"),
			To: today.AddDate(0, 0, 8+i%180).Format("2006-01-02"), Title: fmt.Sprintf("Törn %d: %s und %s", i, listingWords[i%len(listingWords)], listingWords[(i/7)%len(listingWords)]),
			Text: "Koje frei. " + listingWords[(i/3)%len(listingWords)] + " " + listingWords[(i/11)%len(listingWords)], ExpiresOn: today.AddDate(0, 0, 30).Format("2006-01-02"),
			ExpiresAt: today.AddDate(0, 0, 31), CreatedAt: pub, PublishedAt: &pub}
		if !at.IsZero() {
			l.ExpiresAt, l.ExpiresOn = at, at.Add(-time.Hour).Format("2006-01-02")
		}
		seeded = append(seeded, l.ID)
		it, err := classifiedsdb.ItemOf(l)
		if err != nil {
			return nil, err
		}
		if err := w.put(table, it); err != nil {
			return nil, err
		}
	}
	return seeded, w.close()
}

// RunListings seeds n published listings and measures an anonymous filtered
// browse page, a page by start date in a date range, a free-text page and one
// listing, samples times each in process and through the gateway, interleaved
// with a bare Query; then it seeds expiring more, the newest, that expire
// together a little later, and reads around that moment and runs the sweep.
func RunListings(ctx context.Context, s *local.Stack, n, expiring, samples int) (ListingsResult, error) {
	res := ListingsResult{Listings: n}
	cfg, err := s.AWSConfig(ctx)
	if err != nil {
		return res, err
	}
	db := dynamodb.NewFromConfig(cfg)
	table := s.Name("ClassifiedsTable")
	began := time.Now()
	seeded, err := seedListings(ctx, db, table, n+expiring, 0, n, time.Time{})
	if err != nil {
		return res, fmt.Errorf("seed: %w", err)
	}
	res.SeedTook = time.Since(began)
	counter := &countingDB{DB: db, ops: map[string]*OpCalls{}}
	store := &classifiedsdb.Store{DB: counter, Table: table}
	h := classifiedsapi.Listings{Svc: &classifieds.Listings{Store: store, Now: func() time.Time { return time.Now().UTC() }}}
	today := classifieds.Today(time.Now())
	rangeQ := "sort=start&from=" + today.AddDate(0, 0, 60).Format("2006-01-02") + "&to=" + today.AddDate(0, 0, 67).Format("2006-01-02") + "&area=mediterranean"
	ops := []networkRead{
		{"GET /v1/listings?kind=offer&area=baltic", "/v1/listings?kind=offer&area=baltic", browseCall(h, "kind=offer&area=baltic")},
		{"GET /v1/listings (by start, a week, one area)", "/v1/listings?" + rangeQ, browseCall(h, rangeQ)},
		{"GET /v1/listings?q=bornholm+kiel", "/v1/listings?q=bornholm+kiel", browseCall(h, "q=bornholm+kiel")},
		{"GET /v1/listings/{id}", "/v1/listings/" + seeded[n/2], getCall(h, seeded[n/2])},
	}
	bare := func() error {
		_, _, err := (dynamo.Table{DB: db, Name: table}).QueryIndexPage(ctx, dynamo.IndexQuery{Index: classifiedsdb.BrowseNew.Name, KeyCond: "#p = :p",
			Names: map[string]string{"#p": "pub"}, Values: dynamo.Item{":p": dynamo.S("PUB")}, Limit: 20, Descending: true})
		return err
	}
	if res.Ops, res.Query, err = sampleOps(ctx, counter, ops, samples, bare); err != nil {
		return res, err
	}
	if err := listingsOverHTTP(ctx, s, ops, samples, res.Ops); err != nil {
		return res, err
	}
	// The newest expiring listings expire together, as at midnight, a little
	// after their seed (estimated at the pace of the first).
	pace := res.SeedTook / time.Duration(max(n, 1))
	at := time.Now().Add(pace*time.Duration(expiring)*3/2 + 20*time.Second).Truncate(time.Second)
	expiringIDs, err := seedListings(ctx, db, table, n+expiring, n, expiring, at)
	if err != nil {
		return res, fmt.Errorf("seed: %w", err)
	}
	res.Expiry, err = listingExpiry(ctx, h, store, expiringIDs, at)
	return res, err
}

func browseCall(h classifiedsapi.Listings, query string) func(context.Context) (httpapi.Response, error) {
	return func(ctx context.Context) (httpapi.Response, error) {
		r := &httpapi.Request{Lang: "en"}
		r.Event.QueryStringParameters = map[string]string{}
		for _, kv := range strings.Split(query, "&") {
			k, v, _ := strings.Cut(kv, "=")
			r.Event.QueryStringParameters[k] = strings.ReplaceAll(v, "+", " ")
		}
		return h.Browse(ctx, r)
	}
}

func getCall(h classifiedsapi.Listings, id string) func(context.Context) (httpapi.Response, error) {
	return func(ctx context.Context) (httpapi.Response, error) {
		r := &httpapi.Request{Lang: "en"}
		r.Event.PathParameters = map[string]string{"id": id}
		return h.Get(ctx, r)
	}
}

// listingsOverHTTP measures the same reads through the gateway, anonymously,
// with the emulator's read meter on.
func listingsOverHTTP(ctx context.Context, s *local.Stack, ops []networkRead, samples int, out []NetworkOp) error {
	s.MeterReads()
	times := make([][]time.Duration, len(ops))
	errs := make([]int, len(ops))
	began := time.Now()
	for round := 0; round < samples && (round < networkMinSamples || time.Since(began) < networkBudget); round++ {
		for i, op := range ops {
			before := s.ReadsTotal().Calls
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.APIURL+op.path, nil)
			if err != nil {
				return err
			}
			start := time.Now()
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return fmt.Errorf("%s: %w", op.name, err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			if len(resp.Header.Values("Set-Cookie")) > 0 {
				return fmt.Errorf("%s through the gateway set cookies %v", op.name, resp.Header.Values("Set-Cookie"))
			}
			// A function that overran its time on the emulator answers 503: counted,
			// not timed (moto walks the whole table for each Query).
			if resp.StatusCode == http.StatusServiceUnavailable {
				errs[i]++
				continue
			}
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("%s through the gateway: status %d", op.name, resp.StatusCode)
			}
			times[i] = append(times[i], time.Since(start))
			out[i].HTTPReads = s.ReadsTotal().Calls - before
		}
	}
	for i := range out {
		out[i].HTTP = summarize(times[i], errs[i], 0)
	}
	return nil
}

// listingExpiry reads around the moment the expiring listings expire: 100 of them
// by id and the newest-first browse page (which they head), just before and at
// once after; then runs the sweep until it has taken them all out of the browse
// indexes.
func listingExpiry(ctx context.Context, h classifiedsapi.Listings, store *classifiedsdb.Store, expiring []string, at time.Time) (ListingExpiry, error) {
	e := ListingExpiry{Expiring: len(expiring), Sampled: min(100, len(expiring))}
	sample := make([]string, 0, e.Sampled)
	for i := 0; i < e.Sampled; i++ {
		sample = append(sample, expiring[i*len(expiring)/e.Sampled])
	}
	isExpiring := map[string]bool{}
	for _, id := range expiring {
		isExpiring[id] = true
	}
	count := func() (public, onPage int, err error) {
		for _, id := range sample {
			resp, err := getCall(h, id)(ctx)
			if p, ok := problem.As(err); ok && p.Status == http.StatusNotFound {
				continue
			}
			if err != nil {
				return 0, 0, err
			}
			if resp.Status == http.StatusOK {
				public++
			}
		}
		resp, err := browseCall(h, "")(ctx)
		if err != nil {
			return 0, 0, err
		}
		var page struct {
			Listings []struct{ ID string } `json:"listings"`
		}
		if err := jsonBody(resp, &page); err != nil {
			return 0, 0, err
		}
		for _, l := range page.Listings {
			if isExpiring[l.ID] {
				onPage++
			}
		}
		return public, onPage, nil
	}
	if wait := time.Until(at) - 8*time.Second; wait > 0 {
		time.Sleep(wait)
	}
	var err error
	if time.Until(at) <= 0 {
		return e, fmt.Errorf("the expiry moment passed before the reads before it (the seed and samples took too long)")
	}
	if e.PublicBefore, e.OnPageBefore, err = count(); err != nil {
		return e, err
	}
	time.Sleep(time.Until(at))
	e.FirstReadAfter = time.Since(at)
	if e.PublicAfter, e.OnPageAfter, err = count(); err != nil {
		return e, err
	}
	began := time.Now()
	for e.SweepRuns < 20 && e.Unlisted < len(expiring) {
		n, err := store.TidyExpired(ctx, time.Now().UTC())
		if err != nil {
			return e, err
		}
		e.Unlisted += n
		e.SweepRuns++
	}
	e.SweepTook = time.Since(began)
	return e, nil
}
