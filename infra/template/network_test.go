package template

import (
	"encoding/json"
	"regexp"
	"slices"
	"testing"
)

// Promise: HKC-5 — the picture bucket encrypts with the network's own key, keeps no
// versions of removed pictures, and its policy denies plain HTTP and any put that is
// not SSE-KMS with that key. (moto cannot evaluate policy conditions.)
func TestPictureBucketPolicyDeniesPlainHTTPAndForeignKeys(t *testing.T) {
	bucketDeniesPlainHTTPAndForeignKeys(t, "PictureBucket", "NetworkKey")
}

// Promise: HKC-5 — the account administers the network key without using it; S3
// uses it for pictures only on behalf of the network function, for files on posts
// only on behalf of the groups function, and for their export on behalf of the
// network privacy function, exactly as their own policies ask.
func TestNetworkKeyIsUsedOnlyByItsFunctions(t *testing.T) {
	keyUsedOnlyByItsFunctions(t, "NetworkKey")
}

// Promise: HKC-6 — each network function reaches only its own objects in the
// picture bucket: the network function the pictures, the groups function the
// files on posts, the network privacy function both (export, erasure, purge);
// no function lists or reaches the whole bucket.
func TestNetworkObjectsAreReachedOnlyUnderTheirFunctionsPrefixes(t *testing.T) {
	tpl := loadReal(t)
	r := Resolver{T: tpl, Stack: "kontor", Region: "eu-central-1", Account: "123456789012", Parameters: map[string]string{}}
	want := map[string][]string{
		"NetworkFunction":        {"kontor-PictureBucket/pictures/*", "list pictures/*"},
		"GroupsFunction":         {"kontor-PictureBucket/attachments/*", "list attachments/*"},
		"NetworkPrivacyFunction": {"kontor-PictureBucket/attachments/*", "kontor-PictureBucket/pictures/*", "list pictures/*"},
	}
	object := regexp.MustCompile(`kontor-PictureBucket(/[^"]*)?`)
	for _, f := range tpl.Functions {
		var got []string
		for _, p := range policies(t, r, tpl, f.LogicalID) {
			for _, st := range p.Statement {
				rb, _ := json.Marshal(st.Resource)
				for _, m := range object.FindAllString(string(rb), -1) {
					if m == "kontor-PictureBucket" {
						cb, _ := json.Marshal(st.Condition)
						prefix := regexp.MustCompile(`"s3:prefix":"([^"]+)"`).FindStringSubmatch(string(cb))
						if prefix == nil || !slices.Equal(st.Action, []string{"s3:ListBucket"}) {
							t.Errorf("%s may %v on the whole bucket", f.LogicalID, st.Action)
							continue
						}
						m = "list " + prefix[1]
					}
					got = append(got, m)
				}
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, want[f.LogicalID]) {
			t.Errorf("%s reaches %v in the picture bucket, want %v", f.LogicalID, got, want[f.LogicalID])
		}
	}
}
