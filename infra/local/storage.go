package local

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"kontor/infra/template"
)

// createKeys creates every AWS::KMS::Key (description, key policy, usage, spec,
// tags, rotation, enabled state) and AWS::KMS::Alias, and records each key's id so
// references to it resolve.
func createKeys(ctx context.Context, cfg aws.Config, tpl *template.Template, r *template.Resolver) error {
	c := kms.NewFromConfig(cfg)
	for _, id := range tpl.OfType("AWS::KMS::Key") {
		p, err := resolvedProperties(tpl, *r, id)
		if err != nil {
			return err
		}
		in := &kms.CreateKeyInput{Description: optText(p, "Description"), MultiRegion: flag(p, "MultiRegion")}
		if v := text(p, "KeyUsage"); v != "" {
			in.KeyUsage = kmstypes.KeyUsageType(v)
		}
		if v := text(p, "KeySpec"); v != "" {
			in.KeySpec = kmstypes.KeySpec(v)
		}
		if pol, ok := p["KeyPolicy"]; ok {
			doc, ok := pol.(string)
			if !ok {
				b, err := json.Marshal(pol)
				if err != nil {
					return fmt.Errorf("key %s policy: %w", id, err)
				}
				doc = string(b)
			}
			in.Policy = aws.String(doc)
		}
		for _, t := range maps(p, "Tags") {
			in.Tags = append(in.Tags, kmstypes.Tag{TagKey: aws.String(text(t, "Key")), TagValue: aws.String(text(t, "Value"))})
		}
		out, err := c.CreateKey(ctx, in)
		if err != nil {
			return fmt.Errorf("create key %s: %w", id, err)
		}
		keyID := aws.ToString(out.KeyMetadata.KeyId)
		if r.Physical == nil {
			r.Physical = map[string]string{}
		}
		r.Physical[id] = keyID
		if isTrue(flag(p, "EnableKeyRotation")) {
			if _, err := c.EnableKeyRotation(ctx, &kms.EnableKeyRotationInput{KeyId: aws.String(keyID)}); err != nil {
				return fmt.Errorf("enable rotation of %s: %w", id, err)
			}
		}
		if e := flag(p, "Enabled"); e != nil && !*e {
			if _, err := c.DisableKey(ctx, &kms.DisableKeyInput{KeyId: aws.String(keyID)}); err != nil {
				return fmt.Errorf("disable key %s: %w", id, err)
			}
		}
	}
	for _, id := range tpl.OfType("AWS::KMS::Alias") {
		p, err := resolvedProperties(tpl, *r, id)
		if err != nil {
			return err
		}
		if _, err := c.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String(text(p, "AliasName")), TargetKeyId: aws.String(text(p, "TargetKeyId"))}); err != nil {
			return fmt.Errorf("create alias %s: %w", id, err)
		}
	}
	return nil
}

// createBuckets creates every AWS::S3::Bucket with its default encryption, public
// access block, ownership controls, lifecycle rules, CORS rules, versioning and tags,
// then applies every AWS::S3::BucketPolicy (the statements moto can evaluate).
func createBuckets(ctx context.Context, cfg aws.Config, tpl *template.Template, r template.Resolver) error {
	c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	for _, id := range tpl.OfType("AWS::S3::Bucket") {
		p, err := resolvedProperties(tpl, r, id)
		if err != nil {
			return err
		}
		if err := createBucket(ctx, c, p, r.Name(id)); err != nil {
			return fmt.Errorf("bucket %s: %w", id, err)
		}
	}
	for _, id := range tpl.OfType("AWS::S3::BucketPolicy") {
		p, err := resolvedProperties(tpl, r, id)
		if err != nil {
			return err
		}
		if p == nil {
			continue // nothing moto can hold (notHeld)
		}
		b, err := json.Marshal(p["PolicyDocument"])
		if err != nil {
			return err
		}
		if _, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(text(p, "Bucket")), Policy: aws.String(string(b))}); err != nil {
			return fmt.Errorf("put policy %s: %w", id, err)
		}
	}
	return nil
}

