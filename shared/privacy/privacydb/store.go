// Package privacydb stores the privacy module's own records in the privacy table:
// the consent ledger, restriction and objection flags, legal holds, erasure jobs,
// the admin audit log and the sweeper's receipts.
package privacydb

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"kontor/shared/env"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// DB is the part of the DynamoDB client the store uses.
type DB interface {
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
	Query(ctx context.Context, in *dynamodb.QueryInput, optFns ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	Scan(ctx context.Context, in *dynamodb.ScanInput, optFns ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error)
}

// ErrNotFound is returned for a missing record.
var ErrNotFound = errors.New("privacydb: not found")

// ErrConflict is returned when a conditional write lost a race.
var ErrConflict = errors.New("privacydb: changed concurrently")

// Store is the privacy table.
type Store struct {
	DB    DB
	Table string
}

// Consent is the current state of one consent of a subject.
type Consent struct {
	Purpose     string     `dynamodbav:"purpose" json:"purpose"`
	Granted     bool       `dynamodbav:"granted" json:"granted"`
	TextVersion string     `dynamodbav:"textVersion" json:"textVersion"`
	GrantedAt   *time.Time `dynamodbav:"grantedAt,omitempty" json:"grantedAt,omitempty"`
	WithdrawnAt *time.Time `dynamodbav:"withdrawnAt,omitempty" json:"withdrawnAt,omitempty"`
}

// ConsentEvent is one entry of the consent history.
type ConsentEvent struct {
	Purpose     string    `dynamodbav:"purpose" json:"purpose"`
	Action      string    `dynamodbav:"action" json:"action"` // granted | withdrawn
	TextVersion string    `dynamodbav:"textVersion" json:"textVersion"`
	At          time.Time `dynamodbav:"at" json:"at"`
}

// Flag is a restriction (Art. 18) or an objection (Art. 21).
type Flag struct {
	Kind  string    `dynamodbav:"kind" json:"kind"` // restriction | objection-marketing | objection-all
	Since time.Time `dynamodbav:"since" json:"since"`
}

// Hold is a legal hold on a subject's data.
type Hold struct {
	AccountID string    `dynamodbav:"accountId" json:"accountId"`
	Reason    string    `dynamodbav:"reason" json:"reason"`
	PlacedBy  string    `dynamodbav:"placedBy" json:"placedBy"`
	PlacedAt  time.Time `dynamodbav:"placedAt" json:"placedAt"`
}

// Job is an erasure job; Done lists the modules already erased.
type Job struct {
	AccountID   string    `dynamodbav:"accountId" json:"accountId"`
	Email       string    `dynamodbav:"email,omitempty" json:"-"`
	Reason      string    `dynamodbav:"reason" json:"reason"` // deactivation | objection
	Status      string    `dynamodbav:"status" json:"status"` // running | held | done
	Done        []string  `dynamodbav:"done,stringset,omitempty" json:"done"`
	RequestedAt time.Time `dynamodbav:"requestedAt" json:"requestedAt"`
	UpdatedAt   time.Time `dynamodbav:"updatedAt" json:"updatedAt"`
	Version     int64     `dynamodbav:"version" json:"-"`
}

// AuditEntry records an admin action: ids and reasons only.
type AuditEntry struct {
	At      time.Time `dynamodbav:"at" json:"at"`
	Action  string    `dynamodbav:"action" json:"action"`
	Actor   string    `dynamodbav:"actor" json:"actor"`
	Subject string    `dynamodbav:"subject" json:"subject"`
	Reason  string    `dynamodbav:"reason,omitempty" json:"reason,omitempty"`
}

// Receipt is what one sweep did: counts per kind, no personal data.
type Receipt struct {
	At      time.Time      `dynamodbav:"at" json:"at"`
	Counts  map[string]int `dynamodbav:"counts" json:"counts"`
	Resumed int            `dynamodbav:"resumed" json:"resumedErasures"`
	Skipped int            `dynamodbav:"skippedHeld" json:"skippedHeld"`
}

// Key layout.
const (
	subjectPrefix = "SUBJECT#"
	holdsPK       = "HOLDS"
	jobsPK        = "ERASURE"
	auditPrefix   = "AUDIT#"
	receiptPrefix = "RECEIPT#"
)

// Retention of what the privacy table keeps about the privacy module itself.
const (
	JobRetention     = 90 * 24 * time.Hour      // proof that an erasure happened (account id only)
	AuditRetention   = 3 * 365 * 24 * time.Hour // admin actions
	ReceiptRetention = 90 * 24 * time.Hour
)

func key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: pk}, "sk": &types.AttributeValueMemberS{Value: sk}}
}

