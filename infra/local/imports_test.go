package local

import (
	"os/exec"
	"strings"
	"testing"
)

// productPackages are what the local stack must not depend on: the product's
// modules and the stand-ins, which plug in from outside (Options.StandIns).
var productPackages = []string{
	"kontor/shared/insurance",
	"kontor/shared/identity",
	"kontor/functions",
	"kontor/web",
	"kontor/infra/standin",
}

// The local stack knows nothing of the product: neither the package nor its tests
// import, even through another package, a product module or a stand-in.
func TestLocalStackImportsNoProductPackage(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-test", "-f", "{{.ImportPath}}", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, p := range productPackages {
			if dep == p || strings.HasPrefix(dep, p+"/") {
				t.Errorf("infra/local depends on %s", dep)
			}
		}
	}
}