func createBucket(ctx context.Context, c *s3.Client, p tree, name string) error {
	bucket := aws.String(name)
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: bucket,
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(Region)}})
	if err != nil {
		return fmt.Errorf("create: %w", err)
	}
	if rules := maps(sub(p, "BucketEncryption"), "ServerSideEncryptionConfiguration"); len(rules) > 0 {
		conf := &s3types.ServerSideEncryptionConfiguration{}
		for _, rule := range rules {
			def := sub(rule, "ServerSideEncryptionByDefault")
			conf.Rules = append(conf.Rules, s3types.ServerSideEncryptionRule{
				ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{
					SSEAlgorithm: s3types.ServerSideEncryption(text(def, "SSEAlgorithm")), KMSMasterKeyID: optText(def, "KMSMasterKeyID"),
				},
				BucketKeyEnabled: flag(rule, "BucketKeyEnabled"),
			})
		}
		if _, err := c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: bucket, ServerSideEncryptionConfiguration: conf}); err != nil {
			return fmt.Errorf("encryption: %w", err)
		}
	}
	if pab := sub(p, "PublicAccessBlockConfiguration"); pab != nil {
		_, err := c.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: bucket,
			PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
				BlockPublicAcls: flag(pab, "BlockPublicAcls"), BlockPublicPolicy: flag(pab, "BlockPublicPolicy"),
				IgnorePublicAcls: flag(pab, "IgnorePublicAcls"), RestrictPublicBuckets: flag(pab, "RestrictPublicBuckets"),
			}})
		if err != nil {
			return fmt.Errorf("public access block: %w", err)
		}
	}
	if rules := maps(sub(p, "OwnershipControls"), "Rules"); len(rules) > 0 {
		oc := &s3types.OwnershipControls{}
		for _, rule := range rules {
			oc.Rules = append(oc.Rules, s3types.OwnershipControlsRule{ObjectOwnership: s3types.ObjectOwnership(text(rule, "ObjectOwnership"))})
		}
		if _, err := c.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{Bucket: bucket, OwnershipControls: oc}); err != nil {
			return fmt.Errorf("ownership controls: %w", err)
		}
	}
	if rules := maps(sub(p, "LifecycleConfiguration"), "Rules"); len(rules) > 0 {
		lc := &s3types.BucketLifecycleConfiguration{}
		for _, rule := range rules {
			lr, err := lifecycleRule(rule)
			if err != nil {
				return err
			}
			lc.Rules = append(lc.Rules, lr)
		}
		if _, err := c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: bucket, LifecycleConfiguration: lc}); err != nil {
			return fmt.Errorf("lifecycle: %w", err)
		}
	}
	if rules := maps(sub(p, "CorsConfiguration"), "CorsRules"); len(rules) > 0 {
		cors := &s3types.CORSConfiguration{}
		for _, rule := range rules {
			cors.CORSRules = append(cors.CORSRules, s3types.CORSRule{
				ID: optText(rule, "Id"), AllowedOrigins: texts(rule, "AllowedOrigins"), AllowedMethods: texts(rule, "AllowedMethods"),
				AllowedHeaders: texts(rule, "AllowedHeaders"), ExposeHeaders: texts(rule, "ExposedHeaders"), MaxAgeSeconds: number(rule, "MaxAge"),
			})
		}
		if _, err := c.PutBucketCors(ctx, &s3.PutBucketCorsInput{Bucket: bucket, CORSConfiguration: cors}); err != nil {
			return fmt.Errorf("cors: %w", err)
		}
	}
	if v := sub(p, "VersioningConfiguration"); v != nil {
		_, err := c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: bucket,
			VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatus(text(v, "Status"))}})
		if err != nil {
			return fmt.Errorf("versioning: %w", err)
		}
	}
	if tags := maps(p, "Tags"); len(tags) > 0 {
		t := &s3types.Tagging{}
		for _, tag := range tags {
			t.TagSet = append(t.TagSet, s3types.Tag{Key: aws.String(text(tag, "Key")), Value: aws.String(text(tag, "Value"))})
		}
		if _, err := c.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{Bucket: bucket, Tagging: t}); err != nil {
			return fmt.Errorf("tags: %w", err)
		}
	}
	return nil
}

