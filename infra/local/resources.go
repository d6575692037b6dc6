package local

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"kontor/infra/template"
)

// createResources creates in the emulator every KMS key and alias, bucket (default
// encryption, public access block, bucket policy) and table of the template, and verifies
// every sender domain the functions send mail from (moto, like SES, rejects mail from
// an unverified identity: moto/ses/models.py _is_verified_address accepts an address
// or its domain).
func createResources(ctx context.Context, cfg aws.Config, tpl *template.Template, r *template.Resolver) error {
	if err := createKeys(ctx, cfg, tpl, r); err != nil {
		return err
	}
	if err := createBuckets(ctx, cfg, tpl, *r); err != nil {
		return err
	}
	if err := createQueues(ctx, cfg, tpl, r); err != nil {
		return err
	}
	db := dynamodb.NewFromConfig(cfg)
	for _, t := range tpl.Tables {
		if err := createTable(ctx, db, t, r.Name(t.LogicalID)); err != nil {
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

func createTable(ctx context.Context, db *dynamodb.Client, t template.Table, name string) error {
	in := &dynamodb.CreateTableInput{TableName: aws.String(name), BillingMode: types.BillingModePayPerRequest}
	for attr, typ := range t.AttributeDefs {
		in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{AttributeName: aws.String(attr), AttributeType: types.ScalarAttributeType(typ)})
	}
	in.KeySchema = []types.KeySchemaElement{{AttributeName: aws.String(t.HashKey.Name), KeyType: types.KeyTypeHash}}
	if t.RangeKey != nil {
		in.KeySchema = append(in.KeySchema, types.KeySchemaElement{AttributeName: aws.String(t.RangeKey.Name), KeyType: types.KeyTypeRange})
	}
	for _, g := range t.GSIs {
		gsi := types.GlobalSecondaryIndex{
			IndexName:  aws.String(g.Name),
			KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String(g.HashKey), KeyType: types.KeyTypeHash}},
			Projection: &types.Projection{ProjectionType: types.ProjectionType(g.ProjectionType)},
		}
		if g.RangeKey != "" {
			gsi.KeySchema = append(gsi.KeySchema, types.KeySchemaElement{AttributeName: aws.String(g.RangeKey), KeyType: types.KeyTypeRange})
		}
		if len(g.NonKeyAttrs) > 0 {
			gsi.Projection.NonKeyAttributes = g.NonKeyAttrs
		}
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, gsi)
	}
	if t.StreamView != "" {
		in.StreamSpecification = &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewType(t.StreamView)}
	}
	if _, err := db.CreateTable(ctx, in); err != nil {
		return fmt.Errorf("create table %s: %w", name, err)
	}
	if t.TTLAttribute != "" {
		_, err := db.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
			TableName:               aws.String(name),
			TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String(t.TTLAttribute), Enabled: aws.Bool(true)},
		})
		if err != nil {
			return fmt.Errorf("enable TTL on %s: %w", name, err)
		}
	}
	return nil
}