func (st *Store) put(ctx context.Context, pk, sk string, v any, ttl time.Time, cond *string, vals ...map[string]types.AttributeValue) error {
	item, err := attributevalue.MarshalMap(v)
	if err != nil {
		return fmt.Errorf("marshal %s: %w", sk, err)
	}
	item["pk"] = &types.AttributeValueMemberS{Value: pk}
	item["sk"] = &types.AttributeValueMemberS{Value: sk}
	if !ttl.IsZero() {
		item["ttl"] = &types.AttributeValueMemberN{Value: strconv.FormatInt(ttl.Unix(), 10)}
	}
	in := &dynamodb.PutItemInput{TableName: aws.String(st.Table), Item: item, ConditionExpression: cond}
	if len(vals) > 0 {
		in.ExpressionAttributeValues = vals[0]
	}
	_, err = st.DB.PutItem(ctx, in)
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return ErrConflict
	}
	if err != nil {
		return fmt.Errorf("put %s: %w", sk, err)
	}
	return nil
}

func (st *Store) get(ctx context.Context, pk, sk string, out any) error {
	res, err := st.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(st.Table), Key: key(pk, sk), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return fmt.Errorf("get %s: %w", sk, err)
	}
	if res.Item == nil {
		return ErrNotFound
	}
	return attributevalue.UnmarshalMap(res.Item, out)
}

func (st *Store) del(ctx context.Context, pk, sk string) error {
	if _, err := st.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(st.Table), Key: key(pk, sk)}); err != nil {
		return fmt.Errorf("delete %s: %w", sk, err)
	}
	return nil
}

// query returns every item of partition pk whose sort key starts with prefix.
func (st *Store) query(ctx context.Context, pk, prefix string, out any) error {
	var items []map[string]types.AttributeValue
	var start map[string]types.AttributeValue
	for {
		in := &dynamodb.QueryInput{
			TableName: aws.String(st.Table), ConsistentRead: aws.Bool(true), ExclusiveStartKey: start,
			KeyConditionExpression:    aws.String("pk = :pk"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pk}},
		}
		if prefix != "" {
			in.KeyConditionExpression = aws.String("pk = :pk AND begins_with(sk, :p)")
			in.ExpressionAttributeValues[":p"] = &types.AttributeValueMemberS{Value: prefix}
		}
		res, err := st.DB.Query(ctx, in)
		if err != nil {
			return fmt.Errorf("query %s: %w", pk, err)
		}
		items = append(items, res.Items...)
		if len(res.LastEvaluatedKey) == 0 {
			break
		}
		start = res.LastEvaluatedKey
	}
	return attributevalue.UnmarshalListOfMaps(items, out)
}

// SetConsent stores the current state of a consent and appends the event to the history.
// The history entry is written first: a change cut off half way leaves an entry
// for a change that a retry then completes, never a change without its entry.
func (st *Store) SetConsent(ctx context.Context, accountID string, c Consent, ev ConsentEvent) error {
	if err := st.put(ctx, subjectPrefix+accountID, "CONSENTLOG#"+ev.At.UTC().Format(time.RFC3339Nano)+"#"+ev.Purpose, ev, time.Time{}, nil); err != nil {
		return err
	}
	return st.put(ctx, subjectPrefix+accountID, "CONSENT#"+c.Purpose, c, time.Time{}, nil)
}

// Consents returns the subject's current consents.
func (st *Store) Consents(ctx context.Context, accountID string) ([]Consent, error) {
	var out []Consent
	return out, st.query(ctx, subjectPrefix+accountID, "CONSENT#", &out)
}

// ConsentHistory returns the subject's consent events, oldest first.
func (st *Store) ConsentHistory(ctx context.Context, accountID string) ([]ConsentEvent, error) {
	var out []ConsentEvent
	return out, st.query(ctx, subjectPrefix+accountID, "CONSENTLOG#", &out)
}

// Flag kinds.
const (
	FlagRestriction     = "restriction"
	FlagObjectMarketing = "objection-marketing"
	FlagObjectAll       = "objection-all"
	restrictedPK        = "RESTRICTED"
)

