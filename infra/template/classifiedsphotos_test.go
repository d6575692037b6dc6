package template

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// Promise: HGK-7 — listing photos are kept in the classifieds module's own private
// bucket, encrypted with its key: only the photos function and the module's
// privacy function (export, erasure) reach them, and only under photos/.
func TestListingPhotosAreReachableOnlyByTheirFunctions(t *testing.T) {
	tpl := loadReal(t)
	r := Resolver{T: tpl, Stack: "kontor", Region: "eu-central-1", Account: "123456789012", Parameters: map[string]string{}}
	reach := []string{}
	for _, f := range tpl.Functions {
		tree, err := r.Tree(get(tpl.Properties(f.LogicalID), "Policies"))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(tree)
		pol := string(b)
		if strings.Contains(pol, "kontor-ClassifiedsPhotoBucket") || strings.Contains(pol, ":key/kontor-ClassifiedsKey") {
			reach = append(reach, f.LogicalID)
			if strings.Contains(pol, `"kontor-ClassifiedsPhotoBucket"`) || strings.Contains(pol, "ClassifiedsPhotoBucket/*") || strings.Contains(pol, "s3:ListBucket") {
				t.Errorf("%s reaches the photo bucket beyond photos/: %s", f.LogicalID, pol)
			}
		}
	}
	slices.Sort(reach)
	if !slices.Equal(reach, []string{"ClassifiedsPrivacyFunction", "ListingPhotosFunction"}) {
		t.Fatalf("the photo bucket or key is reached by %v", reach)
	}
}

// Promise: HGK-7 — the photo bucket encrypts with the module's key, blocks public
// access, and its policy denies plain HTTP and any put that is not SSE-KMS with that
// key.
func TestPhotoBucketPolicyDeniesPlainHTTPAndForeignKeys(t *testing.T) {
	bucketDeniesPlainHTTPAndForeignKeys(t, "ClassifiedsPhotoBucket", "ClassifiedsKey")
}
