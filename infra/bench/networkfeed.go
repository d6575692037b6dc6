package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/infra/local"
	"kontor/shared/access"
	"kontor/shared/dynamo"
	"kontor/shared/httpapi"
	"kontor/shared/identity"
	"kontor/shared/ids"
	"kontor/shared/network"
	"kontor/shared/network/networkapi"
	"kontor/shared/network/networkdb"
	"kontor/shared/upload/s3store"
)

// NetworkFeedResult is what reading the members' network costs a member in
// NetworkGroups groups that hold NetworkPosts posts in all: each operation's
// latency in process (the handler with the real store against the emulator) and
// through the gateway, and the DynamoDB requests it makes, next to a bare GetItem
// of the same run.
type NetworkFeedResult struct {
	Groups   int           `json:"groups"`
	Posts    int           `json:"posts"`
	Authors  int           `json:"authors"`
	SeedTook time.Duration `json:"seedTookNs"`
	Ops      []NetworkOp   `json:"ops"`
	GetItem  Latency       `json:"getItem"` // bare consistent GetItem of a profile, SDK loop
}

// NetworkOp is one measured read.
type NetworkOp struct {
	Name string `json:"name"`
	// InProcess: the route's handler, called directly with the real store.
	InProcess Latency `json:"inProcess"`
	// Calls are the DynamoDB requests of one call in process, by operation
	// (counted by a decorator of the store's client; the same for every sample).
	Calls map[string]int `json:"dynamoCalls"`
	// InDynamo is the mean time per call spent in DynamoDB requests, by operation.
	InDynamo map[string]time.Duration `json:"inDynamoNs"`
	// HTTP: the route through the local gateway, authorizer and function.
	HTTP Latency `json:"http"`
	// HTTPReads are the DynamoDB read requests one request through the gateway
	// made, at the emulator's front: the authorizer's session reads included.
	HTTPReads int     `json:"httpReads"`
	Ratio     float64 `json:"ratioToGetItem"` // in-process median to the bare GetItem's
}

// TotalCalls sums the DynamoDB requests of one call.
func (o NetworkOp) TotalCalls() int {
	n := 0
	for _, c := range o.Calls {
		n += c
	}
	return n
}

// Shape of the network benchmark.
const (
	NetworkGroups  = 20
	networkAuthors = 10
	// networkDeepAt is how far down the feed the deep page starts (at most half
	// the posts): with 10,000 posts, 100 down each group's index, where a page
	// reads sealed chunks besides the groups' items.
	networkDeepAt = 2000
	// networkBudget bounds each series of samples (in process, through the
	// gateway): past it a series stops after networkMinSamples rounds. moto
	// answers a query by walking the whole table, so on 20,000 items one feed
	// page takes the emulator about a second, which DynamoDB does not.
	networkBudget     = 40 * time.Second
	networkMinSamples = 5
)

// RunNetworkFeed seeds NetworkGroups groups with posts posts (spread evenly, by
// networkAuthors authors) for one reader who is in all of them, then measures
// the first page of GET /v1/feed, the second, a page networkDeepAt posts down,
// and GET /v1/members/{id} of an author: samples times each in process and
// through the gateway, interleaved with a bare GetItem.
func RunNetworkFeed(ctx context.Context, s *local.Stack, posts, samples int) (NetworkFeedResult, error) {
	res := NetworkFeedResult{Groups: NetworkGroups, Posts: posts, Authors: networkAuthors}
	if !strings.HasPrefix(s.APIURL, "http://127.0.0.1:") {
		return res, fmt.Errorf("the network benchmark runs against 127.0.0.1 only, not %s", s.APIURL)
	}
	cfg, err := s.AWSConfig(ctx)
	if err != nil {
		return res, err
	}
	db := dynamodb.NewFromConfig(cfg)
	table := s.Name("NetworkTable")
	w, err := seedNetwork(ctx, s, db, table, posts)
	if err != nil {
		return res, err
	}
	res.SeedTook = w.took
	counter := &countingDB{DB: db, ops: map[string]*OpCalls{}}
	store := &networkdb.Store{DB: counter, Table: table}
	now := func() time.Time { return time.Now().UTC() }
	groups := &network.GroupService{Store: store, Now: now}
	h := handlers{
		groups:  networkapi.Groups{Groups: groups, Posts: &network.PostService{Groups: groups, Store: store, Now: now}},
		profile: networkapi.Handlers{Svc: &network.Service{Store: store, Now: now}, Pictures: &network.PictureService{Store: store, Objects: s3store.New(cfg, s.Name("PictureBucket"), ""), Now: now}},
	}
	reader := access.Principal{AccountID: w.reader, Roles: []string{access.RoleMember, access.RoleNetwork}}
	deep := min(networkDeepAt, posts/2)
	cursors, err := feedCursors(ctx, h, reader, deep)
	if err != nil {
		return res, err
	}
	ops := []networkRead{
		{"GET /v1/feed (first page)", "/v1/feed", h.feed(reader, "")},
		{"GET /v1/feed (second page)", "/v1/feed?cursor=" + cursors[0], h.feed(reader, cursors[0])},
		{fmt.Sprintf("GET /v1/feed (page at post %d)", deep), "/v1/feed?cursor=" + cursors[1], h.feed(reader, cursors[1])},
		{"GET /v1/members/{id}", "/v1/members/" + w.authors[0], h.member(reader, w.authors[0])},
	}
	getItem := func() error {
		_, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true),
			Key: dynamo.Key("PROFILE#"+w.authors[0], "PROFILE")})
		return err
	}
	if res.Ops, res.GetItem, err = sampleOps(ctx, counter, ops, samples, getItem); err != nil {
		return res, err
	}
	return res, networkOverHTTP(ctx, s, w, ops, samples, res.Ops)
}

