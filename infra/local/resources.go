package local

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"kontor/infra/template"
)

// createResources creates in the emulator every KMS key and alias, bucket and bucket
// policy, and table of the template, each with everything the template states about
// it that moto can hold (what it cannot is listed in notHeld, with the reason), and
// verifies every sender domain the functions send mail from (moto, like SES, rejects
// mail from an unverified identity: moto/ses/models.py _is_verified_address accepts
// an address or its domain).
func createResources(ctx context.Context, cfg aws.Config, tpl *template.Template, r *template.Resolver, secrets map[string]string) error {
	if err := createKeys(ctx, cfg, tpl, r); err != nil {
		return err
	}
	if err := createSecrets(ctx, cfg, tpl, r, secrets); err != nil {
		return err
	}
	if err := createBuckets(ctx, cfg, tpl, *r); err != nil {
		return err
	}
	if err := createQueues(ctx, cfg, tpl, r); err != nil {
		return err
	}
	db := dynamodb.NewFromConfig(cfg)
	for _, id := range tpl.OfType("AWS::DynamoDB::Table") {
		props, err := resolvedProperties(tpl, *r, id)
		if err != nil {
			return err
		}
		if err := createTable(ctx, db, *r, props, r.Name(id)); err != nil {
			return err
		}
	}
	ses := sesv2.NewFromConfig(cfg)
	domains := map[string]bool{}
	for _, f := range tpl.Functions {
		env, err := r.Env(f)
		if err != nil {
			return err
		}
		if from := env["MAIL_FROM"]; from != "" {
			_, d, ok := strings.Cut(from, "@")
			if !ok {
				return fmt.Errorf("%s: MAIL_FROM %q is not an address", f.LogicalID, from)
			}
			domains[strings.ToLower(d)] = true
		}
	}
	for d := range domains {
		if _, err := ses.CreateEmailIdentity(ctx, &sesv2.CreateEmailIdentityInput{EmailIdentity: aws.String(d)}); err != nil {
			return fmt.Errorf("verify sender domain %s: %w", d, err)
		}
	}
	return nil
}

// resolvedProperties returns a resource's Properties with every intrinsic function
// resolved and what the emulator cannot hold left out (notHeld); nil when nothing
// of the resource can be held.
func resolvedProperties(tpl *template.Template, r template.Resolver, id string) (tree, error) {
	v, err := r.Tree(tpl.Properties(id))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", id, err)
	}
	props, _ := v.(map[string]any)
	if props == nil {
		props = tree{}
	}
	return holdable(tpl.Type(id), props), nil
}

// createTable creates a table as CloudFormation would from its properties: keys,
// billing, indexes, stream, encryption (an AWS-managed or the given customer-managed
// key), tags and deletion protection with CreateTable, then time to live and
// point-in-time recovery, which CreateTable does not take.
func createTable(ctx context.Context, db *dynamodb.Client, r template.Resolver, p tree, name string) error {
	in := &dynamodb.CreateTableInput{TableName: aws.String(name), BillingMode: types.BillingModePayPerRequest}
	if m := text(p, "BillingMode"); m != "" {
		in.BillingMode = types.BillingMode(m)
	}
	for key, dst := range map[string]any{
		"AttributeDefinitions": &in.AttributeDefinitions, "KeySchema": &in.KeySchema,
		"GlobalSecondaryIndexes": &in.GlobalSecondaryIndexes, "LocalSecondaryIndexes": &in.LocalSecondaryIndexes,
		"ProvisionedThroughput": &in.ProvisionedThroughput, "Tags": &in.Tags,
	} {
		if v, ok := p[key]; ok {
			// These properties have the API's shape and names.
			if err := convert(v, dst); err != nil {
				return fmt.Errorf("table %s: %s: %w", name, key, err)
			}
		}
	}
	if v := flag(p, "DeletionProtectionEnabled"); v != nil {
		in.DeletionProtectionEnabled = v
	}
	if s := sub(p, "StreamSpecification"); s != nil {
		in.StreamSpecification = &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewType(text(s, "StreamViewType"))}
	}
	if s := sub(p, "SSESpecification"); s != nil {
		spec := &types.SSESpecification{Enabled: flag(s, "SSEEnabled")}
		if t := text(s, "SSEType"); t != "" {
			spec.SSEType = types.SSEType(t)
		}
		if k := text(s, "KMSMasterKeyId"); k != "" {
			// moto reports the key exactly as given (moto/dynamodb/models/table.py,
			// Table.describe: KMSMasterKeyArn); AWS reports its ARN. Give the ARN.
			spec.KMSMasterKeyId = aws.String(keyARN(r, k))
		}
		in.SSESpecification = spec
	}
	if _, err := db.CreateTable(ctx, in); err != nil {
		return fmt.Errorf("create table %s: %w", name, err)
	}
	if ttl := sub(p, "TimeToLiveSpecification"); ttl != nil && isTrue(flag(ttl, "Enabled")) {
		_, err := db.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
			TableName:               aws.String(name),
			TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String(text(ttl, "AttributeName")), Enabled: aws.Bool(true)},
		})
		if err != nil {
			return fmt.Errorf("enable TTL on %s: %w", name, err)
		}
	}
	if pitr := sub(p, "PointInTimeRecoverySpecification"); pitr != nil {
		spec := &types.PointInTimeRecoverySpecification{PointInTimeRecoveryEnabled: aws.Bool(isTrue(flag(pitr, "PointInTimeRecoveryEnabled")))}
		spec.RecoveryPeriodInDays = number(pitr, "RecoveryPeriodInDays")
		_, err := db.UpdateContinuousBackups(ctx, &dynamodb.UpdateContinuousBackupsInput{TableName: aws.String(name), PointInTimeRecoverySpecification: spec})
		if err != nil {
			return fmt.Errorf("point-in-time recovery on %s: %w", name, err)
		}
	}
	return nil
}

