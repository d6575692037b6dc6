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