// sampleOps calls each op samples times in process (at least networkMinSamples
// rounds, then until networkBudget is spent), each round followed by one bare
// call, and summarizes both: latency, DynamoDB requests per op, and each op's
// median against the bare call's.
func sampleOps(ctx context.Context, counter *countingDB, ops []networkRead, samples int, bareCall func() error) ([]NetworkOp, Latency, error) {
	var out []NetworkOp
	inProcess := make([][]time.Duration, len(ops))
	var bare []time.Duration
	began := time.Now()
	for round := 0; round < samples && (round < networkMinSamples || time.Since(began) < networkBudget); round++ {
		for i, op := range ops {
			d, calls, err := counter.measure(ctx, op.call)
			if err != nil {
				return nil, Latency{}, fmt.Errorf("%s: %w", op.name, err)
			}
			inProcess[i] = append(inProcess[i], d)
			if len(out) <= i {
				out = append(out, NetworkOp{Name: op.name, Calls: map[string]int{}, InDynamo: map[string]time.Duration{}})
			}
			for _, c := range calls {
				out[i].Calls[c.Op] = c.Calls
				out[i].InDynamo[c.Op] += c.Time
			}
		}
		start := time.Now()
		if err := bareCall(); err != nil {
			return nil, Latency{}, fmt.Errorf("bare call: %w", err)
		}
		bare = append(bare, time.Since(start))
	}
	base := summarize(bare, 0, 0)
	for i := range out {
		for op := range out[i].InDynamo {
			out[i].InDynamo[op] /= time.Duration(len(bare))
		}
		out[i].InProcess = summarize(inProcess[i], 0, 0)
		out[i].Ratio = float64(out[i].InProcess.P50) / float64(base.P50)
	}
	return out, base, nil
}

// networkOverHTTP measures the same reads through the gateway, signed in as the
// reader, with the emulator's read meter on.
func networkOverHTTP(ctx context.Context, s *local.Stack, w *networkSeed, ops []networkRead, samples int, out []NetworkOp) error {
	c, err := signInAs(ctx, s, w.email, w.password)
	if err != nil {
		return err
	}
	s.MeterReads()
	times := make([][]time.Duration, len(ops))
	began := time.Now()
	for round := 0; round < samples && (round < networkMinSamples || time.Since(began) < networkBudget); round++ {
		for i, op := range ops {
			before := s.ReadsTotal().Calls
			d, status, err := c.timed(ctx, http.MethodGet, op.path)
			if err != nil {
				return fmt.Errorf("%s: %w", op.name, err)
			}
			if status != http.StatusOK {
				return fmt.Errorf("%s through the gateway: %s", op.name, c.answer(status))
			}
			times[i] = append(times[i], d)
			out[i].HTTPReads = s.ReadsTotal().Calls - before
		}
	}
	for i := range out {
		out[i].HTTP = summarize(times[i], 0, 0)
	}
	return nil
}

// networkRead is one measured read: its route with the query, and the call of
// its handler.
type networkRead struct {
	name, path string
	call       func(context.Context) (httpapi.Response, error)
}

// handlers are the two functions' route handlers on the counted store.
type handlers struct {
	groups  networkapi.Groups
	profile networkapi.Handlers
}

// feed is a page of the feed at cursor, of the default size.
func (h handlers) feed(p access.Principal, cursor string) func(context.Context) (httpapi.Response, error) {
	return h.feedPage(p, cursor, "")
}

