package template

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Promise: HKC-7 — the messages' key makes and opens side keys only for the
// messages function (GenerateDataKey, Decrypt) and the network privacy function
// (Decrypt, for the export), in the key policy and in the functions' own
// policies alike, and only under an encryption context of conversation and
// side; no other function names the key.
func TestMessagesKeyIsUsedOnlyByItsFunctions(t *testing.T) {
	tpl := loadReal(t)
	r := Resolver{T: tpl, Stack: "kontor", Region: "eu-central-1", Account: "123456789012", Parameters: map[string]string{}, Physical: map[string]string{"MessagesKey": "k-messages"}}
	tree, err := r.Tree(get(tpl.Properties("MessagesKey"), "KeyPolicy"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Statement []struct {
			Sid       string
			Action    any
			Condition map[string]map[string]any
		}
	}
	b, _ := json.Marshal(tree)
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{"MessagesFunction": {"kms:Decrypt", "kms:GenerateDataKey"}, "NetworkPrivacyFunction": {"kms:Decrypt"}}
	use := regexp.MustCompile(`kms:(\*|Encrypt|Decrypt|ReEncrypt|GenerateDataKey|CreateGrant)`)
	got := map[string][]string{}
	for _, st := range doc.Statement {
		ab, _ := json.Marshal(st.Action)
		if !use.Match(ab) {
			continue
		}
		rb, _ := json.Marshal(st.Condition["ArnLike"]["aws:PrincipalArn"])
		roles := regexp.MustCompile(`role/kontor-([A-Za-z]+Function)Role-\*`).FindAllStringSubmatch(string(rb), -1)
		keys, _ := json.Marshal(st.Condition["ForAllValues:StringEquals"]["kms:EncryptionContextKeys"])
		if len(roles) != 1 || string(keys) != `["kontor:conversation","kontor:side"]` || st.Condition["Null"]["kms:EncryptionContextKeys"] != "false" {
			t.Errorf("%s: roles %v, context keys %s, null %v", st.Sid, roles, keys, st.Condition["Null"])
			continue
		}
		var actions []string
		_ = json.Unmarshal(ab, &actions)
		got[roles[0][1]] = append(got[roles[0][1]], actions...)
	}
	for fn, actions := range got {
		slices.Sort(actions)
		if !slices.Equal(actions, want[fn]) {
			t.Errorf("key policy: %s may %v, want %v", fn, actions, want[fn])
		}
	}
	if len(got) != len(want) {
		t.Errorf("key policy grants %v, want %v", got, want)
	}
	for _, f := range tpl.Functions {
		var actions []string
		for _, p := range policies(t, r, tpl, f.LogicalID) {
			for _, st := range p.Statement {
				rb, _ := json.Marshal(st.Resource)
				if !strings.Contains(string(rb), "k-messages") {
					continue
				}
				cb, _ := json.Marshal(st.Condition)
				if !strings.Contains(string(cb), `"kms:EncryptionContextKeys":["kontor:conversation","kontor:side"]`) {
					t.Errorf("%s uses the key without the context condition: %s", f.LogicalID, cb)
				}
				actions = append(actions, st.Action...)
			}
		}
		slices.Sort(actions)
		if !slices.Equal(actions, want[f.LogicalID]) {
			t.Errorf("%s may %v with the messages' key, want %v", f.LogicalID, actions, want[f.LogicalID])
		}
	}
}
