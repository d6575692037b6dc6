package local

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
)

// Reads is what DynamoDB read for one caller in one table: the items its reads
// examined (a Query's or Scan's ScannedCount, an item a GetItem or BatchGetItem
// found) and how many calls it made.
type Reads struct {
	Items int
	Calls int
}

// readMeter counts DynamoDB reads per caller and table as they pass the front: the
// caller is the function whose runtime sent them (its AWS_EXECUTION_ENV, which the
// SDK puts in the User-Agent), "" for any other client.
type readMeter struct {
	mu     sync.Mutex
	on     bool
	counts map[string]map[string]Reads // caller → table → reads
}

// execEnvPrefix begins each function's AWS_EXECUTION_ENV locally; the SDK sends it
// in the User-Agent as exec-env/<value>.
const execEnvPrefix = "kontor-local_"

func (m *readMeter) enabled() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.on
}

// readOps are the DynamoDB operations the meter counts.
var readOps = map[string]bool{"GetItem": true, "Query": true, "Scan": true, "BatchGetItem": true}

// meteredRead is a read on its way through the front.
type meteredRead struct {
	op, caller, table string
}

// request tells whether r is a DynamoDB read to count; it keeps r's body readable.
func (m *readMeter) request(r *http.Request) (*meteredRead, bool) {
	target := r.Header.Get("X-Amz-Target")
	op, ok := strings.CutPrefix(target, "DynamoDB_20120810.")
	if !ok || !readOps[op] || !m.enabled() {
		return nil, false
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, false
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	var in struct{ TableName string }
	_ = json.Unmarshal(body, &in)
	caller := ""
	for _, f := range strings.Fields(r.Header.Get("User-Agent")) {
		if v, ok := strings.CutPrefix(f, "exec-env/"+execEnvPrefix); ok {
			caller = v
		}
	}
	return &meteredRead{op: op, caller: caller, table: in.TableName}, true
}

// response counts what resp says was read, and keeps its body readable.
func (m *readMeter) response(mr *meteredRead, resp *http.Response) {
	if resp.StatusCode != http.StatusOK {
		return
	}
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return
	}
	var out struct {
		ScannedCount int
		Item         map[string]any
		Responses    map[string][]any
	}
	if json.Unmarshal(body, &out) != nil {
		return
	}
	add := map[string]int{}
	switch mr.op {
	case "GetItem":
		if out.Item != nil {
			add[mr.table] = 1
		} else {
			add[mr.table] = 0
		}
	case "BatchGetItem":
		for t, items := range out.Responses {
			add[t] += len(items)
		}
	default:
		add[mr.table] = out.ScannedCount
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.counts == nil {
		m.counts = map[string]map[string]Reads{}
	}
	byTable := m.counts[mr.caller]
	if byTable == nil {
		byTable = map[string]Reads{}
		m.counts[mr.caller] = byTable
	}
	for t, n := range add {
		r := byTable[t]
		r.Items += n
		r.Calls++
		byTable[t] = r
	}
}

// MeterReads starts counting the DynamoDB reads that pass the emulator's front
// (it costs a parse of each read's answer, so it is off until asked for).
func (s *Stack) MeterReads() {
	s.reads.mu.Lock()
	defer s.reads.mu.Unlock()
	s.reads.on = true
}

// ReadsTotal returns what every function and client has read so far since
// MeterReads, over all tables.
func (s *Stack) ReadsTotal() Reads {
	s.reads.mu.Lock()
	defer s.reads.mu.Unlock()
	var out Reads
	for _, byTable := range s.reads.counts {
		for _, r := range byTable {
			out.Items += r.Items
			out.Calls += r.Calls
		}
	}
	return out
}

// ReadsBy returns what a function (by logical id; "" for clients other than the
// functions) has read so far since MeterReads, per physical table name.
func (s *Stack) ReadsBy(logicalID string) map[string]Reads {
	s.reads.mu.Lock()
	defer s.reads.mu.Unlock()
	out := map[string]Reads{}
	for t, r := range s.reads.counts[logicalID] {
		out[t] = r
	}
	return out
}