// lifecycleRule turns a CloudFormation lifecycle rule into the API's: Prefix and
// TagFilters become the rule's filter, ExpirationInDays/ExpirationDate/
// ExpiredObjectDeleteMarker its expiration, Transition(s) with TransitionInDays/
// TransitionDate its transitions.
func lifecycleRule(r tree) (s3types.LifecycleRule, error) {
	rule := s3types.LifecycleRule{ID: optText(r, "Id"), Status: s3types.ExpirationStatus(text(r, "Status"))}
	prefix := optText(r, "Prefix")
	var tags []s3types.Tag
	for _, t := range maps(r, "TagFilters") {
		tags = append(tags, s3types.Tag{Key: aws.String(text(t, "Key")), Value: aws.String(text(t, "Value"))})
	}
	f := &s3types.LifecycleRuleFilter{}
	switch {
	case len(tags) == 0:
		f.Prefix = prefix
	case len(tags) == 1 && prefix == nil:
		f.Tag = &tags[0]
	default:
		f.And = &s3types.LifecycleRuleAndOperator{Prefix: prefix, Tags: tags}
	}
	rule.Filter = f
	exp := &s3types.LifecycleExpiration{Days: number(r, "ExpirationInDays"), ExpiredObjectDeleteMarker: flag(r, "ExpiredObjectDeleteMarker")}
	if d := text(r, "ExpirationDate"); d != "" {
		t, err := time.Parse(time.RFC3339, d)
		if err != nil {
			return rule, fmt.Errorf("lifecycle rule %s: ExpirationDate: %w", text(r, "Id"), err)
		}
		exp.Date = &t
	}
	if exp.Days != nil || exp.Date != nil || exp.ExpiredObjectDeleteMarker != nil {
		rule.Expiration = exp
	}
	if a := sub(r, "AbortIncompleteMultipartUpload"); a != nil {
		rule.AbortIncompleteMultipartUpload = &s3types.AbortIncompleteMultipartUpload{DaysAfterInitiation: number(a, "DaysAfterInitiation")}
	}
	if n := sub(r, "NoncurrentVersionExpiration"); n != nil {
		rule.NoncurrentVersionExpiration = &s3types.NoncurrentVersionExpiration{NoncurrentDays: number(n, "NoncurrentDays"), NewerNoncurrentVersions: number(n, "NewerNoncurrentVersions")}
	} else if d := number(r, "NoncurrentVersionExpirationInDays"); d != nil {
		rule.NoncurrentVersionExpiration = &s3types.NoncurrentVersionExpiration{NoncurrentDays: d}
	}
	transitions := maps(r, "Transitions")
	if t := sub(r, "Transition"); t != nil {
		transitions = append(transitions, t)
	}
	for _, t := range transitions {
		tr := s3types.Transition{StorageClass: s3types.TransitionStorageClass(text(t, "StorageClass")), Days: number(t, "TransitionInDays")}
		if d := text(t, "TransitionDate"); d != "" {
			at, err := time.Parse(time.RFC3339, d)
			if err != nil {
				return rule, fmt.Errorf("lifecycle rule %s: TransitionDate: %w", text(r, "Id"), err)
			}
			tr.Date = &at
		}
		rule.Transitions = append(rule.Transitions, tr)
	}
	nvts := maps(r, "NoncurrentVersionTransitions")
	if t := sub(r, "NoncurrentVersionTransition"); t != nil {
		nvts = append(nvts, t)
	}
	for _, t := range nvts {
		rule.NoncurrentVersionTransitions = append(rule.NoncurrentVersionTransitions, s3types.NoncurrentVersionTransition{
			StorageClass: s3types.TransitionStorageClass(text(t, "StorageClass")), NoncurrentDays: number(t, "TransitionInDays"),
			NewerNoncurrentVersions: number(t, "NewerNoncurrentVersions"),
		})
	}
	return rule, nil
}
