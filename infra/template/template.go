// Package template reads Kontor's SAM template: the functions with their routes,
// schedules and environment, and the tables, buckets and keys, with CloudFormation
// references resolved for a local stack. template.yaml is the single source of truth;
// the local stack, the build and the tests read it through this package.
package template

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Template is the parsed template.
type Template struct {
	Parameters map[string]Parameter
	Functions  []Function
	Tables     []Table
	Buckets    []string // logical ids of AWS::S3::Bucket
	Keys       []string // logical ids of AWS::KMS::Key
	Queues     []string // logical ids of AWS::SQS::Queue
	// Authorizer is the logical id of the function behind the HttpApi's default authorizer.
	Authorizer string
	// Streams are the event source mappings from table streams to functions.
	Streams   []StreamMapping
	resources map[string]*yaml.Node
	types     map[string]string
	order     []string
}

// Parameter is a template parameter with its default.
type Parameter struct {
	Type    string
	Default string
	NoEcho  bool
}

// Function is an AWS::Serverless::Function.
type Function struct {
	LogicalID string
	CodeURI   string
	// Package is the function's Go main package, relative to the project root: the
	// CodeUri, or with CodeUri "." (one Makefile at the root builds every function,
	// BuildMethod: makefile) functions/<logical id without "Function", lower case>.
	Package    string
	Timeout    int // seconds
	MemorySize int // MB
	// Env holds the merged Globals and function variables, unresolved.
	Env       map[string]*yaml.Node
	Routes    []Route
	Schedules []Schedule
	// DeadLetterQueue is the logical id of the queue that receives an asynchronous
	// event the function failed to process (DeadLetterQueue.TargetArn); "" for none.
	DeadLetterQueue string
}

// PackageOf returns a function's Go main package: its CodeUri, or by convention
// functions/<logical id without "Function", lower case> when CodeUri is the root
// (the Makefile's build-%Function rule builds that package).
func PackageOf(logicalID, codeURI string) string {
	if c := strings.Trim(filepath.ToSlash(codeURI), "/"); c != "" && c != "." {
		return strings.TrimPrefix(c, "./")
	}
	return "functions/" + strings.ToLower(strings.TrimSuffix(logicalID, "Function"))
}

// Route is an HttpApi event of a function.
type Route struct {
	Method string // upper case
	Path   string
	// Public is true for Auth: {Authorizer: NONE}.
	Public bool
}

// Key returns the route key as API Gateway names it ("POST /v1/accounts").
func (r Route) Key() string { return r.Method + " " + r.Path }

// Schedule is a Schedule or ScheduleV2 event.
type Schedule struct {
	Name       string
	Expression string // rate(...) or cron(...)
}

// Table is an AWS::DynamoDB::Table with the properties the local stack needs.
type Table struct {
	LogicalID     string
	HashKey       Attr
	RangeKey      *Attr
	GSIs          []GSI
	TTLAttribute  string
	AttributeDefs map[string]string // name → S/N/B
	StreamView    string            // StreamSpecification.StreamViewType; "" for none
}

// StreamMapping is an AWS::Lambda::EventSourceMapping from a table's stream.
type StreamMapping struct {
	LogicalID  string
	Function   string // logical id
	Table      string // logical id
	BatchSize  int
	MaxRetries int
	EventNames []string // from a FilterCriteria pattern on eventName; empty: all
	// OnFailure is the logical id of the queue that receives the record of a batch
	// that failed after its retries (DestinationConfig.OnFailure); "" for none.
	OnFailure string
}

// Attr is a key attribute.
type Attr struct{ Name, Type string }

// GSI is a global secondary index.
type GSI struct {
	Name           string
	HashKey        string
	RangeKey       string
	ProjectionType string
	NonKeyAttrs    []string
}

// Load reads and parses a template file.
func Load(path string) (*Template, error) {
	b, err := os.ReadFile(path) // #nosec G304 -- reading the template the caller names is this function's job (developer tooling)
	if err != nil {
		return nil, fmt.Errorf("read template: %w", err)
	}
	return Parse(b)
}

