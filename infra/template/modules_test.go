package template

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"kontor/shared/modules"
)

// What a function of one module may do to another module's storage: the shared
// services every module uses, each with the actions it needs. Anything else of
// another module is reached only through that module's privacy function.
var sharedServices = map[string][]string{
	// request capture; and the closed-day visitor totals a listing's advertiser
	// reads (HGK-13): a BatchGetItem only with the condition that confines it to
	// the AGG# partitions (TestRequestLogReadIsConfinedToTotals)
	"RequestLogTable": {"dynamodb:PutItem", "dynamodb:BatchGetItem"},
	"LimitTable":      {"dynamodb:GetItem", "dynamodb:UpdateItem"},                // abuse limits
	"MailOutboxTable": {"dynamodb:PutItem"},                                       // queueing mail
	"EvidenceTable":   {"dynamodb:PutItem", "dynamodb:Query"},                     // sign-in evidence, the admin's read
	"PrivacyTable":    {"dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"}, // consent gates, audit entries
	// answers kept under Idempotency-Key (the router's, for a route's own caller)
	"IdempotencyTable": {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"},
}

// moduleOf reads a resource's kontor:module tag (a function's map of tags, or a
// table's, bucket's or key's list of Key/Value pairs).
func moduleOf(r Resolver, tpl *Template, id string) string {
	v, _ := r.Tree(get(tpl.Properties(id), "Tags"))
	switch tags := v.(type) {
	case map[string]any:
		m, _ := tags["kontor:module"].(string)
		return m
	case []any:
		for _, t := range tags {
			if kv, ok := t.(map[string]any); ok && kv["Key"] == "kontor:module" {
				m, _ := kv["Value"].(string)
				return m
			}
		}
	}
	return ""
}

// Every function, table, bucket and key belongs to one module of the module list
// (its kontor:module tag). A function reaches its own module's storage, the shared
// services with their listed actions, and other modules only by invoking their
// privacy function (the privacy protocol, shared/privacy/protocol). So health data
// and every other module's data stay out of reach by construction.
func TestModulesMeetOnlyThroughTheirPorts(t *testing.T) {
	tpl := loadReal(t)
	r := Resolver{T: tpl, Stack: "kontor", Region: "eu-central-1", Account: "123456789012", Parameters: map[string]string{},
		Physical: map[string]string{"InsuranceKey": "k-insurance", "LogsKey": "k-logs"}}
	known := map[string]bool{}
	ports := map[string]string{} // privacy function → its module
	for _, m := range modules.List() {
		known[m.Name] = true
		if m.Function != "" {
			ports[m.Function] = m.Name
		}
	}
	// The portal's static files (SiteBucket, docs/web.md): no personal data, and no
	// function may reach them (a policy naming the bucket fails below).
	known["site"] = true
	owner := map[string]string{} // physical name fragment → module
	for _, id := range append(append(tpl.OfType("AWS::DynamoDB::Table"), tpl.OfType("AWS::S3::Bucket")...), "InsuranceKey") {
		m := moduleOf(r, tpl, id)
		if !known[m] {
			t.Errorf("%s: module %q is not in the module list", id, m)
		}
		owner[id] = m
	}
	for fn, m := range ports {
		if tpl.Type(fn) != "AWS::Serverless::Function" || moduleOf(r, tpl, fn) != m {
			t.Errorf("module %s names privacy function %s, which template.yaml has not (with kontor:module %s)", m, fn, m)
		}
	}
	arn := regexp.MustCompile(`kontor-([A-Za-z]+(Table|Bucket|Function))|:key/(k-[a-z]+)`)
	checked := 0
	for _, f := range tpl.Functions {
		m := moduleOf(r, tpl, f.LogicalID)
		if !known[m] {
			t.Errorf("%s: module %q is not in the module list", f.LogicalID, m)
			continue
		}
		for _, p := range policies(t, r, tpl, f.LogicalID) {
			for _, st := range p.Statement {
				rb, _ := json.Marshal(st.Resource)
				for _, g := range arn.FindAllStringSubmatch(string(rb), -1) {
					res := g[1]
					if g[3] != "" {
						res = map[string]string{"k-insurance": "InsuranceKey", "k-logs": "LogsKey"}[g[3]]
					}
					if strings.HasSuffix(res, "Function") {
						if _, ok := ports[res]; !ok || !slices.Equal(st.Action, []string{"lambda:InvokeFunction"}) {
							t.Errorf("%s (%s) may %v on %s, which is no module's privacy function", f.LogicalID, m, st.Action, res)
						}
						continue
					}
					if owner[res] == m || res == "LogsKey" {
						continue
					}
					allowed, shared := sharedServices[res]
					for _, a := range st.Action {
						if !shared || !slices.Contains(allowed, a) {
							t.Errorf("%s (%s) may %s on %s of module %s: only its privacy function may", f.LogicalID, m, a, res, owner[res])
						}
					}
				}
			}
		}
		checked++
	}
	if checked != len(tpl.Functions) {
		t.Fatalf("checked %d of %d functions", checked, len(tpl.Functions))
	}
}