// SetFlag sets a restriction or objection flag; setting it again keeps the first
// date. Restricted subjects are also listed in one partition for the sweep.
func (st *Store) SetFlag(ctx context.Context, accountID string, f Flag) error {
	if f.Kind == FlagRestriction {
		if err := st.put(ctx, restrictedPK, accountID, map[string]string{"accountId": accountID}, time.Time{}, nil); err != nil {
			return err
		}
	}
	err := st.put(ctx, subjectPrefix+accountID, "FLAG#"+f.Kind, f, time.Time{}, aws.String("attribute_not_exists(pk)"))
	if errors.Is(err, ErrConflict) {
		return nil
	}
	return err
}

// ClearFlag lifts a flag.
func (st *Store) ClearFlag(ctx context.Context, accountID, kind string) error {
	if err := st.del(ctx, subjectPrefix+accountID, "FLAG#"+kind); err != nil {
		return err
	}
	if kind == FlagRestriction {
		return st.del(ctx, restrictedPK, accountID)
	}
	return nil
}

// Restricted lists the subjects whose processing is restricted.
func (st *Store) Restricted(ctx context.Context) ([]string, error) {
	var items []struct {
		AccountID string `dynamodbav:"accountId"`
	}
	if err := st.query(ctx, restrictedPK, "", &items); err != nil {
		return nil, err
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, it.AccountID)
	}
	return out, nil
}

// Flags returns the subject's flags.
func (st *Store) Flags(ctx context.Context, accountID string) ([]Flag, error) {
	var out []Flag
	return out, st.query(ctx, subjectPrefix+accountID, "FLAG#", &out)
}

// Standing returns the consents the subject has given and whether they restricted
// processing: what a route's gate checks (httpapi.Ledger).
func (st *Store) Standing(ctx context.Context, accountID string) (map[string]bool, bool, error) {
	cs, err := st.Consents(ctx, accountID)
	if err != nil {
		return nil, false, err
	}
	granted := map[string]bool{}
	for _, c := range cs {
		if c.Granted {
			granted[c.Purpose] = true
		}
	}
	restricted, err := st.IsRestricted(ctx, accountID)
	return granted, restricted, err
}

// IsRestricted reports whether the subject restricted the processing of their
// data (Art. 18).
func (st *Store) IsRestricted(ctx context.Context, accountID string) (bool, error) {
	flags, err := st.Flags(ctx, accountID)
	if err != nil {
		return false, err
	}
	for _, f := range flags {
		if f.Kind == FlagRestriction {
			return true, nil
		}
	}
	return false, nil
}

// DeleteSubject deletes every record kept under the subject: consents, history, flags.
func (st *Store) DeleteSubject(ctx context.Context, accountID string) error {
	var items []struct {
		SK string `dynamodbav:"sk"`
	}
	if err := st.query(ctx, subjectPrefix+accountID, "", &items); err != nil {
		return err
	}
	for _, it := range items {
		if err := st.del(ctx, subjectPrefix+accountID, it.SK); err != nil {
			return err
		}
	}
	return st.del(ctx, restrictedPK, accountID)
}

// PlaceHold stores a hold; ErrConflict if the subject is held already.
func (st *Store) PlaceHold(ctx context.Context, h Hold) error {
	return st.put(ctx, holdsPK, h.AccountID, h, time.Time{}, aws.String("attribute_not_exists(pk)"))
}

// LiftHold removes a hold; ErrNotFound if there was none.
func (st *Store) LiftHold(ctx context.Context, accountID string) error {
	var h Hold
	if err := st.get(ctx, holdsPK, accountID, &h); err != nil {
		return err
	}
	return st.del(ctx, holdsPK, accountID)
}

// Hold returns the subject's hold, or ErrNotFound.
func (st *Store) Hold(ctx context.Context, accountID string) (Hold, error) {
	var h Hold
	return h, st.get(ctx, holdsPK, accountID, &h)
}

// Holds lists every active hold.
func (st *Store) Holds(ctx context.Context) ([]Hold, error) {
	var out []Hold
	return out, st.query(ctx, holdsPK, "", &out)
}

// PutJob creates an erasure job unless one exists, and returns the job in force.
func (st *Store) PutJob(ctx context.Context, j Job) (Job, error) {
	err := st.put(ctx, jobsPK, j.AccountID, j, j.RequestedAt.Add(JobRetention), aws.String("attribute_not_exists(pk)"))
	if errors.Is(err, ErrConflict) {
		return st.Job(ctx, j.AccountID)
	}
	return j, err
}

// Job returns an erasure job, or ErrNotFound.
func (st *Store) Job(ctx context.Context, accountID string) (Job, error) {
	var j Job
	return j, st.get(ctx, jobsPK, accountID, &j)
}

