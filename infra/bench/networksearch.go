package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/infra/local"
	"kontor/shared/access"
	"kontor/shared/dynamo"
	"kontor/shared/httpapi"
	"kontor/shared/ids"
	"kontor/shared/network"
	"kontor/shared/network/networkapi"
	"kontor/shared/network/networkdb"
)

// NetworkSearchResult is what the network's search (HKC-9) costs a member in
// SearchMyGroups of SearchGroups groups: a people search and a content search
// in process (the handler with the real store against the emulator), the
// DynamoDB requests each makes, next to a bare Query of one index partition in
// the same run; and the time from a post's creation to its first hit, on an
// idle stream and behind the seed's backlog.
type NetworkSearchResult struct {
	Members     int            `json:"members"`
	Posts       int            `json:"posts"`
	Groups      int            `json:"groups"`
	MyGroups    int            `json:"myGroups"`
	IndexItems  int            `json:"indexItems"`
	SeedTook    time.Duration  `json:"seedTookNs"`
	Ops         []NetworkOp    `json:"ops"`
	Query       Latency        `json:"query"` // bare Query of one index partition, SDK loop
	FirstHit    time.Duration  `json:"firstHitIdleNs"`
	FirstHitLag time.Duration  `json:"firstHitBehindSeedNs"`
	Found       map[string]int `json:"found"`
}

// Shape of the search benchmark: the 200 groups and a searcher in 10.
const (
	SearchGroups   = 200
	SearchMyGroups = 10
	// searchWordShare: one post in searchWordShare holds the content search's word.
	searchWordShare = 20
)

// searchVocabulary fills the posts' texts: everyday words of the chamber's
// members, German and English.
var searchVocabulary = strings.Fields(`Verordnung Zoll Export Import Ausbildung Fachkräfte Energie Strompreis Förderung
	Digitalisierung Nachhaltigkeit Lieferkette Tarifvertrag Steuer Umsatzsteuer Messe Veranstaltung Einladung Termin
	Protokoll Sitzung Beschluss Antrag Vorstand Haushalt Handel Handwerk Industrie Logistik Hafen Bahn Straße Baustelle
	Genehmigung Bürokratie Meldepflicht Datenschutz Vertrag Kunden Lieferanten Preise Rohstoffe Wasserstoff Solar Wind
	meeting export customs training energy supply chain invoice contract partner market trade fair conference deadline
	report budget board members committee proposal funding startup innovation software network hiring apprenticeship`)

var searchLastNames = strings.Fields(`Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch
	Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann Hartmann Lange Schmitt Werner
	Schmitz Krause Meier Lehmann Schmid Schulze Maier Köhler Herrmann König Walter Mayer Huber Kaiser Fuchs Peters Lang
	Scholz Möller Weiß Jung Hahn Schubert`)

var searchFirstNames = strings.Fields(`Anna Jonas Lea Paul Marie Felix Sophie Lukas Emma Maximilian Hannah Leon Mia Ben Laura
	Tim Julia Jan Lena Niklas Sarah Finn Lisa David Clara Moritz Johanna Simon Katharina Tobias`)

