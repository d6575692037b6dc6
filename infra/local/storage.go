package local

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"gopkg.in/yaml.v3"

	"kontor/infra/template"
)

// createKeys creates every AWS::KMS::Key (with rotation as declared) and
// AWS::KMS::Alias, and records each key's id so references to it resolve.
func createKeys(ctx context.Context, cfg aws.Config, tpl *template.Template, r *template.Resolver) error {
	c := kms.NewFromConfig(cfg)
	for _, id := range tpl.OfType("AWS::KMS::Key") {
		props := tpl.Properties(id)
		out, err := c.CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String("kontor local " + id)})
		if err != nil {
			return fmt.Errorf("create key %s: %w", id, err)
		}
		keyID := aws.ToString(out.KeyMetadata.KeyId)
		if r.Physical == nil {
			r.Physical = map[string]string{}
		}
		r.Physical[id] = keyID
		if b := scalar(props, "EnableKeyRotation"); b == "true" {
			if _, err := c.EnableKeyRotation(ctx, &kms.EnableKeyRotationInput{KeyId: aws.String(keyID)}); err != nil {
				return fmt.Errorf("enable rotation of %s: %w", id, err)
			}
		}
	}
	for _, id := range tpl.OfType("AWS::KMS::Alias") {
		props := tpl.Properties(id)
		name, err := r.Value(child(props, "AliasName"))
		if err != nil {
			return err
		}
		target, err := r.Value(child(props, "TargetKeyId"))
		if err != nil {
			return err
		}
		if _, err := c.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String(name), TargetKeyId: aws.String(target)}); err != nil {
			return fmt.Errorf("create alias %s: %w", id, err)
		}
	}
	return nil
}

// createBuckets creates every AWS::S3::Bucket with its default encryption and public
// access block, then applies every AWS::S3::BucketPolicy.
func createBuckets(ctx context.Context, cfg aws.Config, tpl *template.Template, r template.Resolver) error {
	c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	for _, id := range tpl.OfType("AWS::S3::Bucket") {
		name := r.Name(id)
		props := tpl.Properties(id)
		_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name),
			CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(Region)}})
		if err != nil {
			return fmt.Errorf("create bucket %s: %w", id, err)
		}
		for _, rule := range seqOf(child(child(props, "BucketEncryption"), "ServerSideEncryptionConfiguration")) {
			def := child(rule, "ServerSideEncryptionByDefault")
			key, err := r.Value(child(def, "KMSMasterKeyID"))
			if err != nil {
				return err
			}
			enc := &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryption(scalar(def, "SSEAlgorithm"))}
			if key != "" {
				enc.KMSMasterKeyID = aws.String(key)
			}
			_, err = c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String(name),
				ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
					ApplyServerSideEncryptionByDefault: enc, BucketKeyEnabled: aws.Bool(scalar(rule, "BucketKeyEnabled") == "true"),
				}}}})
			if err != nil {
				return fmt.Errorf("encrypt bucket %s: %w", id, err)
			}
		}
		if pab := child(props, "PublicAccessBlockConfiguration"); pab != nil {
			_, err := c.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String(name),
				PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
					BlockPublicAcls: aws.Bool(scalar(pab, "BlockPublicAcls") == "true"), BlockPublicPolicy: aws.Bool(scalar(pab, "BlockPublicPolicy") == "true"),
					IgnorePublicAcls: aws.Bool(scalar(pab, "IgnorePublicAcls") == "true"), RestrictPublicBuckets: aws.Bool(scalar(pab, "RestrictPublicBuckets") == "true"),
				}})
			if err != nil {
				return fmt.Errorf("block public access on %s: %w", id, err)
			}
		}
	}
	for _, id := range tpl.OfType("AWS::S3::BucketPolicy") {
		props := tpl.Properties(id)
		bucket, err := r.Value(child(props, "Bucket"))
		if err != nil {
			return err
		}
		doc, err := r.Tree(child(props, "PolicyDocument"))
		if err != nil {
			return fmt.Errorf("policy %s: %w", id, err)
		}
		doc, kept := withoutConditions(doc)
		if kept == 0 {
			continue
		}
		b, err := json.Marshal(doc)
		if err != nil {
			return err
		}
		if _, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(string(b))}); err != nil {
			return fmt.Errorf("put policy %s: %w", id, err)
		}
	}
	return nil
}

// withoutConditions drops the statements that carry a Condition and returns how
// many remain. moto evaluates a bucket policy on every object request but passes no
// request context to it (moto/iam/access_control.py, _check_conditions), so a
// conditional statement such as "deny unless aws:SecureTransport" evaluates as
// DENIED for every request, TLS or not, and an emulated bucket with the deployed
// policy would refuse all object access. The deployed policy is the template's,
// checked statically by infra/template's tests; the unconditional statements are
// applied and enforced by moto as in AWS.
func withoutConditions(doc any) (any, int) {
	m, ok := doc.(map[string]any)
	if !ok {
		return doc, 1
	}
	sts, ok := m["Statement"].([]any)
	if !ok {
		return doc, 1
	}
	kept := []any{}
	for _, st := range sts {
		if sm, ok := st.(map[string]any); ok && sm["Condition"] != nil {
			continue
		}
		kept = append(kept, st)
	}
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	out["Statement"] = kept
	return out, len(kept)
}

func child(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func scalar(n *yaml.Node, key string) string {
	if c := child(n, key); c != nil && c.Kind == yaml.ScalarNode {
		return c.Value
	}
	return ""
}

func seqOf(n *yaml.Node) []*yaml.Node {
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}
