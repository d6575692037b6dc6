package template

import (
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"kontor/shared/privacy/rights"
)

func loadReal(t *testing.T) *Template {
	t.Helper()
	tpl, err := Load(filepath.Join("..", "..", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

func TestRealTemplateParses(t *testing.T) {
	tpl := loadReal(t)
	if tpl.Authorizer != "AuthorizerFunction" {
		t.Fatalf("authorizer %q", tpl.Authorizer)
	}
	routes := map[string]bool{}
	for _, f := range tpl.Functions {
		if f.CodeURI == "" || f.Timeout == 0 || f.MemorySize == 0 {
			t.Errorf("function %s incomplete: %+v", f.LogicalID, f)
		}
		// The Makefile's build-%Function rule (sam build) builds this package.
		if _, err := os.Stat(filepath.Join("..", "..", f.Package, "main.go")); err != nil {
			t.Errorf("function %s: no main package at %s: %v", f.LogicalID, f.Package, err)
		}
		for _, r := range f.Routes {
			if routes[r.Key()] {
				t.Errorf("route %s served twice", r.Key())
			}
			routes[r.Key()] = true
		}
	}
	for _, want := range []string{"POST /v1/accounts", "GET /v1/me", "DELETE /v1/sessions/current"} {
		if !routes[want] {
			t.Errorf("route %s missing", want)
		}
	}
	out, _ := tpl.Function("MailOutboxFunction")
	if len(out.Schedules) != 1 || out.Schedules[0].Expression != "rate(5 minutes)" || out.Timeout != 60 {
		t.Errorf("outbox function %+v", out)
	}
	if len(tpl.Streams) == 0 || tpl.Streams[0].Function != "MailOutboxFunction" || tpl.Streams[0].Table != "MailOutboxTable" ||
		tpl.Streams[0].BatchSize != 10 || len(tpl.Streams[0].EventNames) != 1 || tpl.Streams[0].EventNames[0] != "INSERT" {
		t.Errorf("stream mappings %+v", tpl.Streams)
	}
	for _, tb := range tpl.Tables {
		// The message keys table has no TTL: each key goes exactly when its
		// message or side is deleted, never by a lifetime (template.yaml).
		if tb.TTLAttribute != "ttl" && tb.LogicalID != "MessageKeysTable" {
			t.Errorf("table %s has no TTL", tb.LogicalID)
		}
	}
}

func TestEnvIsResolvedLocally(t *testing.T) {
	tpl := loadReal(t)
	r := Resolver{T: tpl, Stack: "kontor", Region: "eu-central-1", Account: "123456789012", Parameters: map[string]string{"AppBaseUrl": "http://127.0.0.1:9999"}}
	f, _ := tpl.Function("AccountsFunction")
	env, err := r.Env(f)
	if err != nil {
		t.Fatal(err)
	}
	if env["IDENTITY_TABLE"] != "kontor-IdentityTable" || env["APP_BASE_URL"] != "http://127.0.0.1:9999" || env["TERMS_VERSION"] != "2026-01" || env["LOG_LEVEL"] != "info" {
		t.Fatalf("env %v", env)
	}
}

func TestInlineTemplateWithIntrinsics(t *testing.T) {
	src := `
Parameters:
  Domain: {Type: String, Default: example.org}
Globals:
  Function:
    Timeout: 7
    Environment: {Variables: {A: plain}}
Resources:
  T:
    Type: AWS::DynamoDB::Table
    Properties:
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}, {AttributeName: g, AttributeType: N}]
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
      GlobalSecondaryIndexes:
        - IndexName: byG
          KeySchema: [{AttributeName: g, KeyType: HASH}]
          Projection: {ProjectionType: INCLUDE, NonKeyAttributes: [x]}
  F:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/f
      Environment:
        Variables:
          TABLE: {Ref: T}
          ARN: !GetAtt T.Arn
          IDX: !Sub "${T.Arn}/index/byG"
          SES: !Sub "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/${Domain}"
      Events:
        Get: {Type: HttpApi, Properties: {Path: "/x/{id}", Method: get}}
        Tick: {Type: Schedule, Properties: {Schedule: rate(1 hour)}}
`
	tpl, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	f, _ := tpl.Function("F")
	if f.Timeout != 7 || len(f.Routes) != 1 || f.Routes[0].Key() != "GET /x/{id}" || f.Routes[0].Public || f.Schedules[0].Expression != "rate(1 hour)" {
		t.Fatalf("function %+v", f)
	}
	env, err := Resolver{T: tpl, Stack: "s", Region: "eu-central-1", Account: "1"}.Env(f)
	if err != nil {
		t.Fatal(err)
	}
	if env["TABLE"] != "s-T" || !strings.HasSuffix(env["ARN"], ":table/s-T") || !strings.HasSuffix(env["IDX"], "table/s-T/index/byG") ||
		env["SES"] != "arn:aws:ses:eu-central-1:1:identity/example.org" || env["A"] != "plain" {
		t.Fatalf("env %v", env)
	}
	if g := tpl.Tables[0].GSIs[0]; g.Name != "byG" || g.HashKey != "g" || g.ProjectionType != "INCLUDE" || g.NonKeyAttrs[0] != "x" {
		t.Fatalf("gsi %+v", g)
	}
	if _, err := (Resolver{T: tpl, Stack: "s"}).Value(&yamlRefMissing); err == nil {
		t.Fatal("unknown !Ref resolved")
	}
}

// The record of processing tells which tables keep deleted items restorable
// (point-in-time recovery, 35 days) and that erasures are replayed after a restore:
// exactly the tables the template gives it.
func TestPointInTimeRecoveryIsWhatTheRecordSays(t *testing.T) {
	tpl := loadReal(t)
	var got []string
	for _, id := range tpl.OfType("AWS::DynamoDB::Table") {
		if str(get(tpl.Properties(id), "PointInTimeRecoverySpecification", "PointInTimeRecoveryEnabled")) == "true" {
			got = append(got, id)
		}
	}
	want := append([]string(nil), rights.BackedUpTables...)
	sort.Strings(got)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Fatalf("tables with point-in-time recovery %v, the record of processing says %v", got, want)
	}
}
