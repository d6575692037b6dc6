package siteupload

import (
	"bytes"
	"context"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cloudfronttypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"kontor/shared/dynamo/dynamotest"
	"kontor/web"
)

// The deploy step against moto: the stack's outputs and parameters are read, and
// every file of the built site lands in the bucket with its bytes, Content-Type and
// Cache-Control (assets immutable for a year, pages no-cache), the not-found page
// with its status as metadata.
func TestUploadPutsEveryFileWithItsHeaders(t *testing.T) {
	cfg := dynamotest.MotoConfig(t)
	ctx := context.Background()
	cf := cloudformation.NewFromConfig(cfg)
	createStack(t, cf, "kontor", operatorJSON)
	st, err := Describe(ctx, cf, "kontor")
	if err != nil {
		t.Fatal(err)
	}
	want := Stack{Bucket: "kontor-site-kontor", Distribution: "E2EXAMPLE", TermsVersion: "2026-03", PrivacyVersion: "2026-02", SiteURL: "https://d111111abcdef8.cloudfront.net",
		Operator: web.Operator{Name: "Beispiel GmbH", Address: []string{"Musterweg 1", "06108 Halle (Saale)"}, Email: "kontakt@example.org", Register: "Amtsgericht Stendal, HRB 00000"}}
	if !reflect.DeepEqual(st, want) {
		t.Fatalf("stack %+v", st)
	}
	if _, err := Describe(ctx, cf, "other"); err == nil {
		t.Error("a stack that does not exist was described")
	}

	site, err := web.Build(st.Options())
	if err != nil {
		t.Fatal(err)
	}
	c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	if err := Upload(ctx, c, st.Bucket, site); err != nil {
		t.Fatal(err)
	}
	list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(st.Bucket)})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(list.Contents); n != len(site.Files) {
		t.Errorf("%d objects in the bucket, the site has %d files", n, len(site.Files))
	}
	assets, pages := 0, 0
	for key, f := range site.Files {
		obj, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(st.Bucket), Key: aws.String(key)})
		if err != nil {
			t.Errorf("%s: %v", key, err)
			continue
		}
		body, err := io.ReadAll(obj.Body)
		_ = obj.Body.Close()
		if err != nil || !bytes.Equal(body, f.Body) {
			t.Errorf("%s: %d bytes stored, %d built (%v)", key, len(body), len(f.Body), err)
		}
		ct, cc := aws.ToString(obj.ContentType), aws.ToString(obj.CacheControl)
		switch {
		case strings.HasPrefix(key, "assets/"):
			assets++
			wantCT := "text/javascript; charset=utf-8"
			if strings.HasSuffix(key, ".css") {
				wantCT = "text/css; charset=utf-8"
			}
			if ct != wantCT || cc != "public, max-age=31536000, immutable" {
				t.Errorf("%s: Content-Type %q, Cache-Control %q", key, ct, cc)
			}
		default:
			pages++
			if ct != "text/html; charset=utf-8" || cc != "no-cache" {
				t.Errorf("%s: Content-Type %q, Cache-Control %q", key, ct, cc)
			}
		}
		wantStatus := ""
		if key == web.NotFoundKey {
			wantStatus = "404"
		}
		if got := obj.Metadata[web.StatusMetadata]; got != wantStatus {
			t.Errorf("%s: status metadata %q, want %q", key, got, wantStatus)
		}
	}
	if assets == 0 || pages < 2*len(web.Pages(web.Options{}))+1 {
		t.Errorf("%d assets, %d pages checked", assets, pages)
	}
	signup, _ := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(st.Bucket), Key: aws.String(web.Key("en", "signup"))})
	if signup != nil {
		b, _ := io.ReadAll(signup.Body)
		_ = signup.Body.Close()
		if !bytes.Contains(b, []byte("2026-03")) {
			t.Error("the signup page was not built with the stack's TermsVersion")
		}
	}
	// The stack's OperatorDetails reach the stored imprint and privacy notice.
	for _, page := range []string{"imprint", "privacy"} {
		obj, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(st.Bucket), Key: aws.String(web.Key("de", page))})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(obj.Body)
		_ = obj.Body.Close()
		if !bytes.Contains(b, []byte("Beispiel GmbH<br>")) || !bytes.Contains(b, []byte("06108 Halle (Saale)<br>")) || bytes.Contains(b, []byte("operator-missing")) {
			t.Errorf("the stored %s page lacks the stack's operator", page)
		}
		if page == "imprint" && !bytes.Contains(b, []byte("Amtsgericht Stendal, HRB 00000")) {
			t.Error("the stored imprint lacks the register entry")
		}
	}
}

