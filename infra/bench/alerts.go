package bench

import (
	"context"
	"fmt"
	"sort"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/infra/local"
	"kontor/shared/classifieds"
	"kontor/shared/classifieds/classifiedsdb"
	"kontor/shared/ids"
	"kontor/shared/mail"
	"kontor/shared/privacy"
)

// AlertsResult is what matching a new listing against Alerts active alerts
// costs (HGK-2): for each of Listings published listings, the time from its
// publication (queued and stored) until every matching alert's mail is in the
// outbox or its match recorded for the digest, and the DynamoDB requests of that,
// next to a baseline of the same run: a Scan of all alerts (what matching without
// the match index would read for each listing).
type AlertsResult struct {
	Alerts   int               `json:"alerts"`
	SeedTook time.Duration     `json:"seedTookNs"`
	Listings []AlertListing    `json:"listings"`
	Scan     AlertScanBaseline `json:"scan"`
	// Projection counts the same listings at ProjectedAlerts alerts in process.
	Projection AlertProjection `json:"projection"`
}

// ProjectedAlerts is the scale the requests are also counted at.
const ProjectedAlerts = 100000

// AlertListing is one published listing's matching.
type AlertListing struct {
	Candidates int           `json:"candidates"` // items its Query requests returned: the four match partitions' alerts
	Matched    int           `json:"matched"`    // mails queued plus matches recorded
	Took       time.Duration `json:"tookNs"`
	Requests   int           `json:"requests"`
	Calls      []OpCalls     `json:"calls"`
	Lookups    int           `json:"identityLookups"`
}

// AlertScanBaseline is a Scan of the whole table for the active alerts.
type AlertScanBaseline struct {
	Took     time.Duration `json:"tookNs"`
	Requests int           `json:"requests"`
	Alerts   int           `json:"alerts"`
	Scanned  int           `json:"scanned"` // items read, the whole table
}

// alertCriteria spreads seeded alerts as subscribers would set them: most name
// an area, a third a boat type, a third one or two words, a quarter dates.
func alertCriteria(i int, today time.Time) classifieds.AlertCriteria {
	c := classifieds.AlertCriteria{Kind: []string{classifieds.KindOffer, classifieds.KindSearch}[i%2]}
	if i%5 != 0 {
		c.Area = classifieds.Areas[(i/2)%len(classifieds.Areas)]
	}
	if i%3 == 0 {
		c.BoatType = classifieds.BoatTypes[(i/3)%len(classifieds.BoatTypes)]
	}
	if i%3 == 1 {
		c.Words = []string{listingWords[(i/7)%len(listingWords)]}
		if i%9 == 1 {
			c.Words = append(c.Words, listingWords[(i/13)%len(listingWords)])
		}
	}
	if i%4 == 2 {
		start := today.AddDate(0, 0, i%150)
		c.From, c.To = start.Format("2006-01-02"), start.AddDate(0, 0, 30).Format("2006-01-02")
	}
	if c.Area == "" && c.BoatType == "" && len(c.Words) == 0 && c.From == "" {
		c.BoatType = classifieds.BoatTypes[i%len(classifieds.BoatTypes)] // never "everything"
	}
	return c
}

// seedAlerts writes n active alerts of n accounts directly with BatchWriteItem;
// one in five is daily.
func seedAlerts(ctx context.Context, db *dynamodb.Client, table string, n int) error {
	w := newBatchWriter(ctx, db)
	now := time.Now().UTC()
	today := classifieds.Today(now)
	for i := range n {
		a := classifieds.Alert{ID: ids.NewV7(now), AccountID: ids.NewV7(now), Criteria: alertCriteria(i, today),
			Frequency: classifieds.FrequencyInstant, Language: []string{"de", "en"}[i%2], CreatedAt: now, ConfirmedAt: now}
		if i%5 == 4 {
			a.Frequency = classifieds.FrequencyDaily
		}
		it, err := classifiedsdb.AlertItemOf(a)
		if err != nil {
			return err
		}
		if err := w.put(table, it); err != nil {
			return err
		}
	}
	return w.close()
}

