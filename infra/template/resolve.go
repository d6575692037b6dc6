package template

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// Resolver turns CloudFormation references into local values: a table or bucket
// becomes "<stack>-<LogicalId>", a parameter its default or override, pseudo
// parameters fixed local values.
type Resolver struct {
	T          *Template
	Stack      string
	Region     string
	Account    string
	Parameters map[string]string // overrides
	// Physical holds ids known only once a resource exists (a KMS key's id, a queue's
	// URL, which is also what !Ref of a queue returns).
	Physical map[string]string
}

// Name returns the local physical name of a resource.
func (r Resolver) Name(logicalID string) string { return r.Stack + "-" + logicalID }

func (r Resolver) ref(name string) (string, error) {
	switch name {
	case "AWS::Region":
		return r.Region, nil
	case "AWS::AccountId":
		return r.Account, nil
	case "AWS::Partition":
		return "aws", nil
	case "AWS::URLSuffix":
		return "amazonaws.com", nil
	case "AWS::StackName":
		return r.Stack, nil
	}
	if v, ok := r.Parameters[name]; ok {
		return v, nil
	}
	if p, ok := r.T.Parameters[name]; ok {
		return p.Default, nil
	}
	if v, ok := r.Physical[name]; ok {
		return v, nil
	}
	if r.T.Type(name) != "" {
		return r.Name(name), nil
	}
	return "", fmt.Errorf("unresolvable !Ref %s", name)
}

// GetAtt resolves !GetAtt resource.attr.
func (r Resolver) GetAtt(resource, attr string) (string, error) { return r.getAtt(resource, attr) }

func (r Resolver) getAtt(resource, attr string) (string, error) {
	switch typ := r.T.Type(resource); {
	case typ == "AWS::DynamoDB::Table" && attr == "StreamArn":
		return fmt.Sprintf("arn:aws:dynamodb:%s:%s:table/%s/stream/local", r.Region, r.Account, r.Name(resource)), nil
	case typ == "AWS::DynamoDB::Table" && attr == "Arn":
		return fmt.Sprintf("arn:aws:dynamodb:%s:%s:table/%s", r.Region, r.Account, r.Name(resource)), nil
	case typ == "AWS::S3::Bucket" && attr == "Arn":
		return "arn:aws:s3:::" + r.Name(resource), nil
	case typ == "AWS::Serverless::Function" && attr == "Arn":
		return fmt.Sprintf("arn:aws:lambda:%s:%s:function:%s", r.Region, r.Account, r.Name(resource)), nil
	case typ == "AWS::KMS::Key" && attr == "Arn":
		id := r.Name(resource)
		if v, ok := r.Physical[resource]; ok {
			id = v
		}
		return fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", r.Region, r.Account, id), nil
	case typ == "AWS::SQS::Queue" && attr == "Arn":
		return fmt.Sprintf("arn:aws:sqs:%s:%s:%s", r.Region, r.Account, r.Name(resource)), nil
	case typ == "AWS::SQS::Queue" && attr == "QueueName":
		return r.Name(resource), nil
	case typ == "AWS::SQS::Queue" && attr == "QueueUrl":
		if v, ok := r.Physical[resource]; ok {
			return v, nil
		}
		return "", fmt.Errorf("queue %s has no URL before it exists", resource)
	case typ == "AWS::Logs::LogGroup" && attr == "Arn":
		return fmt.Sprintf("arn:aws:logs:%s:%s:log-group:%s", r.Region, r.Account, r.Name(resource)), nil
	case typ == "":
		return "", fmt.Errorf("!GetAtt of unknown resource %s", resource)
	}
	return "", fmt.Errorf("!GetAtt %s.%s is not supported locally", resource, attr)
}

var subVar = regexp.MustCompile(`\$\{([^}!][^}]*)\}`)

// Value resolves a scalar or intrinsic-function node to a string.
func (r Resolver) Value(n *yaml.Node) (string, error) {
	if n == nil {
		return "", nil
	}
	switch n.Tag {
	case "!Ref":
		return r.ref(n.Value)
	case "!GetAtt":
		res, attr, _ := strings.Cut(n.Value, ".")
		return r.getAtt(res, attr)
	case "!Sub":
		return r.sub(n.Value)
	}
	if n.Kind == yaml.ScalarNode {
		return n.Value, nil
	}
	if n.Kind == yaml.MappingNode && len(n.Content) == 2 {
		k, v := n.Content[0].Value, n.Content[1]
		switch k {
		case "Ref":
			return r.ref(v.Value)
		case "Fn::GetAtt":
			if len(v.Content) == 2 {
				return r.getAtt(v.Content[0].Value, v.Content[1].Value)
			}
		case "Fn::Sub":
			return r.sub(v.Value)
		}
	}
	return "", fmt.Errorf("unsupported value at line %d", n.Line)
}

// A dynamic reference ("{{resolve:secretsmanager:…}}") names a value CloudFormation
// reads from another service at deployment. The local stack has none of those
// values: such a reference resolves to "", which each user of one documents as
// "not set" (ORIGIN_VERIFY: no request is taken as coming through a distribution).
func (r Resolver) sub(s string) (string, error) {
	if strings.HasPrefix(s, "{{resolve:") {
		return "", nil
	}
	var err error
	out := subVar.ReplaceAllStringFunc(s, func(m string) string {
		name := m[2 : len(m)-1]
		var v string
		var e error
		if res, attr, ok := strings.Cut(name, "."); ok && !strings.HasPrefix(name, "AWS::") {
			v, e = r.getAtt(res, attr)
		} else {
			v, e = r.ref(name)
		}
		if e != nil && err == nil {
			err = e
		}
		return v
	})
	return out, err
}

// Env resolves a function's environment variables.
func (r Resolver) Env(f Function) (map[string]string, error) {
	out := make(map[string]string, len(f.Env))
	keys := make([]string, 0, len(f.Env))
	for k := range f.Env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v, err := r.Value(f.Env[k])
		if err != nil {
			return nil, fmt.Errorf("%s env %s: %w", f.LogicalID, k, err)
		}
		out[k] = v
	}
	return out, nil
}

// Tree resolves a whole node (a policy document, say) to plain values: mappings,
// lists and strings with every intrinsic function resolved.
func (r Resolver) Tree(n *yaml.Node) (any, error) {
	if n == nil {
		return nil, nil
	}
	switch {
	case n.Tag == "!Ref" || n.Tag == "!GetAtt" || n.Tag == "!Sub":
		return r.Value(n)
	case n.Kind == yaml.MappingNode && len(n.Content) == 2 && (n.Content[0].Value == "Ref" || n.Content[0].Value == "Fn::GetAtt" || n.Content[0].Value == "Fn::Sub"):
		return r.Value(n)
	case n.Kind == yaml.MappingNode:
		out := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, err := r.Tree(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			out[n.Content[i].Value] = v
		}
		return out, nil
	case n.Kind == yaml.SequenceNode:
		out := []any{}
		for _, c := range n.Content {
			v, err := r.Tree(c)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// Properties returns a resource's Properties node, for the local stack.
func (t *Template) Properties(id string) *yaml.Node { return get(t.resources[id], "Properties") }

// OfType lists the logical ids of the resources of a type, in template order.
func (t *Template) OfType(typ string) []string {
	var out []string
	for _, id := range t.order {
		if t.types[id] == typ {
			out = append(out, id)
		}
	}
	return out
}