func (h handlers) feedPage(p access.Principal, cursor, limit string) func(context.Context) (httpapi.Response, error) {
	return func(ctx context.Context) (httpapi.Response, error) {
		r := &httpapi.Request{Lang: "en", Principal: p}
		r.Event.QueryStringParameters = map[string]string{}
		if cursor != "" {
			r.Event.QueryStringParameters["cursor"] = cursor
		}
		if limit != "" {
			r.Event.QueryStringParameters["limit"] = limit
		}
		return h.groups.Feed(ctx, r)
	}
}

func (h handlers) member(p access.Principal, id string) func(context.Context) (httpapi.Response, error) {
	return func(ctx context.Context) (httpapi.Response, error) {
		r := &httpapi.Request{Lang: "en", Principal: p}
		r.Event.PathParameters = map[string]string{"id": id}
		return h.profile.Member(ctx, r)
	}
}

// feedCursors walks the feed once and returns the cursors of the second page
// and of the page deep posts down.
func feedCursors(ctx context.Context, h handlers, p access.Principal, deep int) ([2]string, error) {
	var out [2]string
	cursor, seen := "", 0
	for page := 0; ; page++ {
		limit := ""
		if page > 0 {
			limit = strconv.Itoa(network.MaxFeedPage) // fewer round trips to the deep page
		}
		resp, err := h.feedPage(p, cursor, limit)(ctx)
		if err != nil {
			return out, err
		}
		var body struct {
			Posts []struct{} `json:"posts"`
			Next  string     `json:"next"`
		}
		if err := jsonBody(resp, &body); err != nil {
			return out, err
		}
		seen += len(body.Posts)
		if page == 0 {
			out[0] = body.Next
		}
		if seen >= deep || body.Next == "" {
			if out[1] = body.Next; out[1] == "" || out[0] == "" {
				return out, fmt.Errorf("the feed ended after %d posts", seen)
			}
			return out, nil
		}
		cursor = body.Next
	}
}

// The network benchmark counts every request the store makes with the
// aggregation's countingDB (requestlog.go): these are the reads it does not count.

func (c *countingDB) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	defer c.note("BatchGetItem", 0, time.Now())
	return c.DB.BatchGetItem(ctx, in, o...)
}

func (c *countingDB) Scan(ctx context.Context, in *dynamodb.ScanInput, o ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error) {
	defer c.note("Scan", 0, time.Now())
	return c.DB.Scan(ctx, in, o...)
}

func (c *countingDB) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	defer c.note("TransactWriteItems", len(in.TransactItems), time.Now())
	return c.DB.TransactWriteItems(ctx, in, o...)
}

// measure times one call, its answer encoded as the function sends it, and
// returns the requests it made by operation.
func (c *countingDB) measure(ctx context.Context, call func(context.Context) (httpapi.Response, error)) (time.Duration, []OpCalls, error) {
	c.mu.Lock()
	c.ops = map[string]*OpCalls{}
	c.mu.Unlock()
	start := time.Now()
	resp, err := call(ctx)
	if err == nil {
		_, err = json.Marshal(resp.Body)
	}
	took := time.Since(start)
	if err == nil && resp.Status != http.StatusOK {
		err = fmt.Errorf("status %d", resp.Status)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var calls []OpCalls
	for _, o := range c.ops {
		calls = append(calls, *o)
	}
	return took, calls, err
}

// jsonBody decodes a handler's answer as a client would read it.
func jsonBody(resp httpapi.Response, v any) error {
	b, err := json.Marshal(resp.Body)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// networkSeed is who the seeded network holds.
type networkSeed struct {
	reader, email, password string
	authors                 []string
	took                    time.Duration
}

// newNetworkAccount creates an active account with the member and network
// roles (as an invitation with the network role does) and its complete
// profile, through the modules' own services.
func newNetworkAccount(ctx context.Context, ident identity.Store, profiles *network.Service, email, password, first string) (string, error) {
	hash, err := identity.HashPassword(password)
	if err != nil {
		return "", err
	}
	now := time.Now().UTC()
	acc := identity.Account{ID: ids.NewV7(now), Email: email, Language: "en", Roles: []string{access.RoleMember, access.RoleNetwork},
		Status: identity.StatusActive, PasswordHash: hash, RegisteredAt: now}
	if err := ident.CreateAccount(ctx, acc, nil, now); err != nil {
		return "", fmt.Errorf("create %s: %w", email, err)
	}
	_, err = profiles.Update(ctx, acc.ID, map[string]any{"version": float64(0), "firstName": first, "lastName": "Großmann", "gender": "female",
		"company": "Großmann Handel GmbH", "roleInCompany": "Geschäftsführerin", "companyWebsite": "https://grossmann.example",
		"street": "Adolphsplatz", "houseNumber": "1", "postalCode": "20457", "city": "Hamburg", "country": "DE",
		"phone": "+49 40 36138-0", "fax": "+49 40 36138-401", "email": "kontakt@grossmann.example"}, false)
	return acc.ID, err
}
