// Package evidence keeps the client IP and exact time of sign-ins (and later of
// publishing listings and ratings and of replies), only as evidence in fraud or abuse
// cases (HGK-12): a table of its own, read by admins only and every read audited,
// never used for statistics, deleted after the deployment's retention.
package evidence

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/privacy"
)

// Events recorded.
const EventLogin = "login"

// Record is one piece of evidence.
type Record struct {
	AccountID string    `dynamodbav:"accountId" json:"accountId"`
	Event     string    `dynamodbav:"event" json:"event"`
	IP        string    `dynamodbav:"ip" json:"ip"`
	At        time.Time `dynamodbav:"at" json:"at"`
	TTL       int64     `dynamodbav:"ttl" json:"-"`
}

// DB is the part of the DynamoDB client the evidence log uses.
type DB interface {
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	Query(ctx context.Context, in *dynamodb.QueryInput, optFns ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
	Scan(ctx context.Context, in *dynamodb.ScanInput, optFns ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error)
}

// Log is the evidence table.
type Log struct {
	DB        DB
	Table     string
	Retention time.Duration
}

// DefaultRetention is used when the template parameter is not set.
const DefaultRetention = 180 * 24 * time.Hour

// Add records an event of an account from a client address.
func (l *Log) Add(ctx context.Context, accountID, event, ip string, at time.Time) error {
	item, err := attributevalue.MarshalMap(Record{AccountID: accountID, Event: event, IP: ip, At: at.UTC(), TTL: at.Add(l.Retention).Unix()})
	if err != nil {
		return fmt.Errorf("marshal evidence: %w", err)
	}
	item["pk"] = &types.AttributeValueMemberS{Value: "ACCOUNT#" + accountID}
	item["sk"] = &types.AttributeValueMemberS{Value: at.UTC().Format(time.RFC3339Nano) + "#" + event}
	if _, err := l.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(l.Table), Item: item}); err != nil {
		return fmt.Errorf("put evidence: %w", err)
	}
	return nil
}

// For returns an account's live evidence records, oldest first.
func (l *Log) For(ctx context.Context, accountID string, now time.Time) ([]Record, error) {
	out := []Record{}
	var start map[string]types.AttributeValue
	for {
		res, err := l.DB.Query(ctx, &dynamodb.QueryInput{
			TableName: aws.String(l.Table), ExclusiveStartKey: start, ConsistentRead: aws.Bool(true),
			KeyConditionExpression:    aws.String("pk = :pk"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: "ACCOUNT#" + accountID}},
		})
		if err != nil {
			return nil, fmt.Errorf("query evidence: %w", err)
		}
		var recs []Record
		if err := attributevalue.UnmarshalListOfMaps(res.Items, &recs); err != nil {
			return nil, err
		}
		for _, r := range recs {
			if r.TTL > now.Unix() {
				out = append(out, r)
			}
		}
		if len(res.LastEvaluatedKey) == 0 {
			return out, nil
		}
		start = res.LastEvaluatedKey
	}
}

func (l *Log) del(ctx context.Context, r Record) error {
	_, err := l.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(l.Table), Key: map[string]types.AttributeValue{
		"pk": &types.AttributeValueMemberS{Value: "ACCOUNT#" + r.AccountID},
		"sk": &types.AttributeValueMemberS{Value: r.At.UTC().Format(time.RFC3339Nano) + "#" + r.Event},
	}})
	if err != nil {
		return fmt.Errorf("delete evidence: %w", err)
	}
	return nil
}

// Module implements privacy.Module for the evidence log.
type Module struct{ Log *Log }

// Name implements privacy.Module.
func (m Module) Name() string { return "evidence" }

// Kinds implements privacy.Module.
func (m Module) Kinds() []privacy.Kind {
	return []privacy.Kind{{
		ID: "evidence.events", Module: "evidence", Table: "EvidenceTable",
		Category:   privacy.Text{DE: "IP-Adresse und Zeitpunkt von Anmeldungen", EN: "IP address and time of sign-ins"},
		Fields:     []string{"ip", "at", "event"},
		Purpose:    privacy.Text{DE: "Nur als Beweis bei Betrug oder Missbrauch; nie für Statistik.", EN: "Only as evidence in cases of fraud or abuse; never for statistics."},
		LegalBasis: privacy.LegitimateInterest,
		Retention: privacy.Retention{Parameter: "EvidenceRetentionDays", Rule: privacy.Text{
			DE: "EvidenceRetentionDays Tage, dann gelöscht.", EN: "EvidenceRetentionDays days, then deleted."}},
		Recipients: privacy.Text{DE: "Nur Administratoren, jeder Zugriff protokolliert; im Missbrauchsfall Strafverfolgungsbehörden.", EN: "Admins only, every read audited; law enforcement in a case of abuse."},
		Source:     privacy.Text{DE: "Vom Portal bei der Anmeldung erfasst.", EN: "Recorded by the portal at sign-in."},
	}}
}

// Export implements privacy.Module.
func (m Module) Export(ctx context.Context, s privacy.Subject) (map[string]any, error) {
	recs, err := m.Log.For(ctx, s.AccountID, time.Now())
	if err != nil {
		return nil, err
	}
	return map[string]any{"evidence.events": recs}, nil
}

// Erase implements privacy.Module.
func (m Module) Erase(ctx context.Context, s privacy.Subject) error {
	recs, err := m.Log.For(ctx, s.AccountID, time.Unix(0, 0))
	if err != nil {
		return err
	}
	for _, r := range recs {
		if err := m.Log.del(ctx, r); err != nil {
			return err
		}
	}
	return nil
}

// Sweep implements privacy.Module: evidence past its retention, except held.
func (m Module) Sweep(ctx context.Context, now time.Time, held *privacy.Held) (map[string]int, error) {
	counts := map[string]int{}
	var start map[string]types.AttributeValue
	for {
		res, err := m.Log.DB.Scan(ctx, &dynamodb.ScanInput{
			TableName: aws.String(m.Log.Table), ExclusiveStartKey: start, ConsistentRead: aws.Bool(true),
			FilterExpression:          aws.String("#ttl <= :now"),
			ExpressionAttributeNames:  map[string]string{"#ttl": "ttl"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":now": &types.AttributeValueMemberN{Value: strconv.FormatInt(now.Unix(), 10)}},
		})
		if err != nil {
			return counts, fmt.Errorf("scan evidence: %w", err)
		}
		var recs []Record
		if err := attributevalue.UnmarshalListOfMaps(res.Items, &recs); err != nil {
			return counts, err
		}
		for _, r := range recs {
			if held.Keep(r.AccountID) {
				continue
			}
			if err := m.Log.del(ctx, r); err != nil {
				return counts, err
			}
			counts["evidence.events"]++
		}
		if len(res.LastEvaluatedKey) == 0 {
			return counts, nil
		}
		start = res.LastEvaluatedKey
	}
}