// Parse parses template YAML, CloudFormation short tags included.
func Parse(b []byte) (*Template, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return nil, fmt.Errorf("parse template: %w", err)
	}
	if len(root.Content) == 0 {
		return nil, fmt.Errorf("parse template: empty document")
	}
	doc := root.Content[0]
	t := &Template{Parameters: map[string]Parameter{}, resources: map[string]*yaml.Node{}, types: map[string]string{}}
	if p := get(doc, "Parameters"); p != nil {
		for i := 0; i+1 < len(p.Content); i += 2 {
			t.Parameters[p.Content[i].Value] = Parameter{Type: str(get(p.Content[i+1], "Type")), Default: str(get(p.Content[i+1], "Default")), NoEcho: str(get(p.Content[i+1], "NoEcho")) == "true"}
		}
	}
	globalEnv := map[string]*yaml.Node{}
	globalTimeout, globalMemory := 3, 128
	if g := get(doc, "Globals", "Function"); g != nil {
		mergeEnv(globalEnv, get(g, "Environment", "Variables"))
		globalTimeout = intOr(get(g, "Timeout"), globalTimeout)
		globalMemory = intOr(get(g, "MemorySize"), globalMemory)
	}
	res := get(doc, "Resources")
	if res == nil {
		return nil, fmt.Errorf("parse template: no Resources")
	}
	for i := 0; i+1 < len(res.Content); i += 2 {
		id, node := res.Content[i].Value, res.Content[i+1]
		typ := str(get(node, "Type"))
		t.resources[id], t.types[id] = node, typ
		t.order = append(t.order, id)
		props := get(node, "Properties")
		switch typ {
		case "AWS::Serverless::Function":
			f := Function{LogicalID: id, CodeURI: str(get(props, "CodeUri")), Env: map[string]*yaml.Node{},
				Timeout: intOr(get(props, "Timeout"), globalTimeout), MemorySize: intOr(get(props, "MemorySize"), globalMemory)}
			f.Package = PackageOf(id, f.CodeURI)
			mergeEnv(f.Env, globalEnv)
			mergeEnv(f.Env, get(props, "Environment", "Variables"))
			f.DeadLetterQueue = getAttResource(get(props, "DeadLetterQueue", "TargetArn"), "Arn")
			if ev := get(props, "Events"); ev != nil {
				for j := 0; j+1 < len(ev.Content); j += 2 {
					name, e := ev.Content[j].Value, ev.Content[j+1]
					ep := get(e, "Properties")
					switch str(get(e, "Type")) {
					case "HttpApi":
						f.Routes = append(f.Routes, Route{
							Method: strings.ToUpper(str(get(ep, "Method"))),
							Path:   str(get(ep, "Path")),
							Public: str(get(ep, "Auth", "Authorizer")) == "NONE",
						})
					case "Schedule", "ScheduleV2":
						f.Schedules = append(f.Schedules, Schedule{Name: name, Expression: str(get(ep, "ScheduleExpression"))})
						if f.Schedules[len(f.Schedules)-1].Expression == "" {
							f.Schedules[len(f.Schedules)-1].Expression = str(get(ep, "Schedule"))
						}
					}
				}
			}
			t.Functions = append(t.Functions, f)
		case "AWS::DynamoDB::Table":
			tb, err := parseTable(id, props)
			if err != nil {
				return nil, err
			}
			t.Tables = append(t.Tables, tb)
		case "AWS::Lambda::EventSourceMapping":
			m, err := parseMapping(id, props)
			if err != nil {
				return nil, err
			}
			t.Streams = append(t.Streams, m)
		case "AWS::S3::Bucket":
			t.Buckets = append(t.Buckets, id)
		case "AWS::KMS::Key":
			t.Keys = append(t.Keys, id)
		case "AWS::SQS::Queue":
			t.Queues = append(t.Queues, id)
		case "AWS::Serverless::HttpApi":
			auth := get(props, "Auth")
			def := str(get(auth, "DefaultAuthorizer"))
			if def != "" {
				arn := get(auth, "Authorizers", def, "FunctionArn")
				if arn != nil && arn.Tag == "!GetAtt" {
					t.Authorizer = strings.SplitN(arn.Value, ".", 2)[0]
				} else if fn := get(arn, "Fn::GetAtt"); fn != nil && len(fn.Content) > 0 {
					t.Authorizer = fn.Content[0].Value
				}
			}
		}
	}
	sort.Slice(t.Functions, func(i, j int) bool { return t.Functions[i].LogicalID < t.Functions[j].LogicalID })
	return t, nil
}

