package local

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

const storageTemplate = `
Resources:
  DocKey:
    Type: AWS::KMS::Key
    Properties:
      EnableKeyRotation: true
  DocKeyAlias:
    Type: AWS::KMS::Alias
    Properties:
      AliasName: alias/kontor-docs
      TargetKeyId: !Ref DocKey
  DocBucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketEncryption:
        ServerSideEncryptionConfiguration:
          - ServerSideEncryptionByDefault:
              SSEAlgorithm: aws:kms
              KMSMasterKeyID: !GetAtt DocKey.Arn
            BucketKeyEnabled: true
      PublicAccessBlockConfiguration:
        BlockPublicAcls: true
        BlockPublicPolicy: true
        IgnorePublicAcls: true
        RestrictPublicBuckets: true
  DocBucketPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref DocBucket
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Sid: DenyInsecureTransport
            Effect: Deny
            Principal: "*"
            Action: "s3:*"
            Resource: [!GetAtt DocBucket.Arn, !Sub "${DocBucket.Arn}/*"]
            Condition: { Bool: { "aws:SecureTransport": "false" } }
          - Sid: DenyPolicyChanges
            Effect: Deny
            Principal: "*"
            Action: "s3:DeleteBucketPolicy"
            Resource: !GetAtt DocBucket.Arn
  Things:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{ AttributeName: pk, AttributeType: S }]
      KeySchema: [{ AttributeName: pk, KeyType: HASH }]
      TimeToLiveSpecification: { AttributeName: ttl, Enabled: true }
`

// The local stack creates keys, aliases, encrypted buckets with their public access
// block and policy, and tables, all from a template, on a real moto server.
func TestStackCreatesStorageFromTheTemplate(t *testing.T) {
	if testing.Short() {
		t.Skip("starts moto server")
	}
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	moto := os.Getenv("MOTO_SERVER")
	if moto == "" {
		moto = filepath.Join(root, ".venv", "bin", "moto_server")
	}
	tplPath := filepath.Join(t.TempDir(), "template.yaml")
	if err := os.WriteFile(tplPath, []byte(storageTemplate), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := Start(ctx, Options{Root: root, Template: tplPath, APIAddr: "127.0.0.1:0", MotoAddr: "127.0.0.1:0", MotoCommand: moto})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cfg, err := s.AWSConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	keyID := s.resolver.Physical["DocKey"]
	if keyID == "" {
		t.Fatal("key id not recorded")
	}
	k := kms.NewFromConfig(cfg)
	rot, err := k.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: aws.String(keyID)})
	if err != nil || !rot.KeyRotationEnabled {
		t.Fatalf("rotation %v %v", rot, err)
	}
	aliases, err := k.ListAliases(ctx, &kms.ListAliasesInput{KeyId: aws.String(keyID)})
	if err != nil || len(aliases.Aliases) != 1 || aws.ToString(aliases.Aliases[0].AliasName) != "alias/kontor-docs" {
		t.Fatalf("aliases %+v %v", aliases, err)
	}
	c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
	bucket := aws.String(s.Name("DocBucket"))
	enc, err := c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: bucket})
	if err != nil {
		t.Fatal(err)
	}
	rule := enc.ServerSideEncryptionConfiguration.Rules[0]
	if string(rule.ApplyServerSideEncryptionByDefault.SSEAlgorithm) != "aws:kms" || !strings.HasSuffix(aws.ToString(rule.ApplyServerSideEncryptionByDefault.KMSMasterKeyID), "key/"+keyID) {
		t.Fatalf("encryption %+v", rule.ApplyServerSideEncryptionByDefault)
	}
	pab, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: bucket})
	if err != nil || !aws.ToBool(pab.PublicAccessBlockConfiguration.BlockPublicAcls) || !aws.ToBool(pab.PublicAccessBlockConfiguration.RestrictPublicBuckets) {
		t.Fatalf("public access block %+v %v", pab, err)
	}
	pol, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: bucket})
	// moto cannot evaluate conditions in bucket policies (it would deny every
	// request), so only unconditional statements reach it.
	if err != nil || strings.Contains(aws.ToString(pol.Policy), `SecureTransport`) || !strings.Contains(aws.ToString(pol.Policy), `"DenyPolicyChanges"`) || !strings.Contains(aws.ToString(pol.Policy), "arn:aws:s3:::kontor-DocBucket") {
		t.Fatalf("policy %v %v", aws.ToString(pol.Policy), err)
	}
	ttl, err := dynamodb.NewFromConfig(cfg).DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String(s.Name("Things"))})
	if err != nil || string(ttl.TimeToLiveDescription.TimeToLiveStatus) != "ENABLED" {
		t.Fatalf("ttl %+v %v", ttl, err)
	}
	resp, err := http.Get(s.APIURL + "/v1/nothing")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown route: %d", resp.StatusCode)
	}
}
