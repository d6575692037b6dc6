// Command kontor-site builds the web portal (web.Build) and writes it to a folder
// or uploads it to a deployed stack (make deploy runs the second after sam deploy):
//
//	go run ./infra/cmd/kontor-site -out DIR            # the site as files, template defaults
//	go run ./infra/cmd/kontor-site -deploy -stack kontor
//
// -deploy reads the stack's outputs SiteBucketName and DistributionId and its
// parameters TermsVersion, PrivacyNoticeVersion and OperatorDetails (the
// operator's details for the privacy notice and the imprint), uploads every file with its
// Content-Type and Cache-Control (fingerprinted assets immutable for a year, pages
// no-cache; the not-found page with its 404 as metadata), then invalidates the
// distribution's cache. Needs AWS credentials and the region (AWS_REGION or
// AWS_DEFAULT_REGION).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"kontor/infra/siteupload"
	"kontor/infra/template"
	"kontor/web"
)

func main() {
	out := flag.String("out", "", "write the built site into this folder")
	deploy := flag.Bool("deploy", false, "upload the site to the deployed stack and invalidate its distribution")
	stack := flag.String("stack", "kontor", "the deployed stack (-deploy)")
	tplPath := flag.String("template", "template.yaml", "the template whose parameter defaults -out builds with")
	flag.Parse()
	if (*out == "") == !*deploy {
		fmt.Fprintln(os.Stderr, "usage: kontor-site -out DIR | -deploy [-stack kontor]")
		os.Exit(2)
	}
	var err error
	if *deploy {
		err = upload(context.Background(), *stack)
	} else {
		err = write(*tplPath, *out)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "kontor-site:", err)
		os.Exit(1)
	}
}

func write(tplPath, dir string) error {
	tpl, err := template.Load(tplPath)
	if err != nil {
		return err
	}
	operator, err := web.ParseOperator(tpl.Parameters[web.OperatorParameter].Default)
	if err != nil {
		return err
	}
	site, err := web.Build(web.Options{TermsVersion: tpl.Parameters["TermsVersion"].Default, PrivacyVersion: tpl.Parameters["PrivacyNoticeVersion"].Default, Operator: operator})
	if err != nil {
		return err
	}
	for _, key := range site.Keys() {
		path := filepath.Join(dir, filepath.FromSlash(key))
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return err
		}
		if err := os.WriteFile(path, site.Files[key].Body, 0o600); err != nil {
			return err
		}
	}
	fmt.Printf("%d files in %s\n", len(site.Files), dir)
	return nil
}

func upload(ctx context.Context, stack string) error {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return err
	}
	st, err := siteupload.Describe(ctx, cloudformation.NewFromConfig(cfg), stack)
	if err != nil {
		return err
	}
	site, err := web.Build(st.Options())
	if err != nil {
		return err
	}
	if err := siteupload.Upload(ctx, s3.NewFromConfig(cfg), st.Bucket, site); err != nil {
		return err
	}
	fmt.Printf("%d files uploaded to s3://%s\n", len(site.Files), st.Bucket)
	id, err := siteupload.Invalidate(ctx, cloudfront.NewFromConfig(cfg), st.Distribution)
	if err != nil {
		return err
	}
	fmt.Printf("invalidation %s of distribution %s under way; the portal: %s\n", id, st.Distribution, st.SiteURL)
	return nil
}