func parseTable(id string, props *yaml.Node) (Table, error) {
	tb := Table{LogicalID: id, AttributeDefs: map[string]string{}}
	for _, a := range seq(get(props, "AttributeDefinitions")) {
		tb.AttributeDefs[str(get(a, "AttributeName"))] = str(get(a, "AttributeType"))
	}
	for _, k := range seq(get(props, "KeySchema")) {
		name := str(get(k, "AttributeName"))
		switch str(get(k, "KeyType")) {
		case "HASH":
			tb.HashKey = Attr{name, tb.AttributeDefs[name]}
		case "RANGE":
			tb.RangeKey = &Attr{name, tb.AttributeDefs[name]}
		}
	}
	if tb.HashKey.Name == "" {
		return Table{}, fmt.Errorf("table %s: no HASH key", id)
	}
	for _, g := range seq(get(props, "GlobalSecondaryIndexes")) {
		gsi := GSI{Name: str(get(g, "IndexName")), ProjectionType: str(get(g, "Projection", "ProjectionType"))}
		for _, k := range seq(get(g, "KeySchema")) {
			if str(get(k, "KeyType")) == "HASH" {
				gsi.HashKey = str(get(k, "AttributeName"))
			} else {
				gsi.RangeKey = str(get(k, "AttributeName"))
			}
		}
		for _, a := range seq(get(g, "Projection", "NonKeyAttributes")) {
			gsi.NonKeyAttrs = append(gsi.NonKeyAttrs, a.Value)
		}
		tb.GSIs = append(tb.GSIs, gsi)
	}
	tb.StreamView = str(get(props, "StreamSpecification", "StreamViewType"))
	if ttl := get(props, "TimeToLiveSpecification"); ttl != nil && str(get(ttl, "Enabled")) == "true" {
		tb.TTLAttribute = str(get(ttl, "AttributeName"))
	}
	return tb, nil
}

func parseMapping(id string, props *yaml.Node) (StreamMapping, error) {
	m := StreamMapping{LogicalID: id, BatchSize: intOr(get(props, "BatchSize"), 100), MaxRetries: intOr(get(props, "MaximumRetryAttempts"), 3)}
	if fn := get(props, "FunctionName"); fn != nil && fn.Tag == "!Ref" {
		m.Function = fn.Value
	}
	if src := get(props, "EventSourceArn"); src != nil && src.Tag == "!GetAtt" {
		res, attr, _ := strings.Cut(src.Value, ".")
		if attr == "StreamArn" {
			m.Table = res
		}
	}
	m.OnFailure = getAttResource(get(props, "DestinationConfig", "OnFailure", "Destination"), "Arn")
	if m.Function == "" || m.Table == "" {
		return StreamMapping{}, fmt.Errorf("event source mapping %s: only !Ref FunctionName and !GetAtt <Table>.StreamArn are supported", id)
	}
	for _, f := range seq(get(props, "FilterCriteria", "Filters")) {
		var pat struct {
			EventName []string `json:"eventName"`
		}
		if err := json.Unmarshal([]byte(str(get(f, "Pattern"))), &pat); err != nil {
			return StreamMapping{}, fmt.Errorf("event source mapping %s: filter pattern: %w", id, err)
		}
		m.EventNames = append(m.EventNames, pat.EventName...)
	}
	return m, nil
}

// getAttResource returns the resource of a "!GetAtt <resource>.<attr>" (or its
// Fn::GetAtt form) with the given attribute, or "".
func getAttResource(n *yaml.Node, attr string) string {
	if n == nil {
		return ""
	}
	if n.Tag == "!GetAtt" {
		if res, a, _ := strings.Cut(n.Value, "."); a == attr {
			return res
		}
		return ""
	}
	if fn := get(n, "Fn::GetAtt"); fn != nil && len(fn.Content) == 2 && fn.Content[1].Value == attr {
		return fn.Content[0].Value
	}
	return ""
}

// Function returns the function with the logical id.
func (t *Template) Function(id string) (Function, bool) {
	for _, f := range t.Functions {
		if f.LogicalID == id {
			return f, true
		}
	}
	return Function{}, false
}

// Type returns a resource's type ("" if there is none by that id).
func (t *Template) Type(id string) string { return t.types[id] }

// get walks mapping keys; nil when any is missing.
func get(n *yaml.Node, path ...string) *yaml.Node {
	for _, k := range path {
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				next = n.Content[i+1]
				break
			}
		}
		n = next
	}
	return n
}

func seq(n *yaml.Node) []*yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}

func str(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

func intOr(n *yaml.Node, def int) int {
	var v int
	if n == nil || n.Decode(&v) != nil {
		return def
	}
	return v
}

func mergeEnv(dst map[string]*yaml.Node, src any) {
	switch s := src.(type) {
	case map[string]*yaml.Node:
		for k, v := range s {
			dst[k] = v
		}
	case *yaml.Node:
		if s == nil || s.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(s.Content); i += 2 {
			dst[s.Content[i].Value] = s.Content[i+1]
		}
	}
}
