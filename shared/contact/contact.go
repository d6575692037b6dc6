// Package contact keeps contact requests (H4U-8, CP-3): sent with or without an
// account, a valid email required and everything else voluntary on recorded consent,
// handled by staff, and deleted automatically once resolved unless a legal retention
// duty applies.
package contact

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/identity"
	"kontor/shared/ids"
	"kontor/shared/problem"
)

// Request is one contact request.
type Request struct {
	ID             string     `dynamodbav:"id" json:"id"`
	Email          string     `dynamodbav:"email" json:"email"`
	Name           string     `dynamodbav:"name,omitempty" json:"name,omitempty"`
	Subject        string     `dynamodbav:"subject,omitempty" json:"subject,omitempty"`
	Message        string     `dynamodbav:"message,omitempty" json:"message,omitempty"`
	AppLog         string     `dynamodbav:"appLog,omitempty" json:"appLog,omitempty"`
	AccountID      string     `dynamodbav:"accountId,omitempty" json:"accountId,omitempty"`
	ConsentVersion string     `dynamodbav:"consentVersion,omitempty" json:"consentVersion,omitempty"`
	ConsentAt      *time.Time `dynamodbav:"consentAt,omitempty" json:"consentAt,omitempty"`
	Status         string     `dynamodbav:"status" json:"status"`
	CreatedAt      time.Time  `dynamodbav:"createdAt" json:"createdAt"`
	ResolvedAt     *time.Time `dynamodbav:"resolvedAt,omitempty" json:"resolvedAt,omitempty"`
	ResolvedBy     string     `dynamodbav:"resolvedBy,omitempty" json:"resolvedBy,omitempty"`
	RetainUntil    *time.Time `dynamodbav:"retainUntil,omitempty" json:"retainUntil,omitempty"`
	RetainReason   string     `dynamodbav:"retainReason,omitempty" json:"retainReason,omitempty"`
}

// States.
const (
	StatusOpen     = "open"
	StatusResolved = "resolved"
)

// Limits.
const (
	MaxMessage = 5000
	MaxAppLog  = 64 << 10
	MaxShort   = 200
	// ConsentVersion is the current text of the consent to process voluntary data.
	ConsentVersion = "2026-01"
)

// DB is the part of the DynamoDB client the store uses.
type DB interface {
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
	Query(ctx context.Context, in *dynamodb.QueryInput, optFns ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	Scan(ctx context.Context, in *dynamodb.ScanInput, optFns ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error)
}

// Store keeps requests under REQ#<id> and an index of open ones under OPEN.
type Store struct {
	DB    DB
	Table string
	Now   func() time.Time
}

func key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: pk}, "sk": &types.AttributeValueMemberS{Value: sk}}
}

// Input is what a sender submits.
type Input struct {
	Email, Name, Subject, Message, AppLog string
	// ConsentVersion must be the current version when any voluntary field is given.
	ConsentVersion string
}

// Submit validates and stores a request; accountID is "" for a request without an
// account. Bad input changes nothing.
func (s *Store) Submit(ctx context.Context, in Input, accountID string) (Request, error) {
	var fe []problem.FieldError
	email, code := identity.NormalizeEmail(in.Email)
	if !code.IsZero() {
		fe = append(fe, problem.FieldError{Field: "email", Code: code})
	}
	check := func(field, v string, max int) {
		switch {
		case !utf8.ValidString(v):
			fe = append(fe, problem.FieldError{Field: field, Code: problem.FieldInvalidValue})
		case utf8.RuneCountInString(v) > max:
			fe = append(fe, problem.FieldError{Field: field, Code: problem.FieldTooLong})
		case field != "message" && field != "appLog" && !identity.CheckName(v).IsZero():
			fe = append(fe, problem.FieldError{Field: field, Code: problem.FieldControlChars})
		}
	}
	check("name", in.Name, MaxShort)
	check("subject", in.Subject, MaxShort)
	check("message", in.Message, MaxMessage)
	if len(in.AppLog) > MaxAppLog {
		fe = append(fe, problem.FieldError{Field: "appLog", Code: problem.FieldTooLong})
	} else {
		check("appLog", in.AppLog, MaxAppLog)
	}
	voluntary := strings.TrimSpace(in.Name+in.Subject+in.Message+in.AppLog) != ""
	if voluntary && in.ConsentVersion != ConsentVersion {
		c := problem.FieldRequired
		if in.ConsentVersion != "" {
			c = problem.FieldOutdated
		}
		fe = append(fe, problem.FieldError{Field: "consentVersion", Code: c})
	}
	if len(fe) > 0 {
		return Request{}, problem.Invalid(fe...)
	}
	now := s.Now()
	r := Request{ID: ids.NewV7(now), Email: email, Name: in.Name, Subject: in.Subject, Message: in.Message, AppLog: in.AppLog,
		AccountID: accountID, Status: StatusOpen, CreatedAt: now}
	if voluntary {
		r.ConsentVersion, r.ConsentAt = in.ConsentVersion, &now
	}
	if err := s.put(ctx, r); err != nil {
		return Request{}, err
	}
	if err := s.index(ctx, r); err != nil {
		return Request{}, err
	}
	return r, nil
}

