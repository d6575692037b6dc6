package integration

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/infra/local"
	"kontor/infra/template"
	"kontor/shared/contact"
	"kontor/shared/contact/contactdb"
	"kontor/shared/ids"
	"kontor/shared/insurance"
	"kontor/shared/insurance/insurancedb"
	"kontor/shared/modules"
	"kontor/shared/privacy/protocol"
)

// strangers is how many other people's items each table of a module gets.
const strangers = 10_000

// readTolerance is how far the items read for two people of the same shape may
// differ: a limit counter straddling a window, a mail sent a moment earlier.
const readTolerance = 3

// A person's export, erasure, restriction and consent withdrawal read only that
// person's items: every module with a privacy function (the module list, so a new
// module is covered as it joins) is asked for one person, then 10,000 other
// people's items are put into each of its tables, and the same is asked for a
// second person of the same shape. The DynamoDB items each function read, metered
// at the emulator's front, must not have grown.
func TestPrivacyProtocolReadsOnlyThePersonsItems(t *testing.T) {
	stack.MeterReads()
	tpl := stack.Template()
	logical := map[string]string{} // physical → logical table name
	for _, tb := range tpl.Tables {
		logical[stack.Name(tb.LogicalID)] = tb.LogicalID
	}

	before := newPerson(t, "perperson-a")
	alone := before.measure(t)

	t0 := time.Now()
	seeded := 0
	for _, tb := range moduleTables(tpl) {
		seeded += seedStrangers(t, tb, before)
	}
	t.Logf("seeded %d items of other people in %s", seeded, time.Since(t0).Round(time.Millisecond))
	waitForStreams(t, tpl)
	meterSeesScans(t)

	after := newPerson(t, "perperson-b")
	crowded := after.measure(t)

	t.Logf("GET /v1/me/export: %s alone, %s among %d strangers per table", alone.exportTime.Round(time.Millisecond), crowded.exportTime.Round(time.Millisecond), strangers)
	t.Logf("erasure in every module: %s alone, %s among %d strangers per table", alone.eraseTime.Round(time.Millisecond), crowded.eraseTime.Round(time.Millisecond), strangers)
	keys := make([]string, 0, len(crowded.reads))
	for k := range crowded.reads {
		keys = append(keys, k)
	}
	for k := range alone.reads {
		if _, ok := crowded.reads[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		i := strings.LastIndexByte(k, ' ')
		op, table := k[:i], k[i+1:]
		a, c := alone.reads[k], crowded.reads[k]
		t.Logf("%-40s %-16s items read: %3d alone, %3d among strangers", op, logical[table], a.Items, c.Items)
		if c.Items > a.Items+readTolerance {
			t.Errorf("%s reads %d items of %s among strangers, %d alone: it reads other people's items", op, c.Items, logical[table], a.Items)
		}
	}
}

// meterSeesScans checks the meter itself: a sweep of the outbox, which scans it
// (and changes nothing of the seeded mail), reads at least every stranger's item.
func meterSeesScans(t *testing.T) {
	t.Helper()
	was := stack.ReadsBy("MailPrivacyFunction")
	payload, _ := json.Marshal(protocol.Request{Module: "mail", Op: protocol.OpSweep})
	if _, err := stack.Invoke(context.Background(), "MailPrivacyFunction", payload); err != nil {
		t.Fatal(err)
	}
	outbox := stack.Name("MailOutboxTable")
	if r := since(was, stack.ReadsBy("MailPrivacyFunction"))[outbox]; r.Items < strangers {
		t.Fatalf("the meter saw %d items read by a scan of the outbox", r.Items)
	}
}

// person is one signed-up person with data in the modules.
type person struct {
	c         *client
	accountID string
	email     string
}

// newPerson signs up a person and gives them data in the modules: a pending link,
// contact requests with and without the account, a registration by their address.
func newPerson(t *testing.T, prefix string) person {
	t.Helper()
	ctx := context.Background()
	c, email := signUp(t, prefix)
	p := person{c: c, accountID: profile(t, c).ID, email: email}
	anon := newClient(t)
	anon.csrf()
	want(t, anon.do(http.MethodPost, "/v1/password/forgot", map[string]any{"email": email}), http.StatusAccepted)
	now := time.Now().UTC()
	cs := &contactdb.Store{DB: db(), Table: stack.Name("ContactTable")}
	for _, acc := range []string{p.accountID, ""} {
		if err := cs.Create(ctx, contact.Request{ID: ids.NewV7(now), Email: email, AccountID: acc, Message: "hello", Status: contact.StatusOpen, CreatedAt: now}, 0); err != nil {
			t.Fatal(err)
		}
	}
	is := &insurancedb.Store{DB: db(), Table: stack.Name("InsuranceTable")}
	reg := insurance.Registration{ID: ids.NewV7(now), Email: email, Method: insurance.ByPost, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	l := insurance.Letter{ID: ids.NewV7(now), RegistrationID: reg.ID}
	reg.LetterID = l.ID
	if err := is.CreateLetterRegistration(ctx, reg, l, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	return p
}

// measured is what one person's operations read, per "operation table", and took.
type measured struct {
	reads      map[string]local.Reads
	exportTime time.Duration
	eraseTime  time.Duration
}

// measure runs the person's export, restriction and consent withdrawal through
// the API, then every module's privacy operations (export, withdraw, person,
// deactivate, erase) through its privacy function, and meters each.
func (p person) measure(t *testing.T) measured {
	t.Helper()
	m := measured{reads: map[string]local.Reads{}}
	api := func(name string, do func()) {
		t.Helper()
		start := snapshotFunctions()
		do()
		for table, r := range sinceFunctions(start) {
			m.reads["api "+name+" "+table] = r
		}
	}
	api("GET /v1/me/export", func() {
		t0 := time.Now()
		export(t, p.c)
		m.exportTime = time.Since(t0)
	})
	api("PUT /v1/me/restriction", func() { want(t, p.c.do(http.MethodPut, "/v1/me/restriction", nil), http.StatusOK) })
	api("DELETE /v1/me/restriction", func() { want(t, p.c.do(http.MethodDelete, "/v1/me/restriction", nil), http.StatusOK) })
	want(t, p.c.do(http.MethodPut, "/v1/me/consents/portal-processing", map[string]any{"textVersion": "2026-01"}), http.StatusOK)
	api("DELETE /v1/me/consents/{purpose}", func() {
		want(t, p.c.do(http.MethodDelete, "/v1/me/consents/portal-processing", nil), http.StatusOK)
	})

	for _, mod := range modules.List() {
		if mod.Function == "" {
			continue
		}
		ops := []protocol.Request{{Op: protocol.OpExport}, {Op: protocol.OpWithdraw, Purpose: "portal-processing"}}
		if mod.Resolves {
			ops = append(ops, protocol.Request{Op: protocol.OpPerson})
		}
		if mod.Deactivates {
			ops = append(ops, protocol.Request{Op: protocol.OpDeactivate})
		}
		ops = append(ops, protocol.Request{Op: protocol.OpErase})
		for _, req := range ops {
			req.Module, req.AccountID, req.Email = mod.Name, p.accountID, p.email
			payload, err := json.Marshal(req)
			if err != nil {
				t.Fatal(err)
			}
			start := stack.ReadsBy(mod.Function)
			t0 := time.Now()
			out, err := stack.Invoke(context.Background(), mod.Function, payload)
			if err != nil {
				t.Fatalf("%s %s: %v", mod.Function, req.Op, err)
			}
			if req.Op == protocol.OpErase {
				m.eraseTime += time.Since(t0)
			}
			if strings.Contains(string(out), "errorMessage") {
				t.Fatalf("%s %s: %s", mod.Function, req.Op, out)
			}
			for table, r := range since(start, stack.ReadsBy(mod.Function)) {
				m.reads[mod.Function+" "+req.Op+" "+table] = r
			}
		}
	}
	return m
}

// functionsOf are the functions whose reads an API call is charged with: every
// function but those a table stream invokes on its own schedule.
func functionsOf(tpl *template.Template) []string {
	stream := map[string]bool{}
	for _, s := range tpl.Streams {
		stream[s.Function] = true
	}
	var out []string
	for _, f := range tpl.Functions {
		if !stream[f.LogicalID] {
			out = append(out, f.LogicalID)
		}
	}
	return out
}

func snapshotFunctions() map[string]map[string]local.Reads {
	out := map[string]map[string]local.Reads{}
	for _, fn := range functionsOf(stack.Template()) {
		out[fn] = stack.ReadsBy(fn)
	}
	return out
}

// sinceFunctions sums, per table, what every function read since start.
func sinceFunctions(start map[string]map[string]local.Reads) map[string]local.Reads {
	out := map[string]local.Reads{}
	for fn, was := range start {
		for table, r := range since(was, stack.ReadsBy(fn)) {
			sum := out[table]
			sum.Items += r.Items
			sum.Calls += r.Calls
			out[table] = sum
		}
	}
	return out
}

func since(was, now map[string]local.Reads) map[string]local.Reads {
	out := map[string]local.Reads{}
	for table, r := range now {
		d := local.Reads{Items: r.Items - was[table].Items, Calls: r.Calls - was[table].Calls}
		if d.Calls > 0 {
			out[table] = d
		}
	}
	return out
}

// moduleTables are the DynamoDB tables of the modules with a privacy function.
func moduleTables(tpl *template.Template) []template.Table {
	want := map[string]bool{}
	for _, m := range modules.List() {
		if m.Function == "" {
			continue
		}
		for _, k := range m.Kinds() {
			want[k.Table] = true
		}
	}
	var out []template.Table
	for _, tb := range tpl.Tables {
		if want[tb.LogicalID] {
			out = append(out, tb)
		}
	}
	return out
}

// seedStrangers puts strangers items of other people into a table, and deletes them
// when the test ends. Each is shaped like an item of the model person (any item
// naming their account or address) with another person's account id and address,
// fresh values for whatever else keys it (a hashed address, a random id) and the
// other people spread over the same shared partitions (a queue, an open list); a
// table holding nothing of the model person gets items with random keys and index
// keys.
func seedStrangers(t *testing.T, tb template.Table, model person) int {
	t.Helper()
	ctx := context.Background()
	name := stack.Name(tb.LogicalID)
	var models []map[string]types.AttributeValue
	p := dynamodb.NewScanPaginator(db(), &dynamodb.ScanInput{TableName: aws.String(name)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			if mentions(it, model.accountID, model.email) {
				models = append(models, it)
			}
		}
	}
	indexKeys := map[string]bool{}
	for _, g := range tb.GSIs {
		indexKeys[g.HashKey] = true
	}
	items := make([]map[string]types.AttributeValue, strangers)
	for i := range items {
		id := fmt.Sprintf("stranger-%d-%s", i, randomHex(4))
		email := id + "@strangers.example"
		if len(models) == 0 {
			it := map[string]types.AttributeValue{tb.HashKey.Name: &types.AttributeValueMemberS{Value: "STRANGER#" + id}}
			if tb.RangeKey != nil {
				it[tb.RangeKey.Name] = &types.AttributeValueMemberS{Value: "STRANGER"}
			}
			for k := range indexKeys {
				it[k] = &types.AttributeValueMemberS{Value: randomHex(16)}
			}
			it["accountId"] = &types.AttributeValueMemberS{Value: id}
			it["email"] = &types.AttributeValueMemberS{Value: email}
			items[i] = it
			continue
		}
		items[i] = likeModel(models[i%len(models)], tb, model, id, email, indexKeys)
	}
	writeAll(t, name, items, false)
	t.Cleanup(func() { writeAll(t, name, items, true) })
	return len(items)
}

// likeModel is a copy of a model person's item for another person.
func likeModel(it map[string]types.AttributeValue, tb template.Table, model person, id, email string, indexKeys map[string]bool) map[string]types.AttributeValue {
	swap := strings.NewReplacer(model.accountID, id, model.email, email)
	out := map[string]types.AttributeValue{}
	for k, v := range it {
		out[k] = replaced(v, swap)
	}
	for k := range indexKeys {
		if s, ok := it[k].(*types.AttributeValueMemberS); ok && !strings.Contains(s.Value, model.accountID) && !strings.Contains(s.Value, model.email) {
			out[k] = &types.AttributeValueMemberS{Value: withFreshSuffix(s.Value)}
		}
	}
	// A key that names neither the account nor the address (a request id, a
	// queue entry) gets a fresh id, in the same partition where it has a prefix.
	hk := tb.HashKey.Name
	if mentions(map[string]types.AttributeValue{hk: it[hk]}, model.accountID, model.email) {
		return out
	}
	if tb.RangeKey != nil && mentions(map[string]types.AttributeValue{"sk": it[tb.RangeKey.Name]}, model.accountID, model.email) {
		return out
	}
	pk := it[hk].(*types.AttributeValueMemberS).Value
	switch {
	case strings.Contains(pk, "#") || tb.RangeKey == nil:
		out[hk] = &types.AttributeValueMemberS{Value: withFreshSuffix(pk)}
	default:
		sk := it[tb.RangeKey.Name].(*types.AttributeValueMemberS).Value
		out[tb.RangeKey.Name] = &types.AttributeValueMemberS{Value: withFreshSuffix(sk)}
	}
	return out
}

// withFreshSuffix replaces what follows the last '#' (all of v without one).
func withFreshSuffix(v string) string {
	if i := strings.LastIndexByte(v, '#'); i >= 0 {
		return v[:i+1] + randomHex(16)
	}
	return randomHex(16)
}

func replaced(v types.AttributeValue, r *strings.Replacer) types.AttributeValue {
	switch x := v.(type) {
	case *types.AttributeValueMemberS:
		return &types.AttributeValueMemberS{Value: r.Replace(x.Value)}
	case *types.AttributeValueMemberM:
		m := map[string]types.AttributeValue{}
		for k, e := range x.Value {
			m[k] = replaced(e, r)
		}
		return &types.AttributeValueMemberM{Value: m}
	case *types.AttributeValueMemberL:
		l := make([]types.AttributeValue, len(x.Value))
		for i, e := range x.Value {
			l[i] = replaced(e, r)
		}
		return &types.AttributeValueMemberL{Value: l}
	}
	return v
}

// mentions reports whether any string in an item names the account or the address.
func mentions(it map[string]types.AttributeValue, accountID, email string) bool {
	for _, v := range it {
		switch x := v.(type) {
		case *types.AttributeValueMemberS:
			if strings.Contains(x.Value, accountID) || strings.Contains(x.Value, email) {
				return true
			}
		case *types.AttributeValueMemberM:
			if mentions(x.Value, accountID, email) {
				return true
			}
		case *types.AttributeValueMemberL:
			for _, e := range x.Value {
				if mentions(map[string]types.AttributeValue{"": e}, accountID, email) {
					return true
				}
			}
		}
	}
	return false
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// writeAll puts (or deletes) items with BatchWriteItem, a few writers at once.
func writeAll(t *testing.T, table string, items []map[string]types.AttributeValue, del bool) {
	t.Helper()
	tb := findTable(table)
	batches := make(chan []types.WriteRequest)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for reqs := range batches {
				for len(reqs) > 0 {
					out, err := db().BatchWriteItem(context.Background(), &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{table: reqs}})
					if err != nil {
						mu.Lock()
						firstErr = err
						mu.Unlock()
						break
					}
					reqs = out.UnprocessedItems[table]
				}
			}
		}()
	}
	var batch []types.WriteRequest
	for _, it := range items {
		if del {
			k := map[string]types.AttributeValue{tb.HashKey.Name: it[tb.HashKey.Name]}
			if tb.RangeKey != nil {
				k[tb.RangeKey.Name] = it[tb.RangeKey.Name]
			}
			batch = append(batch, types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: k}})
		} else {
			batch = append(batch, types.WriteRequest{PutRequest: &types.PutRequest{Item: it}})
		}
		if len(batch) == 25 {
			batches <- batch
			batch = nil
		}
	}
	if len(batch) > 0 {
		batches <- batch
	}
	close(batches)
	wg.Wait()
	if firstErr != nil {
		t.Fatalf("batch write %s: %v", table, firstErr)
	}
}

func findTable(physical string) template.Table {
	for _, tb := range stack.Template().Tables {
		if stack.Name(tb.LogicalID) == physical {
			return tb
		}
	}
	panic("no table " + physical)
}

// waitForStreams waits until the functions table streams invoke have read nothing
// for two seconds: the seeded items that reached a stream are handled, so they do
// not compete with the measured calls for the machine.
func waitForStreams(t *testing.T, tpl *template.Template) {
	t.Helper()
	total := func() int {
		n := 0
		for _, s := range tpl.Streams {
			for _, r := range stack.ReadsBy(s.Function) {
				n += r.Calls
			}
		}
		return n
	}
	deadline := time.Now().Add(5 * time.Minute)
	last, quiet := total(), 0
	for time.Now().Before(deadline) && quiet < 4 {
		time.Sleep(500 * time.Millisecond)
		if n := total(); n != last {
			last, quiet = n, 0
		} else {
			quiet++
		}
	}
}
