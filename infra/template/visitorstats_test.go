package template

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// A function may read the request log only where its closed-day totals are (HGK-13):
// every statement allowing a batch read on RequestLogTable carries the condition
// that confines it to AGG# partitions (dynamodb:LeadingKeys), so raw records,
// daily salts and pseudonyms stay out of its reach; no other read is allowed.
func TestRequestLogReadIsConfinedToTotals(t *testing.T) {
	tpl := loadReal(t)
	r := Resolver{T: tpl, Stack: "kontor", Region: "eu-central-1", Account: "123456789012", Parameters: map[string]string{},
		Physical: map[string]string{"InsuranceKey": "k-insurance", "LogsKey": "k-logs"}}
	readers := 0
	for _, f := range tpl.Functions {
		if moduleOf(r, tpl, f.LogicalID) == "requestlog" {
			continue // the request log's own functions
		}
		for _, p := range policies(t, r, tpl, f.LogicalID) {
			for _, st := range p.Statement {
				rb, _ := json.Marshal(st.Resource)
				if !strings.Contains(string(rb), "kontor-RequestLogTable") || !slices.Contains(st.Action, "dynamodb:BatchGetItem") {
					continue
				}
				readers++
				cb, _ := json.Marshal(st.Condition)
				if string(cb) != `{"ForAllValues:StringLike":{"dynamodb:LeadingKeys":["AGG#*"]}}` {
					t.Errorf("%s reads the request log with condition %s, not only its AGG# totals", f.LogicalID, cb)
				}
			}
		}
	}
	if readers == 0 {
		t.Fatal("no function reads the visitor totals: the test checks nothing")
	}
}