// benchPeople answers every account with an address, counting the lookups (the
// identity function's invocations, one per mail).
type benchPeople struct{ n atomic.Int64 }

func (p *benchPeople) Person(_ context.Context, accountID string) (privacy.Person, error) {
	p.n.Add(1)
	return privacy.Person{AccountID: accountID, Email: "alert-" + accountID + "@example.org", Language: "de"}, nil
}

// RunAlerts seeds n active alerts and publishes listings listings one after
// another, each matched in process by the delivery with the real store and
// outbox against the emulator, counting its DynamoDB requests; then it scans
// the table for all alerts once, as the baseline.
func RunAlerts(ctx context.Context, s *local.Stack, n, listings int) (AlertsResult, error) {
	res := AlertsResult{Alerts: n}
	cfg, err := s.AWSConfig(ctx)
	if err != nil {
		return res, err
	}
	db := dynamodb.NewFromConfig(cfg)
	table := s.Name("ClassifiedsTable")
	began := time.Now()
	if err := seedAlerts(ctx, db, table, n); err != nil {
		return res, fmt.Errorf("seed alerts: %w", err)
	}
	res.SeedTook = time.Since(began)
	counter := &countingDB{DB: db, ops: map[string]*OpCalls{}}
	store := &classifiedsdb.Store{DB: counter, Table: table}
	people := &benchPeople{}
	now := func() time.Time { return time.Now().UTC() }
	d := &classifieds.AlertDelivery{Store: store, Listings: store, People: people, Now: now, BaseURL: "https://hgk.example",
		Outbox: &mail.Outbox{DB: counter, Table: s.Name("MailOutboxTable"), Now: now}}
	for i := range listings {
		r, err := matchOne(ctx, counter, store, d, people, benchListing(i, now()))
		if err != nil {
			return res, err
		}
		res.Listings = append(res.Listings, r)
	}
	res.Scan, err = scanAlerts(ctx, db, table)
	res.Projection = ProjectAlerts(ProjectedAlerts, listings)
	return res, err
}

// benchListing is the i-th listing the bench publishes, at at.
func benchListing(i int, at time.Time) classifieds.Listing {
	today := classifieds.Today(at)
	return classifieds.Listing{ID: ids.NewV7(at), AdvertiserID: ids.NewV7(at), Status: classifieds.StatusPublished,
		Kind: []string{classifieds.KindOffer, classifieds.KindSearch}[i%2], Area: classifieds.Areas[(i*3)%len(classifieds.Areas)],
		BoatType: classifieds.BoatTypes[i%len(classifieds.BoatTypes)], From: today.AddDate(0, 0, 20+i*7).Format("2006-01-02"),
		To: today.AddDate(0, 0, 34+i*7).Format("2006-01-02"), Title: fmt.Sprintf("Koje frei: %s und %s", listingWords[i%len(listingWords)], listingWords[(i+5)%len(listingWords)]),
		Text: "Mitsegler gesucht. " + listingWords[(i+9)%len(listingWords)], ExpiresOn: today.AddDate(0, 0, 30).Format("2006-01-02"),
		ExpiresAt: today.AddDate(0, 0, 31), CreatedAt: at, PublishedAt: &at}
}

// AlertProjection is what the same listings cost at Alerts alerts of the same
// spread, counted in process without the emulator: the alerts in each listing's
// four match partitions, how many match, and the requests that makes.
type AlertProjection struct {
	Alerts   int                  `json:"alerts"`
	Listings []AlertListingCounts `json:"listings"`
}

// AlertListingCounts is one listing at the projected scale.
type AlertListingCounts struct {
	Candidates int `json:"candidates"`
	Matched    int `json:"matched"`
	Requests   int `json:"requests"`
}

