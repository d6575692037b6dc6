package local

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"gopkg.in/yaml.v3"

	"kontor/infra/template"
)

// Everything template.yaml states about a resource the local stack creates reaches
// the emulator: each stated property of each resource is compared with what moto
// reports for it, unless notHeld lists it with the reason. A property added to the
// template fails here until the stack applies it or notHeld lists it.
func TestEmulatorHoldsTheTemplate(t *testing.T) {
	if testing.Short() {
		t.Skip("starts moto server")
	}
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	for _, p := range emulatorHolds(t, filepath.Join(root, "template.yaml")) {
		t.Error(p)
	}
}

// Properties template.yaml does not state yet are applied and compared the same way
// (a lifecycle rule with a prefix filter and an expiration, versioning, tags, local
// indexes, a customer-managed key given by ARN, …); listed ones are left out; an
// unknown one is reported.
func TestEmulatorHoldsMoreThanTheTemplateUses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts moto server")
	}
	path := filepath.Join(t.TempDir(), "template.yaml")
	if err := os.WriteFile(path, []byte(richTemplate), 0o644); err != nil {
		t.Fatal(err)
	}
	var unexpected []string
	unknown := false
	for _, p := range emulatorHolds(t, path) {
		if strings.HasPrefix(p, "Things.FutureProperty:") && strings.Contains(p, "not held") {
			unknown = true
			continue
		}
		unexpected = append(unexpected, p)
	}
	for _, p := range unexpected {
		t.Error(p)
	}
	if !unknown {
		t.Error("a property neither applied nor listed in notHeld was not reported")
	}
}

// Every entry of notHeld names a resource type the stack creates and says why.
func TestNotHeldEntriesAreExplained(t *testing.T) {
	for _, u := range notHeld {
		if observers[u.Type] == nil {
			t.Errorf("notHeld entry %s %s: the stack does not create %s", u.Type, u.Path, u.Type)
		}
		if len(u.Why) < 40 {
			t.Errorf("notHeld entry %s %s: no reason given", u.Type, u.Path)
		}
	}
	for typ := range notCreated {
		if observers[typ] != nil {
			t.Errorf("%s is both created and listed as not created", typ)
		}
	}
}

// emulatorHolds creates the resources of a template in a fresh moto and returns
// every difference between what the template states and what moto reports.
func emulatorHolds(t *testing.T, tplPath string) []string {
	t.Helper()
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	moto := os.Getenv("MOTO_SERVER")
	if moto == "" {
		moto = filepath.Join(root, ".venv", "bin", "moto_server")
	}
	tpl, err := template.Load(tplPath)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s := &Stack{tpl: tpl, root: root, logs: io.Discard, Region: Region, stopSch: make(chan struct{})}
	s.resolver = template.Resolver{T: tpl, Stack: "kontor", Region: Region, Account: Account, Parameters: Parameters(tpl, nil)}
	defer s.Close()
	if err := s.startEmulator(ctx, Options{MotoAddr: "127.0.0.1:0", MotoCommand: moto}); err != nil {
		t.Fatal(err)
	}
	cfg, err := s.AWSConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := createResources(ctx, cfg, tpl, &s.resolver, Secrets(tpl)); err != nil {
		t.Fatal(err)
	}
	c := &clients{db: dynamodb.NewFromConfig(cfg), kms: kms.NewFromConfig(cfg), s3: s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }), sqs: sqs.NewFromConfig(cfg)}
	canon := func(v string) string {
		for _, id := range s.resolver.Physical {
			if v == id {
				return keyARN(s.resolver, id)
			}
		}
		return v
	}
	var problems []string
	resources, values := 0, 0
	for _, id := range resourceIDs(t, tplPath) {
		typ := tpl.Type(id)
		if _, ok := notCreated[typ]; ok {
			continue
		}
		observe := observers[typ]
		if observe == nil {
			problems = append(problems, fmt.Sprintf("%s: the local stack creates no %s (create it, or list the type in notCreated)", id, typ))
			continue
		}
		want, err := resolvedProperties(tpl, s.resolver, id)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := s.resolver.Tree(tpl.Properties(id))
		got, err := observe(ctx, c, s.resolver, id, raw.(map[string]any))
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", id, err))
			continue
		}
		if want == nil {
			if len(got) > 0 {
				problems = append(problems, fmt.Sprintf("%s: nothing of it can be held, yet the emulator has %v", id, got))
			}
			continue
		}
		resources++
		values += leaves(want)
		problems = append(problems, differences(id, want, got, canon)...)
	}
	if resources == 0 {
		problems = append(problems, "no resource compared")
	}
	t.Logf("%d stated values of %d resources compared with the emulator", values, resources)
	return problems
}