// SaveJob records progress if nobody else did meanwhile (ErrConflict otherwise).
func (st *Store) SaveJob(ctx context.Context, j Job) (Job, error) {
	prev := j.Version
	j.Version++
	err := st.put(ctx, jobsPK, j.AccountID, j, j.RequestedAt.Add(JobRetention), aws.String("version = :v"),
		map[string]types.AttributeValue{":v": &types.AttributeValueMemberN{Value: strconv.FormatInt(prev, 10)}})
	return j, err
}

// Jobs lists erasure jobs.
func (st *Store) Jobs(ctx context.Context) ([]Job, error) {
	var out []Job
	return out, st.query(ctx, jobsPK, "", &out)
}

// Audit appends an admin action to the audit log.
func (st *Store) Audit(ctx context.Context, e AuditEntry) error {
	return st.put(ctx, auditPrefix+e.At.UTC().Format("2006-01"), e.At.UTC().Format(time.RFC3339Nano)+"#"+e.Subject, e, e.At.Add(AuditRetention), nil)
}

// AuditLog returns the audit entries of a month (yyyy-mm).
func (st *Store) AuditLog(ctx context.Context, month string) ([]AuditEntry, error) {
	var out []AuditEntry
	return out, st.query(ctx, auditPrefix+month, "", &out)
}

// PutReceipt stores a sweep receipt.
func (st *Store) PutReceipt(ctx context.Context, r Receipt) error {
	return st.put(ctx, receiptPrefix+r.At.UTC().Format("2006-01-02"), r.At.UTC().Format(time.RFC3339Nano), r, r.At.Add(ReceiptRetention), nil)
}

// Receipts returns the receipts of a day (yyyy-mm-dd).
func (st *Store) Receipts(ctx context.Context, day string) ([]Receipt, error) {
	var out []Receipt
	return out, st.query(ctx, receiptPrefix+day, "", &out)
}

// AuditFor returns the audit entries that name a subject, over the audit retention.
func (st *Store) AuditFor(ctx context.Context, accountID string, now time.Time) ([]AuditEntry, error) {
	out := []AuditEntry{}
	first := now.UTC().AddDate(0, 0, -int(AuditRetention.Hours()/24))
	for m := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC); !m.Before(time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, time.UTC)); m = m.AddDate(0, -1, 0) {
		entries, err := st.AuditLog(ctx, m.Format("2006-01"))
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if e.Subject == accountID || e.Actor == accountID {
				out = append(out, e)
			}
		}
	}
	return out, nil
}

// SweepExpired deletes the privacy table's records past their TTL (erasure jobs,
// audit entries, receipts) and counts them by kind.
func (st *Store) SweepExpired(ctx context.Context, now time.Time) (map[string]int, error) {
	counts := map[string]int{}
	var start map[string]types.AttributeValue
	for {
		out, err := st.DB.Scan(ctx, &dynamodb.ScanInput{
			TableName: aws.String(st.Table), ExclusiveStartKey: start, ConsistentRead: aws.Bool(true),
			FilterExpression:          aws.String("#ttl <= :now"),
			ExpressionAttributeNames:  map[string]string{"#ttl": "ttl"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":now": &types.AttributeValueMemberN{Value: strconv.FormatInt(now.Unix(), 10)}},
		})
		if err != nil {
			return counts, fmt.Errorf("scan privacy table: %w", err)
		}
		for _, it := range out.Items {
			pk := it["pk"].(*types.AttributeValueMemberS).Value
			sk := it["sk"].(*types.AttributeValueMemberS).Value
			switch {
			case pk == jobsPK:
				counts["privacy.erasure"]++
			case len(pk) > len(auditPrefix) && pk[:len(auditPrefix)] == auditPrefix:
				counts["privacy.audit"]++
			default:
				counts["privacy.receipts"]++
			}
			if err := st.del(ctx, pk, sk); err != nil {
				return counts, err
			}
		}
		if len(out.LastEvaluatedKey) == 0 {
			return counts, nil
		}
		start = out.LastEvaluatedKey
	}
}

// Record implements the identity module's Auditor on the audit log.
func (st *Store) Record(ctx context.Context, action, actor, subject, reason string) error {
	return st.Audit(ctx, AuditEntry{At: time.Now().UTC(), Action: action, Actor: actor, Subject: subject, Reason: reason})
}

// FromEnv returns the store on PRIVACY_TABLE.
func FromEnv(ctx context.Context) (*Store, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return nil, err
	}
	var r env.Reader
	st := &Store{DB: dynamodb.NewFromConfig(cfg), Table: r.String("PRIVACY_TABLE")}
	return st, r.Err()
}