func (s *Store) put(ctx context.Context, r Request) error {
	item, err := attributevalue.MarshalMap(r)
	if err != nil {
		return fmt.Errorf("marshal contact request: %w", err)
	}
	item["pk"], item["sk"] = &types.AttributeValueMemberS{Value: "REQ#" + r.ID}, &types.AttributeValueMemberS{Value: "REQ"}
	if _, err := s.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.Table), Item: item}); err != nil {
		return fmt.Errorf("put contact request: %w", err)
	}
	return nil
}

func (s *Store) index(ctx context.Context, r Request) error {
	item := key("OPEN", r.CreatedAt.UTC().Format(time.RFC3339Nano)+"#"+r.ID)
	item["id"] = &types.AttributeValueMemberS{Value: r.ID}
	if _, err := s.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.Table), Item: item}); err != nil {
		return fmt.Errorf("index contact request: %w", err)
	}
	return nil
}

// Get returns a request, or a 404 problem.
func (s *Store) Get(ctx context.Context, id string) (Request, error) {
	if !ids.ValidV7(id) {
		return Request{}, problem.New(http.StatusNotFound, problem.CodeNotFound)
	}
	out, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table), Key: key("REQ#"+id, "REQ"), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return Request{}, fmt.Errorf("get contact request: %w", err)
	}
	if out.Item == nil {
		return Request{}, problem.New(http.StatusNotFound, problem.CodeNotFound)
	}
	var r Request
	return r, attributevalue.UnmarshalMap(out.Item, &r)
}

// Open lists open requests, oldest first.
func (s *Store) Open(ctx context.Context) ([]Request, error) {
	out := []Request{}
	var start map[string]types.AttributeValue
	for {
		res, err := s.DB.Query(ctx, &dynamodb.QueryInput{
			TableName: aws.String(s.Table), ExclusiveStartKey: start, ConsistentRead: aws.Bool(true),
			KeyConditionExpression:    aws.String("pk = :pk"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: "OPEN"}},
		})
		if err != nil {
			return nil, fmt.Errorf("list open requests: %w", err)
		}
		for _, it := range res.Items {
			id, _ := it["id"].(*types.AttributeValueMemberS)
			if id == nil {
				continue
			}
			r, err := s.Get(ctx, id.Value)
			if p, ok := problem.As(err); ok && p.Status == http.StatusNotFound {
				continue
			}
			if err != nil {
				return nil, err
			}
			out = append(out, r)
		}
		if len(res.LastEvaluatedKey) == 0 {
			return out, nil
		}
		start = res.LastEvaluatedKey
	}
}

// Resolve marks a request resolved by a staff member. retainYears > 0 keeps it that
// long for a legal retention duty (with a reason); otherwise the next retention
// sweep deletes it.
func (s *Store) Resolve(ctx context.Context, id, by string, retainYears int, reason string) (Request, error) {
	if retainYears < 0 || retainYears > 10 {
		return Request{}, problem.Invalid(problem.FieldError{Field: "retainYears", Code: problem.FieldInvalidValue})
	}
	if retainYears > 0 && strings.TrimSpace(reason) == "" {
		return Request{}, problem.Invalid(problem.FieldError{Field: "retainReason", Code: problem.FieldRequired})
	}
	if utf8.RuneCountInString(reason) > MaxShort || !identity.CheckName(reason).IsZero() {
		return Request{}, problem.Invalid(problem.FieldError{Field: "retainReason", Code: problem.FieldInvalidValue})
	}
	r, err := s.Get(ctx, id)
	if err != nil {
		return Request{}, err
	}
	if r.Status == StatusResolved {
		return Request{}, problem.New(http.StatusConflict, problem.CodeConflict)
	}
	now := s.Now()
	r.Status, r.ResolvedAt, r.ResolvedBy = StatusResolved, &now, by
	if retainYears > 0 {
		until := now.AddDate(retainYears, 0, 0)
		r.RetainUntil, r.RetainReason = &until, strings.TrimSpace(reason)
	}
	if err := s.put(ctx, r); err != nil {
		return Request{}, err
	}
	if _, err := s.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(s.Table), Key: key("OPEN", r.CreatedAt.UTC().Format(time.RFC3339Nano)+"#"+r.ID)}); err != nil {
		return Request{}, fmt.Errorf("unindex contact request: %w", err)
	}
	return r, nil
}

// each walks every stored request.
func (s *Store) each(ctx context.Context, fn func(Request) error) error {
	var start map[string]types.AttributeValue
	for {
		res, err := s.DB.Scan(ctx, &dynamodb.ScanInput{
			TableName: aws.String(s.Table), ExclusiveStartKey: start, ConsistentRead: aws.Bool(true),
			FilterExpression:          aws.String("sk = :req"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":req": &types.AttributeValueMemberS{Value: "REQ"}},
		})
		if err != nil {
			return fmt.Errorf("scan contact requests: %w", err)
		}
		var rs []Request
		if err := attributevalue.UnmarshalListOfMaps(res.Items, &rs); err != nil {
			return err
		}
		for _, r := range rs {
			if err := fn(r); err != nil {
				return err
			}
		}
		if len(res.LastEvaluatedKey) == 0 {
			return nil
		}
		start = res.LastEvaluatedKey
	}
}

func (s *Store) remove(ctx context.Context, r Request) error {
	for _, k := range []map[string]types.AttributeValue{key("REQ#"+r.ID, "REQ"), key("OPEN", r.CreatedAt.UTC().Format(time.RFC3339Nano)+"#"+r.ID)} {
		if _, err := s.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(s.Table), Key: k}); err != nil {
			return fmt.Errorf("delete contact request: %w", err)
		}
	}
	return nil
}
