package local

import "strings"

// unheld is something template.yaml may state about a resource that the emulator
// (moto server, as pinned in infra/requirements.txt) cannot hold. The local stack
// applies everything else the template states; TestEmulatorHoldsTheTemplate compares
// every stated property with what moto reports and fails on any that is neither
// held nor listed here.
type unheld struct {
	Type string
	// Path is a dotted property path; "X[]" stands for every element of list X,
	// "" for the resource as a whole.
	Path string
	// If narrows the entry to the values it is true for; nil means always.
	If  func(v any) bool
	Why string
}

// notHeld is the one list of what the emulator cannot hold, each with its reason
// (file and function in moto's source).
var notHeld = []unheld{
	{
		Type: "AWS::S3::BucketPolicy", Path: "PolicyDocument.Statement[]", If: hasCondition,
		Why: "moto evaluates a bucket policy on every object request but without any request context " +
			"(moto/iam/access_control.py, IAMPolicyStatement._check_conditions), so a conditional statement such as " +
			"\"deny unless aws:SecureTransport\" denies every request; the deployed policy is checked statically by infra/template's tests",
	},
	{
		Type: "AWS::S3::BucketPolicy", Path: "", If: noStatement,
		Why: "a policy whose statements all carry a Condition has nothing left to apply, so no policy is put",
	},
	{
		Type: "AWS::S3::Bucket", Path: "LifecycleConfiguration.Rules[].ObjectSizeGreaterThan",
		Why: "moto's lifecycle filter keeps prefix, tag and and-operator only (moto/s3/models.py, FakeBucket.set_lifecycle)",
	},
	{
		Type: "AWS::S3::Bucket", Path: "LifecycleConfiguration.Rules[].ObjectSizeLessThan",
		Why: "moto's lifecycle filter keeps prefix, tag and and-operator only (moto/s3/models.py, FakeBucket.set_lifecycle)",
	},
	{
		Type: "AWS::S3::Bucket", Path: "LifecycleConfiguration.Rules[].NoncurrentVersionExpiration.NewerNoncurrentVersions",
		Why: "moto keeps only NoncurrentDays of a noncurrent-version expiration (moto/s3/models.py, FakeBucket.set_lifecycle)",
	},
	{
		Type: "AWS::DynamoDB::Table", Path: "TableClass",
		Why: "moto's tables have no table class (moto/dynamodb/models/table.py, Table.__init__ and Table.describe)",
	},
	{
		Type: "AWS::DynamoDB::Table", Path: "ContributorInsightsSpecification",
		Why: "moto has no Contributor Insights (no UpdateContributorInsights in moto/dynamodb/responses.py)",
	},
	{
		Type: "AWS::KMS::Key", Path: "RotationPeriodInDays",
		Why: "moto's EnableKeyRotation reads only KeyId and GetKeyRotationStatus reports no period (moto/kms/responses.py, enable_key_rotation)",
	},
	{
		Type: "AWS::KMS::Key", Path: "PendingWindowInDays",
		Why: "the waiting period applies only when a key is scheduled for deletion (moto/kms/models.py, schedule_key_deletion)",
	},
}

// notCreated are the resource types of the template the stack does not create in
// the emulator, and what stands in for them.
var notCreated = map[string]string{
	"AWS::Serverless::Function":       "each function's bootstrap runs behind the local Lambda Runtime API (infra/lambdart); moto would need Docker",
	"AWS::Serverless::HttpApi":        "the local API gateway serves the routes and calls the authorizer (gateway.go)",
	"AWS::Lambda::EventSourceMapping": "the stack polls the table stream and invokes the function itself (streams.go)",
	"AWS::Logs::LogGroup":             "the functions' logs go to the stack's Logs writer; nothing reads CloudWatch Logs locally",
	// The portal's distribution and what belongs to it: the stand-in site
	// (infra/standin/site) serves the built site on the API's address with the
	// headers of web.Headers and the path mapping of web.Resolve, which the
	// distribution's functions mirror (web/cloudfront_test.go).
	"AWS::CloudFront::Distribution":          "the stand-in site serves the portal and the local gateway /v1/ on one address, as the distribution does (infra/standin/site)",
	"AWS::CloudFront::OriginAccessControl":   "the stand-in site serves the built site from memory; there is no bucket read to sign",
	"AWS::CloudFront::Function":              "web.Site.Handler maps paths with web.Resolve and answers the not-found page with 404, as SiteRouterFunction and SiteStatusFunction do",
	"AWS::CloudFront::ResponseHeadersPolicy": "web.Site.Handler sets web.Headers on every answer of the site, with Site.Storage in the upload pages' connect-src",
	"AWS::SecretsManager::Secret":            "OriginVerifySecret is the distribution's origin value; there is no distribution locally, its dynamic reference resolves to \"\" (template.Resolver), and no request is taken as coming through one",
}

func hasCondition(v any) bool {
	st, ok := v.(map[string]any)
	return ok && st["Condition"] != nil
}

func noStatement(v any) bool {
	doc, _ := v.(map[string]any)["PolicyDocument"].(map[string]any)
	sts, ok := doc["Statement"].([]any)
	return ok && len(sts) == 0
}

// holdable returns a resource's resolved properties without what notHeld lists for
// its type; nil when the resource as a whole cannot be held.
func holdable(typ string, props tree) tree {
	var v any = props
	for _, u := range notHeld {
		if u.Type != typ {
			continue
		}
		var path []string
		if u.Path != "" {
			path = strings.Split(u.Path, ".")
		}
		out, drop := prune(v, path, u)
		if drop {
			return nil
		}
		v = out
	}
	m, _ := v.(map[string]any)
	return m
}

// prune returns v without what u names below path; drop reports that v itself goes.
func prune(v any, path []string, u unheld) (out any, drop bool) {
	if len(path) == 0 {
		return v, u.If == nil || u.If(v)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return v, false
	}
	key, each := strings.CutSuffix(path[0], "[]")
	child, ok := m[key]
	if !ok {
		return v, false
	}
	cp := make(map[string]any, len(m))
	for k, x := range m {
		cp[k] = x
	}
	if each {
		list, ok := child.([]any)
		if !ok {
			return v, false
		}
		kept := []any{}
		for _, e := range list {
			if ne, d := prune(e, path[1:], u); !d {
				kept = append(kept, ne)
			}
		}
		cp[key] = kept
		return cp, false
	}
	if nc, d := prune(child, path[1:], u); d {
		delete(cp, key)
	} else {
		cp[key] = nc
	}
	return cp, false
}
