package template

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The insurance module's functions.
var insuranceFunctions = []string{"ContractImportFunction", "RegistrationFunction", "ContractsFunction", "ClaimsFunction", "ClaimReviewFunction", "InsurancePrivacyFunction"}

// Promise: H4U-7 — health-related data gets its own table, bucket and key, and no
// other module's function can reach them: only the insurance functions' policies
// name them, and the privacy functions reach the data only by invoking the module's
// privacy function.
func TestInsuranceStorageIsReachableOnlyByItsFunctions(t *testing.T) {
	tpl := loadReal(t)
	r := Resolver{T: tpl, Stack: "kontor", Region: "eu-central-1", Account: "123456789012", Parameters: map[string]string{}}
	invokers := 0
	for _, f := range tpl.Functions {
		tree, err := r.Tree(get(tpl.Properties(f.LogicalID), "Policies"))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(tree)
		pol := string(b)
		insurance := slices.Contains(insuranceFunctions, f.LogicalID)
		for _, res := range []string{"kontor-InsuranceTable", "kontor-InvoiceBucket", ":key/kontor-InsuranceKey"} {
			if strings.Contains(pol, res) && !insurance {
				t.Errorf("%s reaches %s", f.LogicalID, res)
			}
		}
		// Which functions a policy may invoke at all is TestModulesMeetOnlyThroughTheirPorts'.
		if strings.Contains(pol, "function:kontor-InsurancePrivacyFunction") {
			invokers++
		}
		// Objects are reached only under a module's prefix: the invoices' (insurance
		// claims' or the classifieds' own), or the
		// network's pictures' and files on posts' (which function reaches which is
		// TestNetworkObjectsAreReachedOnlyUnderTheirFunctionsPrefixes').
		if strings.Contains(pol, "s3:") && !strings.Contains(pol, "kontor-InvoiceBucket/claims/*") &&
			!strings.Contains(pol, "kontor-PictureBucket/pictures/*") && !strings.Contains(pol, "kontor-PictureBucket/attachments/*") &&
			!strings.Contains(pol, "kontor-ClassifiedsPhotoBucket/photos/*") && !strings.Contains(pol, "kontor-ClassifiedsInvoiceBucket/invoices/*") {
			t.Errorf("%s reaches objects outside the invoices', pictures', attachments' and listing photos' prefixes: %s", f.LogicalID, pol)
		}
		if strings.Contains(pol, "kontor-PictureBucket") || strings.Contains(pol, ":key/kontor-NetworkKey") {
			if !slices.Contains([]string{"NetworkFunction", "GroupsFunction", "NetworkPrivacyFunction"}, f.LogicalID) {
				t.Errorf("%s reaches the network's pictures or files", f.LogicalID)
			}
		}
	}
	if invokers != 4 {
		t.Fatalf("%d functions invoke the insurance privacy function, want export, consents, erasure and retention", invokers)
	}
}

// Promise: H4U-7 — the invoice bucket encrypts with the module's key, blocks public
// access, and its policy denies plain HTTP and any put that is not SSE-KMS with that
// key. (moto cannot evaluate policy conditions, so this is checked here.)
func TestInvoiceBucketPolicyDeniesPlainHTTPAndForeignKeys(t *testing.T) {
	bucketDeniesPlainHTTPAndForeignKeys(t, "InvoiceBucket", "InsuranceKey")
}