func leaves(v any) int {
	switch x := v.(type) {
	case map[string]any:
		n := 0
		for _, c := range x {
			n += leaves(c)
		}
		return n
	case []any:
		n := 0
		for _, c := range x {
			n += leaves(c)
		}
		return n
	}
	return 1
}

// differences compares every leaf the template states with the emulator's value at
// the same path; lists must have the same length.
func differences(path string, want, got any, canon func(string) string) []string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: stated in the template, not held by the emulator (it reports %v): apply it, or list it in notHeld", path, got)}
		}
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var out []string
		for _, k := range keys {
			out = append(out, differences(path+"."+k, w[k], g[k], canon)...)
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return []string{fmt.Sprintf("%s: the template states %d elements, the emulator holds %v", path, len(w), got)}
		}
		var out []string
		for i := range w {
			out = append(out, differences(fmt.Sprintf("%s[%d]", path, i), w[i], g[i], canon)...)
		}
		return out
	}
	if got == nil {
		return []string{fmt.Sprintf("%s: stated in the template (%v), not held by the emulator: apply it, or list it in notHeld", path, want)}
	}
	if canon(fmt.Sprint(want)) != canon(fmt.Sprint(got)) {
		return []string{fmt.Sprintf("%s: the template states %v, the emulator holds %v", path, want, got)}
	}
	return nil
}

type clients struct {
	db  *dynamodb.Client
	kms *kms.Client
	s3  *s3.Client
	sqs *sqs.Client
}

