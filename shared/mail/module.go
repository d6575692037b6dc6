package mail

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/privacy"
)

// ScanDB is the part of the DynamoDB client the privacy module uses.
type ScanDB interface {
	Scan(ctx context.Context, in *dynamodb.ScanInput, optFns ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error)
	DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
}

// Module implements privacy.Module for the outbox: queued mail to the person.
type Module struct {
	DB    ScanDB
	Table string
}

// Name implements privacy.Module.
func (m *Module) Name() string { return "mail" }

// Kinds implements privacy.Module.
func (m *Module) Kinds() []privacy.Kind { return PrivacyKinds() }

// QueuedView is a queued message in an export.
type QueuedView struct {
	Subject  string    `json:"subject"`
	Text     string    `json:"text"`
	QueuedAt time.Time `json:"queuedAt"`
	Attempts int       `json:"attempts"`
}

func (m *Module) each(ctx context.Context, filter string, names map[string]string, vals map[string]types.AttributeValue, fn func(item) error) error {
	var start map[string]types.AttributeValue
	for {
		in := &dynamodb.ScanInput{TableName: aws.String(m.Table), ExclusiveStartKey: start, ConsistentRead: aws.Bool(true),
			FilterExpression: aws.String(filter), ExpressionAttributeValues: vals, ExpressionAttributeNames: names}
		out, err := m.DB.Scan(ctx, in)
		if err != nil {
			return fmt.Errorf("scan outbox: %w", err)
		}
		var items []item
		if err := attributevalue.UnmarshalListOfMaps(out.Items, &items); err != nil {
			return fmt.Errorf("unmarshal outbox: %w", err)
		}
		for _, it := range items {
			if err := fn(it); err != nil {
				return err
			}
		}
		if len(out.LastEvaluatedKey) == 0 {
			return nil
		}
		start = out.LastEvaluatedKey
	}
}

func (m *Module) remove(ctx context.Context, id string) error {
	if _, err := m.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(m.Table), Key: key(id)}); err != nil {
		return fmt.Errorf("remove mail %s: %w", id, err)
	}
	return nil
}

// forRecipient filters the outbox on the recipient ("to" is a reserved word).
func (m *Module) forRecipient(ctx context.Context, email string, fn func(item) error) error {
	return m.each(ctx, "#to = :to", map[string]string{"#to": "to"},
		map[string]types.AttributeValue{":to": &types.AttributeValueMemberS{Value: email}}, fn)
}

// Export implements privacy.Module.
func (m *Module) Export(ctx context.Context, s privacy.Subject) (map[string]any, error) {
	views := []QueuedView{}
	if s.Email != "" {
		err := m.forRecipient(ctx, s.Email, func(it item) error {
			views = append(views, QueuedView{Subject: it.Subject, Text: it.Text, QueuedAt: time.Unix(it.CreatedAt, 0).UTC(), Attempts: it.Attempts})
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return map[string]any{"mail.outbox": views}, nil
}

// Erase implements privacy.Module.
func (m *Module) Erase(ctx context.Context, s privacy.Subject) error {
	if s.Email == "" {
		return nil
	}
	return m.forRecipient(ctx, s.Email, func(it item) error { return m.remove(ctx, it.ID) })
}

// Sweep implements privacy.Module: mail past its day in the outbox. Outbox mail
// belongs to no hold: it is a copy of what the other modules keep.
func (m *Module) Sweep(ctx context.Context, now time.Time, _ *privacy.Held) (map[string]int, error) {
	counts := map[string]int{}
	err := m.each(ctx, "#ttl <= :now", map[string]string{"#ttl": "ttl"}, map[string]types.AttributeValue{
		":now": &types.AttributeValueMemberN{Value: fmt.Sprint(now.Unix())},
	}, func(it item) error {
		counts["mail.outbox"]++
		return m.remove(ctx, it.ID)
	})
	return counts, err
}