// bucketDeniesPlainHTTPAndForeignKeys checks that bucket encrypts with key (bucket
// key on), keeps no versions, and that its policy (<bucket>Policy) denies plain
// HTTP and any put that is not SSE-KMS with that key.
func bucketDeniesPlainHTTPAndForeignKeys(t *testing.T, bucket, key string) {
	t.Helper()
	tpl := loadReal(t)
	r := Resolver{T: tpl, Stack: "kontor", Region: "eu-central-1", Account: "123456789012", Physical: map[string]string{key: "k-1"}}
	doc, err := r.Tree(get(tpl.Properties(bucket+"Policy"), "PolicyDocument"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(doc)
	var pol struct {
		Statement []struct {
			Sid, Effect string
			Principal   any
			Action      any
			Resource    any
			Condition   map[string]map[string]string
		}
	}
	if err := json.Unmarshal(b, &pol); err != nil {
		t.Fatal(err)
	}
	keyARN, _ := r.GetAtt(key, "Arn")
	want := map[string]struct{ op, key, value string }{
		"DenyInsecureTransport": {"Bool", "aws:SecureTransport", "false"},
		"DenyPutsWithoutKms":    {"StringNotEquals", "s3:x-amz-server-side-encryption", "aws:kms"},
		"DenyPutsWithOtherKeys": {"StringNotEquals", "s3:x-amz-server-side-encryption-aws-kms-key-id", keyARN},
	}
	for _, st := range pol.Statement {
		w, ok := want[st.Sid]
		if !ok {
			continue
		}
		if st.Effect != "Deny" || st.Principal != "*" || st.Condition[w.op][w.key] != w.value {
			t.Errorf("%s: %+v", st.Sid, st)
		}
		delete(want, st.Sid)
	}
	if len(want) > 0 {
		t.Fatalf("policy lacks %v", want)
	}
	enc, err := r.Tree(get(tpl.Properties(bucket), "BucketEncryption"))
	if err != nil {
		t.Fatal(err)
	}
	e, _ := json.Marshal(enc)
	if !strings.Contains(string(e), `"KMSMasterKeyID":"`+keyARN+`"`) || !strings.Contains(string(e), `"BucketKeyEnabled":true`) {
		t.Fatalf("bucket encryption %s", e)
	}
	if v, _ := r.Tree(get(tpl.Properties(bucket), "VersioningConfiguration")); v != nil {
		t.Fatalf("versioning would keep what %s erases as old versions", bucket)
	}
}

// Promise: H4U-7 — who can read health data: the account administers the insurance
// key but may not use it; DynamoDB uses it for the insurance table; S3 uses it for
// invoices only on behalf of the roles of exactly the functions whose own policies
// grant them that KMS action on the key.
func TestInsuranceKeyIsUsedOnlyByItsFunctions(t *testing.T) {
	keyUsedOnlyByItsFunctions(t, "InsuranceKey")
}

// keyUsedOnlyByItsFunctions checks that the account administers key without using
// it, that only DynamoDB and S3 use it, and S3 only on behalf of the roles of
// exactly the functions whose own policies grant them that KMS action on it.
func keyUsedOnlyByItsFunctions(t *testing.T, key string) {
	t.Helper()
	tpl := loadReal(t)
	r := Resolver{T: tpl, Stack: "kontor", Region: "eu-central-1", Account: "123456789012", Parameters: map[string]string{}, Physical: map[string]string{key: "k-module"}}
	tree, err := r.Tree(get(tpl.Properties(key), "KeyPolicy"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Statement []struct {
			Sid       string
			Principal map[string]any
			Action    any
			Condition map[string]map[string]any
		}
	}
	b, _ := json.Marshal(tree)
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	use := regexp.MustCompile(`kms:(\*|Encrypt|Decrypt|ReEncrypt|GenerateDataKey|CreateGrant)`)
	viaS3 := map[string]map[string]bool{} // action → roles
	for _, st := range doc.Statement {
		ab, _ := json.Marshal(st.Action)
		if !use.Match(ab) {
			continue // administration
		}
		via, _ := st.Condition["StringEquals"]["kms:ViaService"].(string)
		switch {
		case via == "dynamodb.eu-central-1.amazonaws.com":
		case via == "s3.eu-central-1.amazonaws.com":
			rb, _ := json.Marshal(st.Condition["ArnLike"]["aws:PrincipalArn"])
			roles := regexp.MustCompile(`role/kontor-([A-Za-z]+Function)Role-\*`).FindAllStringSubmatch(string(rb), -1)
			if len(roles) == 0 {
				t.Errorf("%s: S3 may use the key for any principal: %s", st.Sid, rb)
			}
			var actions []string
			_ = json.Unmarshal(ab, &actions)
			for _, a := range actions {
				for _, m := range roles {
					if viaS3[a] == nil {
						viaS3[a] = map[string]bool{}
					}
					viaS3[a][m[1]] = true
				}
			}
		default:
			t.Errorf("%s uses the key outside DynamoDB and S3: %s %v", st.Sid, ab, st.Condition)
		}
	}
	if len(viaS3) == 0 {
		t.Fatalf("no function may use %s through S3", key)
	}
	for _, f := range tpl.Functions {
		for _, p := range policies(t, r, tpl, f.LogicalID) {
			for _, st := range p.Statement {
				if rb, _ := json.Marshal(st.Resource); !strings.Contains(string(rb), ":key/k-module") {
					continue
				}
				for _, a := range st.Action {
					if !viaS3[a][f.LogicalID] {
						t.Errorf("%s may %s with %s, which its key policy does not allow", f.LogicalID, a, key)
					}
					delete(viaS3[a], f.LogicalID)
				}
			}
		}
	}
	for a, fs := range viaS3 {
		for f := range fs {
			t.Errorf("the key policy lets %s %s, which its own policy does not ask for", f, a)
		}
	}
}
