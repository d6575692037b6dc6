// Package siteupload puts the built portal (web.Build) into the site bucket of a
// deployed stack and clears the distribution's cache of its pages (make deploy,
// after sam deploy; docs/web.md).
package siteupload

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	cftypes "github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"kontor/web"
)

// Order lists the site's keys in the order they are uploaded: fingerprinted assets
// first, then the not-found page, then the pages, so that no page is served before
// the assets it names are in the bucket.
func Order(site *web.Site) []string {
	keys := site.Keys()
	rank := func(k string) int {
		switch {
		case strings.HasPrefix(k, "assets/"):
			return 0
		case k == web.NotFoundKey:
			return 1
		}
		return 2
	}
	sort.SliceStable(keys, func(i, j int) bool { return rank(keys[i]) < rank(keys[j]) })
	return keys
}

// Upload puts every file of the site into bucket with its Content-Type and
// Cache-Control (assets immutable for a year, pages no-cache) and, for a file
// served with another status than 200, the metadata web.StatusMetadata. Objects the
// site no longer has are left: a page cached before the upload may still name an
// old asset, and the bucket's lifecycle removes replaced versions.
func Upload(ctx context.Context, c *s3.Client, bucket string, site *web.Site) error {
	for _, key := range Order(site) {
		f := site.Files[key]
		in := &s3.PutObjectInput{
			Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(f.Body),
			ContentType: aws.String(f.ContentType), CacheControl: aws.String(f.CacheControl),
		}
		if f.Status != 0 {
			in.Metadata = map[string]string{web.StatusMetadata: strconv.Itoa(f.Status)}
		}
		if _, err := c.PutObject(ctx, in); err != nil {
			return fmt.Errorf("upload %s: %w", key, err)
		}
	}
	return nil
}

// Invalidate asks the distribution to drop what it cached (the pages; the
// fingerprinted assets never change under their names) and returns the
// invalidation's id.
func Invalidate(ctx context.Context, c *cloudfront.Client, distribution string) (string, error) {
	out, err := c.CreateInvalidation(ctx, &cloudfront.CreateInvalidationInput{
		DistributionId: aws.String(distribution),
		InvalidationBatch: &cftypes.InvalidationBatch{
			CallerReference: aws.String(fmt.Sprintf("kontor-site-%d", time.Now().UnixNano())),
			Paths:           &cftypes.Paths{Quantity: aws.Int32(1), Items: []string{"/*"}},
		},
	})
	if err != nil {
		return "", fmt.Errorf("invalidate: %w", err)
	}
	return aws.ToString(out.Invalidation.Id), nil
}

// Stack is what the upload needs from a deployed stack: its outputs SiteBucketName
// and DistributionId, and the parameters the site is built with.
type Stack struct {
	Bucket, Distribution         string
	TermsVersion, PrivacyVersion string
	SiteURL                      string
	// Operator is the parameter OperatorDetails, read (web.ParseOperator); not Set
	// when the stack leaves it empty.
	Operator web.Operator
}

// Options are what the site is built with for this stack.
func (s Stack) Options() web.Options {
	return web.Options{TermsVersion: s.TermsVersion, PrivacyVersion: s.PrivacyVersion, Operator: s.Operator}
}

// Describe reads a deployed stack's outputs and parameters.
func Describe(ctx context.Context, c *cloudformation.Client, name string) (Stack, error) {
	out, err := c.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(name)})
	if err != nil {
		return Stack{}, fmt.Errorf("describe stack %s: %w", name, err)
	}
	if len(out.Stacks) != 1 {
		return Stack{}, fmt.Errorf("stack %s: %d stacks found", name, len(out.Stacks))
	}
	st := out.Stacks[0]
	var s Stack
	var operatorErr error
	for _, o := range st.Outputs {
		switch aws.ToString(o.OutputKey) {
		case "SiteBucketName":
			s.Bucket = aws.ToString(o.OutputValue)
		case "DistributionId":
			s.Distribution = aws.ToString(o.OutputValue)
		case "SiteUrl":
			s.SiteURL = aws.ToString(o.OutputValue)
		}
	}
	for _, p := range st.Parameters {
		switch aws.ToString(p.ParameterKey) {
		case "TermsVersion":
			s.TermsVersion = aws.ToString(p.ParameterValue)
		case "PrivacyNoticeVersion":
			s.PrivacyVersion = aws.ToString(p.ParameterValue)
		case web.OperatorParameter:
			s.Operator, operatorErr = web.ParseOperator(aws.ToString(p.ParameterValue))
		}
	}
	if operatorErr != nil {
		return Stack{}, fmt.Errorf("stack %s: %w", name, operatorErr)
	}
	if s.Bucket == "" || s.Distribution == "" || s.TermsVersion == "" || s.PrivacyVersion == "" {
		return Stack{}, fmt.Errorf("stack %s lacks the output SiteBucketName or DistributionId, or the parameter TermsVersion or PrivacyNoticeVersion: deploy template.yaml first", name)
	}
	return s, nil
}