// RunNetworkSearch seeds members profiles and posts posts across SearchGroups
// groups, the search index written directly beside them with BatchWriteItem (the
// entries networkdb.IndexItems makes, as the indexer would), and measures a
// people search and a content search samples times each, interleaved with a
// bare Query.
func RunNetworkSearch(ctx context.Context, s *local.Stack, members, posts, samples int) (NetworkSearchResult, error) {
	res := NetworkSearchResult{Members: members, Posts: posts, Groups: SearchGroups, MyGroups: SearchMyGroups, Found: map[string]int{}}
	cfg, err := s.AWSConfig(ctx)
	if err != nil {
		return res, err
	}
	db := dynamodb.NewFromConfig(cfg)
	table := s.Name("NetworkTable")
	store := &networkdb.Store{DB: db, Table: table}
	seed := searchSeed{searcher: ids.NewV7(time.Now()), author: ids.NewV7(time.Now())}
	if err := seed.groups(ctx, db, table); err != nil {
		return res, err
	}
	// Before the seed: how long a new post takes to be found on an idle stream.
	if res.FirstHit, err = seed.firstHit(ctx, store); err != nil {
		return res, err
	}
	start := time.Now()
	if res.IndexItems, err = seed.fill(ctx, db, table, members, posts); err != nil {
		return res, err
	}
	res.SeedTook = time.Since(start)
	// Behind the seed's backlog in the stream (every seeded key reaches the
	// indexer); measuring waits until it is through.
	if res.FirstHitLag, err = seed.firstHit(ctx, store); err != nil {
		return res, err
	}

	counter := &countingDB{DB: db, ops: map[string]*OpCalls{}}
	h := networkapi.Search{Svc: &network.SearchService{Store: &networkdb.Store{DB: counter, Table: table}}}
	searcher := access.Principal{AccountID: seed.searcher, Roles: []string{access.RoleMember, access.RoleNetwork}}
	ops := []networkRead{
		{"GET /v1/search people (\"mueller\")", "", searchCall(h, searcher, "mueller", network.SearchPeople)},
		{"GET /v1/search people (\"Anna Schm\")", "", searchCall(h, searcher, "Anna Schm", network.SearchPeople)},
		{"GET /v1/search posts (\"Ausschüsse\")", "", searchCall(h, searcher, "Ausschüsse", network.SearchPosts)},
		{"GET /v1/search posts (\"Ausschuss export\")", "", searchCall(h, searcher, "Ausschuss export", network.SearchPosts)},
	}
	for _, op := range ops {
		resp, err := op.call(ctx)
		if err != nil {
			return res, fmt.Errorf("%s: %w", op.name, err)
		}
		var body struct{ Results []struct{} }
		if err := jsonBody(resp, &body); err != nil {
			return res, err
		}
		res.Found[op.name] = len(body.Results)
	}
	query := func() error {
		_, err := db.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(table), KeyConditionExpression: aws.String("pk = :pk AND begins_with(sk, :p)"),
			ExpressionAttributeValues: dynamo.Item{":pk": dynamo.S("SEARCH#posts#au"), ":p": dynamo.S("ausschuss#")}, Limit: aws.Int32(network.MaxCandidates)})
		return err
	}
	res.Ops, res.Query, err = sampleOps(ctx, counter, ops, samples, query)
	return res, err
}

// searchCall is one search through the route's handler.
func searchCall(h networkapi.Search, p access.Principal, q, typ string) func(context.Context) (httpapi.Response, error) {
	return func(ctx context.Context) (httpapi.Response, error) {
		r := &httpapi.Request{Lang: "en", Principal: p}
		r.Event.QueryStringParameters = map[string]string{"q": q, "type": typ}
		return h.Search(ctx, r)
	}
}

// searchSeed is the seeded network: the searcher and an author in the first
// SearchMyGroups groups.
type searchSeed struct {
	searcher, author string
	groupIDs         []string
}

// groups writes the groups (every tenth a committee) and the searcher's and
// the author's memberships.
func (w *searchSeed) groups(ctx context.Context, db *dynamodb.Client, table string) error {
	bw := newBatchWriter(ctx, db)
	now := time.Now().UTC().Add(-time.Hour)
	for i := range SearchGroups {
		g := network.Group{ID: ids.NewV7(now), Kind: network.KindGroup, Access: network.AccessOpen, Name: fmt.Sprintf("Arbeitskreis %d", i+1), CreatedAt: now, Version: 1}
		if i%10 == 9 {
			g.Kind, g.Access, g.Name = network.KindCommittee, "", fmt.Sprintf("Ausschuss %d", i+1)
		}
		w.groupIDs = append(w.groupIDs, g.ID)
		if err := putItem(bw, table, dynamo.Key("GROUP#"+g.ID, "GROUP"), g); err != nil {
			return err
		}
		if i >= SearchMyGroups {
			continue
		}
		for _, a := range []string{w.searcher, w.author} {
			if err := putItem(bw, table, dynamo.Key("GROUP#"+g.ID, "MEMBER#"+a), network.Membership{GroupID: g.ID, AccountID: a, Role: network.GroupMember, Since: now}); err != nil {
				return err
			}
		}
	}
	return bw.close()
}

// putItem queues one item.
func putItem(bw *batchWriter, table string, key dynamo.Item, v any) error {
	it, err := dynamo.Marshal(key, v, time.Time{})
	if err != nil {
		return err
	}
	return bw.put(table, it)
}

