package template

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// deps adds every resource a node refers to (!Ref, !GetAtt, ${…} in !Sub, DependsOn)
// to out.
func deps(n *yaml.Node, out map[string]bool) {
	if n == nil {
		return
	}
	sub := regexp.MustCompile(`\$\{([A-Za-z0-9]+)[.}]`)
	switch n.Tag {
	case "!Ref":
		out[n.Value] = true
	case "!GetAtt":
		out[strings.SplitN(n.Value, ".", 2)[0]] = true
		if n.Kind == yaml.SequenceNode && len(n.Content) > 0 {
			out[n.Content[0].Value] = true
		}
	case "!Sub":
		s := n.Value
		if n.Kind == yaml.SequenceNode && len(n.Content) > 0 {
			s = n.Content[0].Value
		}
		for _, m := range sub.FindAllStringSubmatch(s, -1) {
			out[m[1]] = true
		}
	}
	for _, c := range n.Content {
		deps(c, out)
	}
}

// CloudFormation refuses a template whose resources depend on each other in a
// circle, and cfn-lint does not see the circles that run through the execution
// roles SAM generates (each function's role holds the references of its Policies,
// and the function depends on it). This builds that graph and finds none.
func TestResourcesDependOnEachOtherWithoutCircles(t *testing.T) {
	tpl := loadReal(t)
	graph := map[string]map[string]bool{}
	for _, id := range tpl.order {
		props := tpl.Properties(id)
		out := map[string]bool{}
		if tpl.Type(id) == "AWS::Serverless::Function" {
			role := map[string]bool{}
			deps(get(props, "Policies"), role)
			graph[id+"Role"] = role
			out[id+"Role"] = true
			for i := 0; props != nil && i+1 < len(props.Content); i += 2 {
				if props.Content[i].Value != "Policies" {
					deps(props.Content[i+1], out)
				}
			}
		} else {
			deps(props, out)
		}
		deps(get(tpl.resources[id], "DependsOn"), out)
		if d := get(tpl.resources[id], "DependsOn"); d != nil && d.Kind == yaml.ScalarNode {
			out[d.Value] = true
		}
		graph[id] = out
	}
	for _, g := range graph {
		for d := range g {
			if _, ok := graph[d]; !ok {
				delete(g, d) // parameters and pseudo parameters
			}
		}
	}
	state := map[string]int{} // 1 on the path, 2 done
	var path []string
	var visit func(string) bool
	visit = func(u string) bool {
		state[u] = 1
		path = append(path, u)
		for v := range graph[u] {
			if state[v] == 1 {
				t.Errorf("circular dependency: %s → %s", strings.Join(path[slices.Index(path, v):], " → "), v)
				return true
			}
			if state[v] == 0 && visit(v) {
				return true
			}
		}
		path = path[:len(path)-1]
		state[u] = 2
		return false
	}
	for id := range graph {
		if state[id] == 0 && visit(id) {
			break
		}
	}
	if len(graph) < 100 {
		t.Fatalf("only %d resources in the graph", len(graph))
	}
}