// resourceIDs lists the logical ids of a template's resources, in template order.
func resourceIDs(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Resources yaml.Node `yaml:"Resources"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := 0; i+1 < len(doc.Resources.Content); i += 2 {
		ids = append(ids, doc.Resources.Content[i].Value)
	}
	return ids
}

// observer reads a resource back from the emulator and renders it in the template's
// terms (CloudFormation property names and shapes); props are the resource's
// resolved properties, as stated.
type observer func(ctx context.Context, c *clients, r template.Resolver, id string, props tree) (tree, error)

var observers = map[string]observer{
	"AWS::SQS::Queue": func(ctx context.Context, c *clients, r template.Resolver, id string, _ tree) (tree, error) {
		// The queue's properties are named as the SQS API's attributes.
		out, err := c.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(r.Physical[id]), AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameAll}})
		if err != nil {
			return nil, err
		}
		o := tree{}
		for k, v := range out.Attributes {
			o[k] = v
		}
		return o, nil
	},
	"AWS::DynamoDB::Table": observeTable,
	"AWS::S3::Bucket":      observeBucket,
	"AWS::KMS::Key":        observeKey,
	"AWS::S3::BucketPolicy": func(ctx context.Context, c *clients, _ template.Resolver, _ string, props tree) (tree, error) {
		out, err := c.s3.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(text(props, "Bucket"))})
		var none interface{ ErrorCode() string }
		if errors.As(err, &none) && none.ErrorCode() == "NoSuchBucketPolicy" {
			return tree{}, nil
		}
		if err != nil {
			return nil, err
		}
		var doc any
		if err := json.Unmarshal([]byte(aws.ToString(out.Policy)), &doc); err != nil {
			return nil, err
		}
		return tree{"Bucket": text(props, "Bucket"), "PolicyDocument": doc}, nil
	},
	"AWS::KMS::Alias": func(ctx context.Context, c *clients, _ template.Resolver, _ string, props tree) (tree, error) {
		out, err := c.kms.ListAliases(ctx, &kms.ListAliasesInput{})
		if err != nil {
			return nil, err
		}
		for _, a := range out.Aliases {
			if aws.ToString(a.AliasName) == text(props, "AliasName") {
				return tree{"AliasName": aws.ToString(a.AliasName), "TargetKeyId": aws.ToString(a.TargetKeyId)}, nil
			}
		}
		return tree{}, nil
	},
}

func observeKey(ctx context.Context, c *clients, r template.Resolver, id string, _ tree) (tree, error) {
	key := aws.String(r.Physical[id])
	d, err := c.kms.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: key})
	if err != nil {
		return nil, err
	}
	m := d.KeyMetadata
	o := tree{"Description": aws.ToString(m.Description), "Enabled": m.Enabled, "KeySpec": string(m.KeySpec),
		"KeyUsage": string(m.KeyUsage), "MultiRegion": aws.ToBool(m.MultiRegion), "Origin": string(m.Origin)}
	rot, err := c.kms.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: key})
	if err != nil {
		return nil, err
	}
	o["EnableKeyRotation"] = rot.KeyRotationEnabled
	// moto insists on the policy name AWS defaults to (moto/kms/responses.py, _assert_default_policy).
	pol, err := c.kms.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: key, PolicyName: aws.String("default")})
	if err != nil {
		return nil, err
	}
	var doc any
	if err := json.Unmarshal([]byte(aws.ToString(pol.Policy)), &doc); err != nil {
		return nil, fmt.Errorf("key policy: %w", err)
	}
	o["KeyPolicy"] = doc
	tags, err := c.kms.ListResourceTags(ctx, &kms.ListResourceTagsInput{KeyId: key})
	if err != nil {
		return nil, err
	}
	var tl []any
	for _, tag := range tags.Tags {
		tl = append(tl, tree{"Key": aws.ToString(tag.TagKey), "Value": aws.ToString(tag.TagValue)})
	}
	o["Tags"] = tl
	return o, nil
}

func observeTable(ctx context.Context, c *clients, r template.Resolver, id string, _ tree) (tree, error) {
	name := r.Name(id)
	d, err := c.db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)})
	if err != nil {
		return nil, err
	}
	tb := d.Table
	o := tree{"TableName": name, "AttributeDefinitions": toTree(tb.AttributeDefinitions), "KeySchema": toTree(tb.KeySchema),
		"DeletionProtectionEnabled": aws.ToBool(tb.DeletionProtectionEnabled)}
	if tb.BillingModeSummary != nil {
		o["BillingMode"] = string(tb.BillingModeSummary.BillingMode)
	}
	if p := tb.ProvisionedThroughput; p != nil {
		o["ProvisionedThroughput"] = tree{"ReadCapacityUnits": aws.ToInt64(p.ReadCapacityUnits), "WriteCapacityUnits": aws.ToInt64(p.WriteCapacityUnits)}
	}
	var gsis, lsis []any
	for _, g := range tb.GlobalSecondaryIndexes {
		gsis = append(gsis, tree{"IndexName": aws.ToString(g.IndexName), "KeySchema": toTree(g.KeySchema), "Projection": toTree(g.Projection)})
	}
	for _, l := range tb.LocalSecondaryIndexes {
		lsis = append(lsis, tree{"IndexName": aws.ToString(l.IndexName), "KeySchema": toTree(l.KeySchema), "Projection": toTree(l.Projection)})
	}
	o["GlobalSecondaryIndexes"], o["LocalSecondaryIndexes"] = gsis, lsis
	if s := tb.StreamSpecification; s != nil && aws.ToBool(s.StreamEnabled) {
		o["StreamSpecification"] = tree{"StreamViewType": string(s.StreamViewType)}
	}
	sse := tree{"SSEEnabled": false}
	if e := tb.SSEDescription; e != nil && (e.Status == ddbtypes.SSEStatusEnabled || e.Status == ddbtypes.SSEStatusEnabling) {
		sse = tree{"SSEEnabled": true, "SSEType": string(e.SSEType), "KMSMasterKeyId": aws.ToString(e.KMSMasterKeyArn)}
	}
	o["SSESpecification"] = sse
	ttl, err := c.db.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String(name)})
	if err != nil {
		return nil, err
	}
	if d := ttl.TimeToLiveDescription; d != nil {
		o["TimeToLiveSpecification"] = tree{"AttributeName": aws.ToString(d.AttributeName), "Enabled": d.TimeToLiveStatus == ddbtypes.TimeToLiveStatusEnabled}
	}
	cb, err := c.db.DescribeContinuousBackups(ctx, &dynamodb.DescribeContinuousBackupsInput{TableName: aws.String(name)})
	if err != nil {
		return nil, err
	}
	if p := cb.ContinuousBackupsDescription.PointInTimeRecoveryDescription; p != nil {
		pitr := tree{"PointInTimeRecoveryEnabled": p.PointInTimeRecoveryStatus == ddbtypes.PointInTimeRecoveryStatusEnabled}
		if p.RecoveryPeriodInDays != nil {
			pitr["RecoveryPeriodInDays"] = *p.RecoveryPeriodInDays
		}
		o["PointInTimeRecoverySpecification"] = pitr
	}
	tags, err := c.db.ListTagsOfResource(ctx, &dynamodb.ListTagsOfResourceInput{ResourceArn: tb.TableArn})
	if err != nil {
		return nil, err
	}
	o["Tags"] = toTree(tags.Tags)
	return o, nil
}

func observeBucket(ctx context.Context, c *clients, r template.Resolver, id string, _ tree) (tree, error) {
	name := r.Name(id)
	b := aws.String(name)
	o := tree{"BucketName": name}
	if enc, err := c.s3.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: b}); err == nil {
		var rules []any
		for _, r := range enc.ServerSideEncryptionConfiguration.Rules {
			rule := tree{"BucketKeyEnabled": aws.ToBool(r.BucketKeyEnabled)}
			if d := r.ApplyServerSideEncryptionByDefault; d != nil {
				def := tree{"SSEAlgorithm": string(d.SSEAlgorithm)}
				if d.KMSMasterKeyID != nil {
					def["KMSMasterKeyID"] = *d.KMSMasterKeyID
				}
				rule["ServerSideEncryptionByDefault"] = def
			}
			rules = append(rules, rule)
		}
		o["BucketEncryption"] = tree{"ServerSideEncryptionConfiguration": rules}
	}
	if pab, err := c.s3.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b}); err == nil {
		o["PublicAccessBlockConfiguration"] = toTree(pab.PublicAccessBlockConfiguration)
	}
	if own, err := c.s3.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: b}); err == nil {
		o["OwnershipControls"] = toTree(own.OwnershipControls)
	}
	if lc, err := c.s3.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: b}); err == nil {
		var rules []any
		for _, r := range lc.Rules {
			rules = append(rules, cfnLifecycleRule(r))
		}
		o["LifecycleConfiguration"] = tree{"Rules": rules}
	}
	if cors, err := c.s3.GetBucketCors(ctx, &s3.GetBucketCorsInput{Bucket: b}); err == nil {
		var rules []any
		for _, r := range cors.CORSRules {
			rule := tree{"AllowedOrigins": toTree(r.AllowedOrigins), "AllowedMethods": toTree(r.AllowedMethods),
				"AllowedHeaders": toTree(r.AllowedHeaders), "ExposedHeaders": toTree(r.ExposeHeaders)}
			if r.ID != nil {
				rule["Id"] = *r.ID
			}
			if r.MaxAgeSeconds != nil {
				rule["MaxAge"] = *r.MaxAgeSeconds
			}
			rules = append(rules, rule)
		}
		o["CorsConfiguration"] = tree{"CorsRules": rules}
	}
	if v, err := c.s3.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: b}); err == nil && v.Status != "" {
		o["VersioningConfiguration"] = tree{"Status": string(v.Status)}
	}
	if tags, err := c.s3.GetBucketTagging(ctx, &s3.GetBucketTaggingInput{Bucket: b}); err == nil {
		o["Tags"] = toTree(tags.TagSet)
	}
	return o, nil
}

// cfnLifecycleRule renders an API lifecycle rule in CloudFormation's terms.
func cfnLifecycleRule(r s3types.LifecycleRule) tree {
	o := tree{"Status": string(r.Status)}
	if r.ID != nil {
		o["Id"] = *r.ID
	}
	var tags []s3types.Tag
	if f := r.Filter; f != nil {
		if f.Prefix != nil {
			o["Prefix"] = *f.Prefix
		}
		if f.Tag != nil {
			tags = append(tags, *f.Tag)
		}
		if a := f.And; a != nil {
			if a.Prefix != nil {
				o["Prefix"] = *a.Prefix
			}
			tags = append(tags, a.Tags...)
			if a.ObjectSizeGreaterThan != nil {
				o["ObjectSizeGreaterThan"] = *a.ObjectSizeGreaterThan
			}
			if a.ObjectSizeLessThan != nil {
				o["ObjectSizeLessThan"] = *a.ObjectSizeLessThan
			}
		}
		if f.ObjectSizeGreaterThan != nil {
			o["ObjectSizeGreaterThan"] = *f.ObjectSizeGreaterThan
		}
		if f.ObjectSizeLessThan != nil {
			o["ObjectSizeLessThan"] = *f.ObjectSizeLessThan
		}
	} else if p := legacyPrefix(r); p != nil {
		o["Prefix"] = *p
	}
	if len(tags) > 0 {
		o["TagFilters"] = toTree(tags)
	}
	if e := r.Expiration; e != nil {
		if e.Days != nil {
			o["ExpirationInDays"] = *e.Days
		}
		if e.Date != nil {
			o["ExpirationDate"] = e.Date.UTC().Format(time.RFC3339)
		}
		if e.ExpiredObjectDeleteMarker != nil {
			o["ExpiredObjectDeleteMarker"] = *e.ExpiredObjectDeleteMarker
		}
	}
	if a := r.AbortIncompleteMultipartUpload; a != nil {
		o["AbortIncompleteMultipartUpload"] = toTree(a)
	}
	if n := r.NoncurrentVersionExpiration; n != nil {
		o["NoncurrentVersionExpiration"] = toTree(n)
		if n.NoncurrentDays != nil {
			o["NoncurrentVersionExpirationInDays"] = *n.NoncurrentDays
		}
	}
	var trs []any
	for _, t := range r.Transitions {
		tr := tree{"StorageClass": string(t.StorageClass)}
		if t.Days != nil {
			tr["TransitionInDays"] = *t.Days
		}
		if t.Date != nil {
			tr["TransitionDate"] = t.Date.UTC().Format(time.RFC3339)
		}
		trs = append(trs, tr)
	}
	if len(trs) > 0 {
		o["Transitions"] = trs
		o["Transition"] = trs[len(trs)-1]
	}
	var nvts []any
	for _, t := range r.NoncurrentVersionTransitions {
		tr := tree{"StorageClass": string(t.StorageClass)}
		if t.NoncurrentDays != nil {
			tr["TransitionInDays"] = *t.NoncurrentDays
		}
		if t.NewerNoncurrentVersions != nil {
			tr["NewerNoncurrentVersions"] = *t.NewerNoncurrentVersions
		}
		nvts = append(nvts, tr)
	}
	if len(nvts) > 0 {
		o["NoncurrentVersionTransitions"] = nvts
		o["NoncurrentVersionTransition"] = nvts[len(nvts)-1]
	}
	return o
}

// legacyPrefix is a rule's top-level prefix, which moto reports for a rule put
// with one.
func legacyPrefix(r s3types.LifecycleRule) *string {
	//lint:ignore SA1019 reading back what the emulator holds
	return r.Prefix
}

// toTree renders an SDK value as plain maps, lists and scalars (its field names are
// the API's, which these properties share with CloudFormation).
func toTree(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var out any
	if json.Unmarshal(b, &out) != nil {
		return nil
	}
	return out
}

// richTemplate states more than template.yaml does today, for
// TestEmulatorHoldsMoreThanTheTemplateUses.
const richTemplate = `
Parameters:
  Origin:
    Type: String
    Default: https://portal.example.org
Resources:
  DocKey:
    Type: AWS::KMS::Key
    Properties:
      Description: Documents.
      Enabled: true
      EnableKeyRotation: true
      RotationPeriodInDays: 180
      PendingWindowInDays: 7
      KeyUsage: ENCRYPT_DECRYPT
      KeySpec: SYMMETRIC_DEFAULT
      KeyPolicy:
        Version: "2012-10-17"
        Statement:
          - Sid: AccountAdministersKey
            Effect: Allow
            Principal: { AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root" }
            Action: "kms:*"
            Resource: "*"
      Tags:
        - { Key: module, Value: docs }
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
        RestrictPublicBuckets: false
      OwnershipControls:
        Rules:
          - ObjectOwnership: BucketOwnerEnforced
      VersioningConfiguration:
        Status: Enabled
      LifecycleConfiguration:
        Rules:
          - Id: ExpireUnchecked
            Status: Enabled
            Prefix: uploads/
            ExpirationInDays: 1
          - Id: AbortIncompleteUploads
            Status: Enabled
            AbortIncompleteMultipartUpload:
              DaysAfterInitiation: 1
          - Id: Archive
            Status: Disabled
            TagFilters:
              - { Key: class, Value: archive }
            Transitions:
              - { StorageClass: GLACIER, TransitionInDays: 30 }
          - Id: OldVersions
            Status: Enabled
            Prefix: letters/
            TagFilters:
              - { Key: kind, Value: letter }
            ObjectSizeGreaterThan: 1024
            NoncurrentVersionExpiration:
              NoncurrentDays: 7
              NewerNoncurrentVersions: 2
      CorsConfiguration:
        CorsRules:
          - Id: Portal
            AllowedOrigins: [!Ref Origin]
            AllowedMethods: [PUT, GET]
            AllowedHeaders: ["*"]
            ExposedHeaders: [ETag]
            MaxAge: 600
      Tags:
        - { Key: module, Value: docs }
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
      TableClass: STANDARD_INFREQUENT_ACCESS
      DeletionProtectionEnabled: false
      AttributeDefinitions:
        - { AttributeName: pk, AttributeType: S }
        - { AttributeName: sk, AttributeType: S }
        - { AttributeName: owner, AttributeType: S }
        - { AttributeName: at, AttributeType: N }
      KeySchema:
        - { AttributeName: pk, KeyType: HASH }
        - { AttributeName: sk, KeyType: RANGE }
      GlobalSecondaryIndexes:
        - IndexName: byOwner
          KeySchema:
            - { AttributeName: owner, KeyType: HASH }
            - { AttributeName: at, KeyType: RANGE }
          Projection:
            ProjectionType: INCLUDE
            NonKeyAttributes: [title]
      LocalSecondaryIndexes:
        - IndexName: byAt
          KeySchema:
            - { AttributeName: pk, KeyType: HASH }
            - { AttributeName: at, KeyType: RANGE }
          Projection:
            ProjectionType: KEYS_ONLY
      StreamSpecification:
        StreamViewType: NEW_AND_OLD_IMAGES
      TimeToLiveSpecification: { AttributeName: ttl, Enabled: true }
      PointInTimeRecoverySpecification:
        PointInTimeRecoveryEnabled: true
        RecoveryPeriodInDays: 7
      SSESpecification:
        SSEEnabled: true
        SSEType: KMS
        KMSMasterKeyId: !GetAtt DocKey.Arn
      Tags:
        - { Key: module, Value: docs }
      FutureProperty: 1
  Counters:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PROVISIONED
      ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 1 }
      AttributeDefinitions: [{ AttributeName: pk, AttributeType: S }]
      KeySchema: [{ AttributeName: pk, KeyType: HASH }]
      SSESpecification:
        SSEEnabled: true
  Logs:
    Type: AWS::Logs::LogGroup
    Properties:
      RetentionInDays: 1
`
