package template

import "gopkg.in/yaml.v3"

var yamlRefMissing = yaml.Node{Kind: yaml.ScalarNode, Tag: "!Ref", Value: "Nope"}