// operatorJSON is a fictional operator as the parameter OperatorDetails carries it.
const operatorJSON = `{"name": "Beispiel GmbH", "address": ["Musterweg 1", "06108 Halle (Saale)"], "email": "kontakt@example.org", "register": "Amtsgericht Stendal, HRB 00000"}`

// A stack whose OperatorDetails the imprint cannot use is refused before anything
// is uploaded.
func TestDescribeRefusesAnIncompleteOperator(t *testing.T) {
	cf := cloudformation.NewFromConfig(dynamotest.MotoConfig(t))
	ctx := context.Background()
	createStack(t, cf, "incomplete", `{"name": "Beispiel GmbH"}`)
	if _, err := Describe(ctx, cf, "incomplete"); err == nil || !strings.Contains(err.Error(), "address, email missing") {
		t.Errorf("an operator without address and email: %v", err)
	}
}

// Assets go up before the pages that name them.
func TestOrderPutsAssetsFirst(t *testing.T) {
	site := &web.Site{Files: map[string]web.File{"de/index.html": {}, "assets/a-1.js": {}, web.NotFoundKey: {}, "assets/b-2.css": {}, "en/login.html": {}}}
	got := strings.Join(Order(site), " ")
	if want := "assets/a-1.js assets/b-2.css 404.html de/index.html en/login.html"; got != want {
		t.Errorf("order %s, want %s", got, want)
	}
}

// The invalidation asks the distribution for every path.
func TestInvalidateAsksForEveryPath(t *testing.T) {
	cfg := dynamotest.MotoConfig(t)
	ctx := context.Background()
	c := cloudfront.NewFromConfig(cfg)
	d, err := c.CreateDistribution(ctx, &cloudfront.CreateDistributionInput{DistributionConfig: &cloudfronttypes.DistributionConfig{
		CallerReference: aws.String("test"), Comment: aws.String("test"), Enabled: aws.Bool(true),
		Origins: &cloudfronttypes.Origins{Quantity: aws.Int32(1), Items: []cloudfronttypes.Origin{{Id: aws.String("site"),
			DomainName: aws.String("kontor-site-test.s3.eu-central-1.amazonaws.com"), S3OriginConfig: &cloudfronttypes.S3OriginConfig{OriginAccessIdentity: aws.String("")}}}},
		DefaultCacheBehavior: &cloudfronttypes.DefaultCacheBehavior{TargetOriginId: aws.String("site"), ViewerProtocolPolicy: cloudfronttypes.ViewerProtocolPolicyRedirectToHttps,
			CachePolicyId: aws.String("658327ea-f89d-4fab-a63d-7e88639e58f6")},
	}})
	if err != nil {
		t.Fatal(err)
	}
	dist := d.Distribution.Id
	id, err := Invalidate(ctx, c, aws.ToString(dist))
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.GetInvalidation(ctx, &cloudfront.GetInvalidationInput{DistributionId: dist, Id: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	if p := got.Invalidation.InvalidationBatch.Paths; p == nil || len(p.Items) != 1 || p.Items[0] != "/*" {
		t.Errorf("invalidated %+v", p)
	}
}

// createStack makes, in moto, a stack named name with the outputs and parameters the
// upload reads (TermsVersion 2026-03, PrivacyNoticeVersion 2026-02) and operator as
// its OperatorDetails; its bucket is kontor-site-<name>.
func createStack(t *testing.T, cf *cloudformation.Client, name, operator string) {
	t.Helper()
	stackTemplate := `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  TermsVersion: {Type: String}
  PrivacyNoticeVersion: {Type: String}
  OperatorDetails: {Type: String, Default: ""}
Resources:
  SiteBucket:
    Type: AWS::S3::Bucket
    Properties: {BucketName: kontor-site-` + name + `}
Outputs:
  SiteBucketName: {Value: !Ref SiteBucket}
  DistributionId: {Value: E2EXAMPLE}
  SiteUrl: {Value: "https://d111111abcdef8.cloudfront.net"}
`
	if _, err := cf.CreateStack(context.Background(), &cloudformation.CreateStackInput{StackName: aws.String(name), TemplateBody: aws.String(stackTemplate),
		Parameters: []cftypes.Parameter{{ParameterKey: aws.String("TermsVersion"), ParameterValue: aws.String("2026-03")},
			{ParameterKey: aws.String("PrivacyNoticeVersion"), ParameterValue: aws.String("2026-02")},
			{ParameterKey: aws.String(web.OperatorParameter), ParameterValue: aws.String(operator)}}}); err != nil {
		t.Fatal(err)
	}
}
