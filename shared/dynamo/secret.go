package dynamo

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Secret is a per-deployment hashing secret kept in a module's own table under Key,
// made on first use with a conditional put (so concurrent first calls agree on one)
// and kept in memory afterwards. It keys the hashes that stand for an address in a
// table's index, so no index key holds an address in the clear. Reading it needs
// GetItem, making it PutItem, on the table.
type Secret struct {
	Table Table
	Key   Item

	mu    sync.Mutex
	value []byte
}

// Bytes returns the secret, making it when the table holds none yet.
func (s *Secret) Bytes(ctx context.Context) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.value != nil {
		return s.value, nil
	}
	v, err := s.read(ctx)
	if err == nil && v == nil {
		fresh := make([]byte, 32)
		if _, err := rand.Read(fresh); err != nil {
			return nil, fmt.Errorf("hashing secret in %s: %w", s.Table.Name, err)
		}
		it := Item{"secret": &types.AttributeValueMemberB{Value: fresh}}
		for k, a := range s.Key {
			it[k] = a
		}
		_, err = s.Table.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.Table.Name), Item: it, ConditionExpression: aws.String(NotExists.Expr)})
		switch {
		case ConditionFailed(err):
			v, err = s.read(ctx)
		case err == nil:
			v = fresh
		}
	}
	if err != nil {
		return nil, fmt.Errorf("hashing secret in %s: %w", s.Table.Name, err)
	}
	if len(v) < 16 {
		return nil, errors.New("hashing secret in " + s.Table.Name + " is malformed")
	}
	s.value = v
	return v, nil
}

func (s *Secret) read(ctx context.Context) ([]byte, error) {
	out, err := s.Table.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table.Name), Key: s.Key, ConsistentRead: aws.Bool(true)})
	if err != nil {
		return nil, err
	}
	if b, ok := out.Item["secret"].(*types.AttributeValueMemberB); ok {
		return b.Value, nil
	}
	return nil, nil
}

// AddressKey is the keyed hash under which an email address is indexed: HMAC-SHA-256
// of the normalised (trimmed, lower-case) address with the secret, hex, 32
// characters.
func AddressKey(secret []byte, email string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("email:" + strings.ToLower(strings.TrimSpace(email))))
	return hex.EncodeToString(m.Sum(nil))[:32]
}

// Index names the global secondary index under which a table's items of one person
// are found, and its hash key attribute.
type Index struct{ Name, Attr string }

// Keys calls fn with the table key (pk, and sk where the table has one) of every
// item the index holds under value: one person's items, whatever else the table
// holds. The index is eventually consistent; callers read each item afresh by key.
func (t Table) Keys(ctx context.Context, ix Index, value string, fn func(Item) error) error {
	return t.QueryIndex(ctx, ix.Name, ix.Attr, value, func(it Item) error {
		k := Item{PK: it[PK]}
		if sk, ok := it[SK]; ok {
			k[SK] = sk
		}
		return fn(k)
	})
}

// SetIfMissing writes attribute name = value on the item under key when it exists
// and lacks the attribute: how a sweep gives items stored before an index the
// attribute the index is keyed by.
func (t Table) SetIfMissing(ctx context.Context, key Item, name, value string) error {
	_, err := t.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(t.Name), Key: key,
		UpdateExpression:          aws.String("SET #a = :v"),
		ConditionExpression:       aws.String("attribute_exists(pk) AND attribute_not_exists(#a)"),
		ExpressionAttributeNames:  map[string]string{"#a": name},
		ExpressionAttributeValues: Item{":v": S(value)},
	})
	if err != nil && !ConditionFailed(err) {
		return fmt.Errorf("index %s in %s: %w", Redacted(String(key, PK)), t.Name, err)
	}
	return nil
}
