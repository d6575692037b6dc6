package identitydb

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/dynamo"
	"kontor/shared/identity"
)

// Sessions implements identity.SessionStore on the session table (key pk = session
// id; GSI byAccount on accountId; TTL at the absolute expiry).
type Sessions struct {
	DB    dynamo.DB
	Table string
}

// ByAccountIndex is the session table's index from account to sessions.
const ByAccountIndex = "byAccount"

type sessionItem struct {
	PK string `dynamodbav:"pk"`
	identity.Session
	TTL int64 `dynamodbav:"ttl"`
}

func sessionKey(id string) dynamo.Item { return dynamo.Key(id, "") }

// PutSession implements identity.SessionStore.
func (ss *Sessions) PutSession(ctx context.Context, sess identity.Session) error {
	item, err := attributevalue.MarshalMap(sessionItem{PK: sess.ID, Session: sess, TTL: sess.AbsoluteExpiresAt.Unix()})
	if err != nil {
		return fmt.Errorf("marshal session: %w", err)
	}
	_, err = ss.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(ss.Table), Item: item, ConditionExpression: aws.String("attribute_not_exists(pk)")})
	// The id is the digest of a fresh random token: a failed condition means the SDK
	// retried a put whose answer was lost, and the session is stored.
	if err != nil && !dynamo.ConditionFailed(err) {
		return fmt.Errorf("put session: %w", err)
	}
	return nil
}

// Session implements identity.SessionStore.
func (ss *Sessions) Session(ctx context.Context, id string) (identity.Session, error) {
	res, err := ss.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(ss.Table), Key: sessionKey(id), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return identity.Session{}, fmt.Errorf("get session: %w", err)
	}
	if res.Item == nil {
		return identity.Session{}, identity.ErrNotFound
	}
	var it sessionItem
	if err := attributevalue.UnmarshalMap(res.Item, &it); err != nil {
		return identity.Session{}, fmt.Errorf("unmarshal session: %w", err)
	}
	return it.Session, nil
}

// Touch implements identity.SessionStore.
func (ss *Sessions) Touch(ctx context.Context, id string, lastSeen, idleExpires time.Time) error {
	_, err := ss.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(ss.Table), Key: sessionKey(id),
		UpdateExpression:          aws.String("SET lastSeenAt = :seen, idleExpiresAt = :idle"),
		ConditionExpression:       aws.String("attribute_exists(pk)"),
		ExpressionAttributeValues: dynamo.Item{":seen": ts(lastSeen), ":idle": ts(idleExpires)},
	})
	if dynamo.ConditionFailed(err) {
		return identity.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("touch session: %w", err)
	}
	return nil
}

// SetCSRF implements identity.SessionStore.
func (ss *Sessions) SetCSRF(ctx context.Context, id, digest string) error {
	return ss.set(ctx, id, "csrfDigest", dynamo.S(digest))
}

// Confirm implements identity.SessionStore.
func (ss *Sessions) Confirm(ctx context.Context, id string, at time.Time) error {
	return ss.set(ctx, id, "confirmedAt", ts(at))
}

// set sets one attribute of a session that must still exist.
func (ss *Sessions) set(ctx context.Context, id, name string, v types.AttributeValue) error {
	_, err := ss.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(ss.Table), Key: sessionKey(id),
		UpdateExpression:          aws.String("SET #a = :v"),
		ConditionExpression:       aws.String("attribute_exists(pk)"),
		ExpressionAttributeNames:  map[string]string{"#a": name},
		ExpressionAttributeValues: dynamo.Item{":v": v},
	})
	if dynamo.ConditionFailed(err) {
		return identity.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("update session: %w", err)
	}
	return nil
}

// DeleteSession implements identity.SessionStore; deleting a missing session is fine.
func (ss *Sessions) DeleteSession(ctx context.Context, id string) error {
	if _, err := ss.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(ss.Table), Key: sessionKey(id)}); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteSessionsOf implements identity.SessionStore.
func (ss *Sessions) DeleteSessionsOf(ctx context.Context, accountID string) error {
	return ss.EachOf(ctx, accountID, func(id string) error { return ss.DeleteSession(ctx, id) })
}

// SetRoleOf implements identity.SessionStore; a session that ended meanwhile is
// left alone.
func (ss *Sessions) SetRoleOf(ctx context.Context, accountID, role string, on bool) error {
	return ss.EachOf(ctx, accountID, func(id string) error {
		_, err := ss.DB.UpdateItem(ctx, roleChange(ss.Table, sessionKey(id), role, on))
		if err != nil && !dynamo.ConditionFailed(err) {
			return fmt.Errorf("set role of session: %w", err)
		}
		return nil
	})
}

// EachOf calls fn with the id of every session of an account, page by page through
// the byAccount index.
func (ss *Sessions) EachOf(ctx context.Context, accountID string, fn func(id string) error) error {
	t := dynamo.Table{DB: ss.DB, Name: ss.Table}
	return t.QueryIndex(ctx, ByAccountIndex, "accountId", accountID, func(it dynamo.Item) error {
		if id := dynamo.String(it, dynamo.PK); id != "" {
			return fn(id)
		}
		return nil
	})
}