// keyARN turns a key id (what !Ref of an AWS::KMS::Key gives) into the key's ARN;
// ARNs and aliases stay as they are.
func keyARN(r template.Resolver, k string) string {
	if strings.HasPrefix(k, "arn:") || strings.HasPrefix(k, "alias/") {
		return k
	}
	return fmt.Sprintf("arn:aws:kms:%s:%s:key/%s", r.Region, r.Account, k)
}

// tree is a resource's resolved Properties: maps, lists and scalars.
type tree = map[string]any

func sub(t tree, key string) tree {
	m, _ := t[key].(map[string]any)
	return m
}

func maps(t tree, key string) []tree {
	l, _ := t[key].([]any)
	out := make([]tree, 0, len(l))
	for _, v := range l {
		if m, ok := v.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func text(t tree, key string) string {
	switch v := t[key].(type) {
	case nil:
		return ""
	case string:
		return v
	default:
		return fmt.Sprint(v)
	}
}

func optText(t tree, key string) *string {
	if _, ok := t[key]; !ok {
		return nil
	}
	return aws.String(text(t, key))
}

func texts(t tree, key string) []string {
	switch v := t[key].(type) {
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			out = append(out, fmt.Sprint(x))
		}
		return out
	case nil:
		return nil
	default:
		return []string{fmt.Sprint(v)}
	}
}

func flag(t tree, key string) *bool {
	switch v := t[key].(type) {
	case bool:
		return &v
	case string:
		b := strings.EqualFold(v, "true")
		return &b
	}
	return nil
}

func isTrue(b *bool) bool { return b != nil && *b }

func number(t tree, key string) *int32 {
	if _, ok := t[key]; !ok {
		return nil
	}
	n, err := strconv.ParseInt(text(t, key), 10, 32)
	if err != nil {
		return nil
	}
	return aws.Int32(int32(n))
}

// convert copies a resolved subtree into an SDK type whose fields have the same names.
func convert(v any, dst any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, dst)
}

// createSecrets stores each secret a parameter of type AWS::SSM::Parameter::Name
// names as a SecureString under the parameter's value, as an operator does before
// deploying (README).
func createSecrets(ctx context.Context, cfg aws.Config, tpl *template.Template, r *template.Resolver, secrets map[string]string) error {
	c := ssm.NewFromConfig(cfg)
	for param, value := range secrets {
		name, ok := r.Parameters[param]
		if !ok {
			name = tpl.Parameters[param].Default
		}
		if name == "" {
			return fmt.Errorf("parameter %s names no SSM parameter", param)
		}
		if _, err := c.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String(name), Value: aws.String(value),
			Type: ssmtypes.ParameterTypeSecureString, Overwrite: aws.Bool(true)}); err != nil {
			return fmt.Errorf("secret %s: %w", name, err)
		}
	}
	return nil
}