// ProjectAlerts counts, for the bench's first listings listings, the
// candidates and matches among n alerts spread as seedAlerts spreads them, and
// the DynamoDB requests the delivery makes for them: the queue's put, get and
// delete, the listing's put and get, one Query per page of each partition
// (AlertMatchPage alerts a page, at least one per partition), a progress update
// after each page but a partition's last and one to each next partition, and per
// match a transaction (the link's token) and the outbox's put (instant) or one
// put (daily).
func ProjectAlerts(n, listings int) AlertProjection {
	p := AlertProjection{Alerts: n}
	now := time.Now().UTC()
	today := classifieds.Today(now)
	for i := range listings {
		l := benchListing(i, now)
		keys := classifieds.ListingMatchKeys(l)
		per := map[string]int{}
		var c AlertListingCounts
		for j := range n {
			cr := alertCriteria(j, today)
			k := cr.MatchKey()
			if k != keys[0] && k != keys[1] && k != keys[2] && k != keys[3] {
				continue
			}
			per[k]++
			c.Candidates++
			if cr.Matches(l) {
				c.Matched++
				if j%5 == 4 {
					c.Requests++ // the daily match's put
				} else {
					c.Requests += 2 // the token's transaction and the outbox's put
				}
			}
		}
		c.Requests += 5 // queue put, listing put, queue get, listing get, queue delete
		for s, k := range keys {
			pages := max(1, (per[k]+AlertMatchPage-1)/AlertMatchPage)
			c.Requests += pages + pages - 1 // a Query per page, the progress after each page but the last
			if s < len(keys)-1 {
				c.Requests++ // the progress to the next partition
			}
		}
		p.Listings = append(p.Listings, c)
	}
	return p
}

// AlertMatchPage is the delivery's page of candidates (classifieds' alertPage,
// the store's largest page).
const AlertMatchPage = 100

// matchOne publishes one listing as the Listings service does (queued, then
// stored) and runs its matching to the end, measuring from the queueing.
func matchOne(ctx context.Context, counter *countingDB, store *classifiedsdb.Store, d *classifieds.AlertDelivery, people *benchPeople, l classifieds.Listing) (AlertListing, error) {
	var r AlertListing
	counter.mu.Lock()
	counter.ops = map[string]*OpCalls{}
	counter.mu.Unlock()
	lookups := people.n.Load()
	t0 := time.Now()
	if err := (classifieds.AlertQueue{Store: store}).Published(ctx, l); err != nil {
		return r, err
	}
	if err := store.Publish(ctx, l); err != nil {
		return r, err
	}
	matched, err := d.Process(ctx, l.ID)
	if err != nil {
		return r, fmt.Errorf("match: %w", err)
	}
	r.Took, r.Matched, r.Lookups = time.Since(t0), matched, int(people.n.Load()-lookups)
	counter.mu.Lock()
	defer counter.mu.Unlock()
	for _, o := range counter.ops {
		r.Calls = append(r.Calls, *o)
		r.Requests += o.Calls
	}
	if q := counter.ops["Query"]; q != nil {
		r.Candidates = q.Items // the match partitions' alerts (the queue's own read holds one item)
	}
	sort.Slice(r.Calls, func(i, j int) bool { return r.Calls[i].Op < r.Calls[j].Op })
	return r, nil
}

// scanAlerts reads the whole table for the active alerts, page by page.
func scanAlerts(ctx context.Context, db *dynamodb.Client, table string) (AlertScanBaseline, error) {
	var b AlertScanBaseline
	t0 := time.Now()
	p := dynamodb.NewScanPaginator(db, &dynamodb.ScanInput{TableName: aws.String(table), FilterExpression: aws.String("attribute_exists(matchKey)")})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			return b, err
		}
		b.Requests++
		b.Alerts += len(out.Items)
		b.Scanned += int(out.ScannedCount)
	}
	b.Took = time.Since(t0)
	return b, nil
}
