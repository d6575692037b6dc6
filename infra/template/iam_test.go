package template

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// Every function's IAM policy names only tables the function is configured to use
// (its environment references them), only its own dead-letter queue and only to send
// to it, never a wildcard resource (except dynamodb:ListStreams, which has no
// resource scope), and only actions it may need.
func TestPoliciesNameOnlyTheFunctionsOwnTables(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(raw, &root); err != nil {
		t.Fatal(err)
	}
	doc := root.Content[0]
	tpl := loadReal(t)
	globalEnv := map[string]bool{}
	for _, v := range envRefs(get(doc, "Globals", "Function", "Environment", "Variables")) {
		globalEnv[v] = true
	}
	tableRef := regexp.MustCompile(`([A-Za-z]+Table)\.(Arn|StreamArn)`)
	resourceRef := regexp.MustCompile(`^([A-Za-z0-9]+)\.`)
	res := get(doc, "Resources")
	checked := 0
	for i := 0; i+1 < len(res.Content); i += 2 {
		id, node := res.Content[i].Value, res.Content[i+1]
		if str(get(node, "Type")) != "AWS::Serverless::Function" {
			continue
		}
		props := get(node, "Properties")
		f, _ := tpl.Function(id)
		uses := map[string]bool{}
		for k := range globalEnv {
			uses[k] = true
		}
		for _, v := range envRefs(get(props, "Environment", "Variables")) {
			uses[v] = true
		}
		for _, pol := range seq(get(props, "Policies")) {
			for _, st := range seq(get(pol, "Statement")) {
				actions := []string{}
				for _, a := range seq(get(st, "Action")) {
					actions = append(actions, a.Value)
				}
				resources := seq(get(st, "Resource"))
				if r := get(st, "Resource"); r != nil && r.Kind == yaml.ScalarNode {
					resources = []*yaml.Node{r}
				}
				for _, r := range resources {
					if r.Value == "*" {
						if len(actions) != 1 || actions[0] != "dynamodb:ListStreams" {
							t.Errorf("%s: wildcard resource for %v", id, actions)
						}
						continue
					}
					for _, a := range actions {
						if strings.HasSuffix(a, ":*") || a == "*" {
							t.Errorf("%s: wildcard action %s", id, a)
						}
					}
					if m := tableRef.FindStringSubmatch(r.Value); m != nil && !uses[m[1]] {
						t.Errorf("%s: policy reaches %s, which its configuration does not use", id, m[1])
					}
					if m := resourceRef.FindStringSubmatch(r.Value); m != nil && tpl.Type(m[1]) == "AWS::SQS::Queue" {
						if m[1] != f.DeadLetterQueue || len(actions) != 1 || actions[0] != "sqs:SendMessage" {
							t.Errorf("%s: %v on queue %s; a function may only send to its own dead-letter queue (%q)", id, actions, m[1], f.DeadLetterQueue)
						}
					}
				}
			}
		}
		checked++
	}
	if checked != len(tpl.Functions) || checked < 10 {
		t.Fatalf("checked %d of %d functions", checked, len(tpl.Functions))
	}
}

// Health-related and identity data stay out of reach of the request log: no function
// that only serves statistics or the record of processing reaches an identity table.
func TestStatisticsFunctionsCannotReachPersonalTables(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"ProcessingFunction", "RequestLogFunction", "StatsFunction"} {
		block := functionBlock(string(raw), id)
		for _, table := range []string{"IdentityTable", "SessionTable", "MailOutboxTable"} {
			if strings.Contains(block, table) {
				t.Errorf("%s reaches %s", id, table)
			}
		}
	}
}

func functionBlock(src, id string) string {
	i := strings.Index(src, "\n  "+id+":\n")
	if i < 0 {
		return ""
	}
	rest := src[i+1:]
	if j := regexp.MustCompile(`\n  [A-Za-z]+:\n`).FindStringIndex(rest[1:]); j != nil {
		return rest[:j[0]+1]
	}
	return rest
}

// envRefs returns the logical ids an Environment.Variables mapping references.
func envRefs(vars *yaml.Node) []string {
	var out []string
	if vars == nil {
		return out
	}
	for i := 0; i+1 < len(vars.Content); i += 2 {
		v := vars.Content[i+1]
		if v.Tag == "!Ref" {
			out = append(out, v.Value)
		}
	}
	return out
}
