package template

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// Promise: AHK-6 — data is stored only in Europe: deployments go to eu-central-1.
func TestDeploymentsStayInTheEU(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "samconfig.toml"))
	if err != nil {
		t.Fatal(err)
	}
	regions := regexp.MustCompile(`(?m)^region\s*=\s*"([^"]+)"`).FindAllStringSubmatch(string(b), -1)
	if len(regions) == 0 {
		t.Fatal("samconfig.toml names no region")
	}
	for _, r := range regions {
		if !strings.HasPrefix(r[1], "eu-") {
			t.Errorf("samconfig.toml deploys to %s, outside the EU", r[1])
		}
	}
}

// Promise: AHK-7 — all communication is encrypted.
// Promise: HGK-15 — login and account data only over encrypted connections.
// Promise: HKC-13 — all traffic is encrypted in transit.
// The API is reachable only over HTTPS (API Gateway serves no plain HTTP), mailed
// links must be https://, and every table is encrypted at rest.
func TestTemplateAllowsOnlyEncryptedTraffic(t *testing.T) {
	tpl := loadReal(t)
	base := tpl.Parameters["AppBaseUrl"]
	if !strings.HasPrefix(base.Default, "https://") {
		t.Errorf("AppBaseUrl defaults to %q", base.Default)
	}
	raw, err := os.ReadFile(filepath.Join("..", "..", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Parameters map[string]struct {
			AllowedPattern string `yaml:"AllowedPattern"`
		} `yaml:"Parameters"`
		Resources map[string]struct {
			Type       string `yaml:"Type"`
			Properties struct {
				SSESpecification struct {
					SSEEnabled bool `yaml:"SSEEnabled"`
				} `yaml:"SSESpecification"`
			} `yaml:"Properties"`
		} `yaml:"Resources"`
		Outputs map[string]struct {
			Value yaml.Node `yaml:"Value"`
		} `yaml:"Outputs"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if p := doc.Parameters["AppBaseUrl"].AllowedPattern; !strings.HasPrefix(p, "^https://") {
		t.Errorf("AppBaseUrl accepts non-https values (pattern %q)", p)
	}
	for id, r := range doc.Resources {
		if r.Type == "AWS::DynamoDB::Table" && !r.Properties.SSESpecification.SSEEnabled {
			t.Errorf("table %s is not encrypted at rest with a KMS key", id)
		}
	}
	if v := doc.Outputs["ApiUrl"].Value.Value; !strings.HasPrefix(v, "https://") {
		t.Errorf("ApiUrl output %q is not https", v)
	}
}