// fill writes the profiles and posts with their index entries, and returns how
// many index items it wrote.
func (w *searchSeed) fill(ctx context.Context, db *dynamodb.Client, table string, members, posts int) (int, error) {
	bw := newBatchWriter(ctx, db)
	rnd := rand.New(rand.NewPCG(1, 2)) // #nosec G404 -- benchmark texts, not secrets
	n := 0
	enter := func(h network.Hit, terms []string) error {
		items, err := networkdb.IndexItems(h, terms)
		for _, it := range items {
			if err == nil {
				err = bw.put(table, it)
			}
		}
		n += len(items)
		return err
	}
	now := time.Now().UTC()
	for i := range members {
		p := network.Profile{AccountID: ids.NewV7(now), FirstName: searchFirstNames[rnd.IntN(len(searchFirstNames))], LastName: searchLastNames[rnd.IntN(len(searchLastNames))],
			Gender: "unspecified", Company: searchLastNames[rnd.IntN(len(searchLastNames))] + " GmbH", RoleInCompany: "Geschäftsführung", CompanyWebsite: "https://firma.example",
			Street: "Hafenstraße", HouseNumber: "1", PostalCode: "20457", City: "Hamburg", Country: "DE", Phone: "+49 40 1234", Fax: "+49 40 1235",
			Email: "kontakt@firma.example", Version: 1, UpdatedAt: &now}
		if err := putItem(bw, table, dynamo.Key("PROFILE#"+p.AccountID, "PROFILE"), p); err != nil {
			return n, err
		}
		if err := enter(network.Hit{Kind: network.DocPerson, ID: p.AccountID}, network.PersonTerms(p)); err != nil {
			return n, err
		}
		if i%2000 == 0 {
			fmt.Fprintf(os.Stderr, "search bench: %d profiles seeded\n", i)
		}
	}
	first := now.Add(-time.Duration(posts) * time.Second)
	for i := range posts {
		at := first.Add(time.Duration(i) * time.Second)
		words := make([]string, 12)
		for k := range words {
			words[k] = searchVocabulary[rnd.IntN(len(searchVocabulary))]
		}
		if i%searchWordShare == 0 {
			words[rnd.IntN(len(words))] = "Ausschüsse"
		}
		p := network.Post{ID: ids.NewV7(at), GroupID: w.groupIDs[i%len(w.groupIDs)], Text: strings.Join(words, " ") + ".", CreatedAt: at, Version: 1}
		if err := putItem(bw, table, dynamo.Key("POST#"+p.ID, "POST"), p); err != nil {
			return n, err
		}
		if err := enter(network.Hit{Kind: network.DocPost, ID: p.ID, GroupID: p.GroupID}, network.Terms(p.Text)); err != nil {
			return n, err
		}
		if i%10000 == 0 {
			fmt.Fprintf(os.Stderr, "search bench: %d posts seeded\n", i)
		}
	}
	return n, bw.close()
}

// firstHit writes a post with a word of its own through the store (as the
// groups function does) and polls the search until it is found.
func (w *searchSeed) firstHit(ctx context.Context, store *networkdb.Store) (time.Duration, error) {
	word := "erstfund" + strings.ToLower(ids.NewV7(time.Now())[30:])
	word = strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return 'a' + (r - '0')
		}
		return r
	}, word)
	now := time.Now().UTC()
	p := network.Post{ID: ids.NewV7(now), GroupID: w.groupIDs[0], AuthorID: w.author, Text: "Neu: " + word, CreatedAt: now, Version: 1}
	if err := store.CreatePost(ctx, p); err != nil {
		return 0, fmt.Errorf("first-hit post: %w", err)
	}
	svc := &network.SearchService{Store: store}
	q, _ := network.ParseQuery(word)
	for {
		rs, err := svc.Search(ctx, network.Reader{AccountID: w.searcher}, q, network.SearchPosts, 1)
		if err != nil {
			return 0, err
		}
		if len(rs) == 1 {
			return time.Since(now), nil
		}
		if time.Since(now) > 15*time.Minute {
			return 0, fmt.Errorf("the post was not found within 15 minutes")
		}
		time.Sleep(100 * time.Millisecond)
	}
}
