// Package idempotency keeps the answers of creating requests under the key the
// caller sends in the Idempotency-Key header (draft-ietf-httpapi-idempotency-key-header),
// so a request repeated after a lost response gets the first answer instead of
// doing the work twice. A key belongs to the signed-in account, or on a route
// without a session to the client address (kept only as a keyed hash), and to the
// route. The first request claims the key with a conditional write, its handler
// runs, and its answer is kept for 24 hours, sealed with a key derived from the
// caller's Idempotency-Key: the table holds no answer anyone can read without it.
package idempotency

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/dynamo"
	"kontor/shared/ids"
)

// Headers of the mechanism.
const (
	// Header carries the caller's key.
	Header = "Idempotency-Key"
	// ReplayedHeader marks an answer that was kept from the first request.
	ReplayedHeader = "Idempotent-Replayed"
)

// Lifetimes.
const (
	// TTL is how long a key and its answer are kept: a retry a day later is a new
	// request.
	TTL = 24 * time.Hour
	// Lease is how long a claim stays in flight without an answer before a repeat
	// may take it over: longer than any request may run (API Gateway gives an
	// integration at most 30 s; the functions have 10 s).
	Lease = 30 * time.Second
	// InFlightRetryAfter is what a repeat that meets the first request still
	// running is asked to wait, in seconds.
	InFlightRetryAfter = 1
)

// Key bounds: long enough that a key cannot be guessed (a UUID has 36 characters),
// short enough to bound what is hashed.
const (
	MinKeyLen = 16
	MaxKeyLen = 128
)

// ErrMalformed is a header value that is no key.
var ErrMalformed = errors.New("idempotency: malformed key")

// ParseKey reads an Idempotency-Key header value: a structured-field string as the
// draft defines it ("…"), or the same characters without quotes, 16 to 128 of
// A–Z, a–z, 0–9 and - _ . ~ : + / = (a UUID, base64 or base64url, a ULID).
func ParseKey(v string) (string, error) {
	v = strings.TrimSpace(v)
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		v = v[1 : len(v)-1]
	}
	if len(v) < MinKeyLen || len(v) > MaxKeyLen {
		return "", ErrMalformed
	}
	for _, r := range v {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.~:+/=", r)
		if !ok {
			return "", ErrMalformed
		}
	}
	return v, nil
}

// Scope is whose keys a key is among: the signed-in account, or, on a route
// without a session, the client address.
type Scope struct {
	AccountID string
	ClientIP  string
}

// Request is one request that carries a key.
type Request struct {
	Scope Scope
	// Route is the route key ("POST /v1/accounts"); a key is scoped to it.
	Route string
	Key   string
	// Method, Path and Body make the request's fingerprint: a key sent again with
	// another request is refused.
	Method, Path string
	Body         []byte
}

// Fingerprint is what identifies a request under its key: the method, the path
// (with its parameters) and the SHA-256 of the body.
func (r Request) Fingerprint() string {
	body := sha256.Sum256(r.Body)
	sum := sha256.Sum256([]byte(r.Method + " " + r.Path + "\n" + hex.EncodeToString(body[:])))
	return hex.EncodeToString(sum[:])
}

// Response is an answer as it is kept and replayed: status, headers and body.
// Cookies are never kept (a session cookie is a secret); no creating route sets one.
type Response struct {
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    string            `json:"body,omitempty"`
}

// Outcome is what Begin found.
type Outcome int

const (
	// Run: the key is claimed; run the handler, then Finish or Release.
	Run Outcome = iota
	// Replay: the first request's answer is in Claim.Stored.
	Replay
	// InFlight: the first request with this key is still running.
	InFlight
	// Mismatch: the key was sent before with another request.
	Mismatch
)

// Claim is a key as Begin found or claimed it.
type Claim struct {
	Outcome Outcome
	// Stored is the first answer (Outcome Replay).
	Stored Response

	pk, sk, token string
	sealKey       []byte
}

// ErrLost is a claim that was released or taken over before its answer was kept.
var ErrLost = errors.New("idempotency: claim lost")

// Item states.
const (
	stateRunning = "running"
	stateDone    = "done"
)

// Key schema of the table (pk, sk):
//
//	ACCOUNT#<account id>   <route key>#<keyed hash of the key>   a key of a signed-in account
//	CLIENT#<keyed hash>    <route key>#<keyed hash of the key>   a key on a route without a session
//	CONFIG                 SECRET                                the deployment's hashing secret
const (
	prefixAccount = "ACCOUNT#"
	prefixClient  = "CLIENT#"
	pkConfig      = "CONFIG"
	skSecret      = "SECRET"
)

// record is a key as stored.
type record struct {
	Route       string `dynamodbav:"route"`
	State       string `dynamodbav:"state"`
	Fingerprint string `dynamodbav:"fingerprint"`
	Token       string `dynamodbav:"token"`
	LeaseUntil  int64  `dynamodbav:"leaseUntil"`
	CreatedAt   int64  `dynamodbav:"createdAt"`
	TTL         int64  `dynamodbav:"ttl"`
	Status      int    `dynamodbav:"status,omitempty"`
	// Sealed is the answer's headers and body, sealed (AES-GCM) under a key derived
	// from the caller's Idempotency-Key.
	Sealed []byte `dynamodbav:"sealed,omitempty"`
}

// Store keeps keys and answers in the idempotency table.
type Store struct {
	DB    dynamo.DB
	Table string
	Now   func() time.Time

	mu     sync.Mutex
	secret []byte
}

func (s *Store) table() dynamo.Table { return dynamo.Table{DB: s.DB, Name: s.Table} }

// Begin claims the request's key, or finds what an earlier request with it left:
// its answer, its request still running, or another request under the same key.
// A claim whose own answer was lost (the SDK retried the write) is recognised by
// its token and is still this request's.
func (s *Store) Begin(ctx context.Context, r Request) (Claim, error) {
	secret, err := s.hashSecret(ctx)
	if err != nil {
		return Claim{}, err
	}
	now := s.Now()
	c := Claim{pk: partition(secret, r.Scope), sk: r.Route + "#" + keyed(secret, "key", r.Key), token: ids.NewToken()}
	c.sealKey = derive(secret, "seal", c.pk+"\x00"+c.sk+"\x00"+r.Key)
	fp := r.Fingerprint()
	rec := record{Route: r.Route, State: stateRunning, Fingerprint: fp, Token: c.token,
		LeaseUntil: now.Add(Lease).Unix(), CreatedAt: now.Unix(), TTL: now.Add(TTL).Unix()}
	// A key is free when it was never used, when its day has passed, or when the
	// request that claimed it with the same fingerprint ended without an answer.
	free := dynamo.Cond{
		Expr:   "attribute_not_exists(pk) OR #ttl <= :now OR (#state = :running AND #lease <= :now AND #fp = :fp)",
		Names:  map[string]string{"#ttl": dynamo.TTL, "#state": "state", "#lease": "leaseUntil", "#fp": "fingerprint"},
		Values: dynamo.Item{":now": dynamo.N(now.Unix()), ":running": dynamo.S(stateRunning), ":fp": dynamo.S(fp)},
	}
	key := dynamo.Key(c.pk, c.sk)
	for range 3 {
		err := s.table().Put(ctx, key, rec, time.Time{}, free)
		if err == nil {
			c.Outcome = Run
			return c, nil
		}
		if !errors.Is(err, dynamo.ErrConflict) {
			// The claim may have been written with its answers lost: give it up, so a
			// repeat need not wait for the lease (best effort; the store is failing).
			_ = s.Release(ctx, c)
			return Claim{}, fmt.Errorf("claim idempotency key: %w", err)
		}
		var have record
		err = s.table().Get(ctx, key, &have, now)
		if errors.Is(err, dynamo.ErrNotFound) {
			continue // released meanwhile: claim it again
		}
		if err != nil {
			return Claim{}, fmt.Errorf("read idempotency key: %w", err)
		}
		switch {
		case have.Token == c.token:
			c.Outcome = Run // this request's own claim, whose answer was lost
		case have.Fingerprint != fp:
			c.Outcome = Mismatch
		case have.State == stateDone:
			c.Outcome = Replay
			c.Stored, err = c.open(have)
			if err != nil {
				return Claim{}, err
			}
		default:
			c.Outcome = InFlight
		}
		return c, nil
	}
	c.Outcome = InFlight
	return c, nil
}

// Finish keeps the answer of a claimed key for TTL. ErrLost when the claim was
// released or taken over meanwhile (its request outlived the lease).
func (s *Store) Finish(ctx context.Context, c Claim, resp Response) error {
	sealed, err := c.seal(resp)
	if err != nil {
		return err
	}
	_, err = s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                aws.String(s.Table),
		Key:                      dynamo.Key(c.pk, c.sk),
		UpdateExpression:         aws.String("SET #state = :done, #status = :status, #sealed = :sealed"),
		ConditionExpression:      aws.String("#token = :token"),
		ExpressionAttributeNames: map[string]string{"#state": "state", "#status": "status", "#sealed": "sealed", "#token": "token"},
		ExpressionAttributeValues: dynamo.Item{
			":done": dynamo.S(stateDone), ":status": dynamo.N(int64(resp.Status)),
			":sealed": &types.AttributeValueMemberB{Value: sealed}, ":token": dynamo.S(c.token),
		},
	})
	if dynamo.ConditionFailed(err) {
		return ErrLost
	}
	if err != nil {
		return fmt.Errorf("keep idempotent answer: %w", err)
	}
	return nil
}

// Release gives a claimed key up, so a repeat runs the request again (its handler
// failed: nothing was done, or not for certain). Releasing twice is harmless.
func (s *Store) Release(ctx context.Context, c Claim) error {
	_, err := s.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName:                 aws.String(s.Table),
		Key:                       dynamo.Key(c.pk, c.sk),
		ConditionExpression:       aws.String("#token = :token"),
		ExpressionAttributeNames:  map[string]string{"#token": "token"},
		ExpressionAttributeValues: dynamo.Item{":token": dynamo.S(c.token)},
	})
	if err != nil && !dynamo.ConditionFailed(err) {
		return fmt.Errorf("release idempotency key: %w", err)
	}
	return nil
}

// sealed is what the seal holds.
type sealed struct {
	Headers map[string]string `json:"headers,omitempty"`
	Body    string            `json:"body,omitempty"`
}

func (c Claim) aead() (cipher.AEAD, error) {
	block, err := aes.NewCipher(c.sealKey)
	if err != nil {
		return nil, fmt.Errorf("idempotent answer: %w", err)
	}
	return cipher.NewGCM(block)
}

// seal encrypts the answer's headers and body, bound to the item's key.
func (c Claim) seal(resp Response) ([]byte, error) {
	plain, err := json.Marshal(sealed{Headers: resp.Headers, Body: resp.Body})
	if err != nil {
		return nil, fmt.Errorf("idempotent answer: %w", err)
	}
	g, err := c.aead()
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, g.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("idempotent answer: %w", err)
	}
	return g.Seal(nonce, nonce, plain, []byte(c.pk+"\x00"+c.sk)), nil
}

// open decrypts a kept answer.
func (c Claim) open(rec record) (Response, error) {
	g, err := c.aead()
	if err != nil {
		return Response{}, err
	}
	if len(rec.Sealed) < g.NonceSize() {
		return Response{}, errors.New("idempotent answer: sealed answer too short")
	}
	nonce, box := rec.Sealed[:g.NonceSize()], rec.Sealed[g.NonceSize():]
	plain, err := g.Open(nil, nonce, box, []byte(c.pk+"\x00"+c.sk))
	if err != nil {
		return Response{}, errors.New("idempotent answer: cannot open the sealed answer")
	}
	var s sealed
	if err := json.Unmarshal(plain, &s); err != nil {
		return Response{}, fmt.Errorf("idempotent answer: %w", err)
	}
	return Response{Status: rec.Status, Headers: s.Headers, Body: s.Body}, nil
}

// partition is the key's partition: the account's, or the client's keyed hash.
func partition(secret []byte, s Scope) string {
	if s.AccountID != "" {
		return prefixAccount + s.AccountID
	}
	return prefixClient + keyed(secret, "client", s.ClientIP)
}

// AccountPartition is the partition of a signed-in account's keys.
func AccountPartition(accountID string) string { return prefixAccount + accountID }

// keyed is the keyed hash (HMAC-SHA-256 with the deployment's secret) of a value
// of a kind, under which the value is stored.
func keyed(secret []byte, kind, value string) string {
	return hex.EncodeToString(derive(secret, kind, value))[:32]
}

func derive(secret []byte, kind, value string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(kind + ":" + value))
	return m.Sum(nil)
}

// hashSecret returns the deployment's hashing secret, creating it on first use.
func (s *Store) hashSecret(ctx context.Context) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.secret != nil {
		return s.secret, nil
	}
	secret, err := s.table().Secret(ctx, dynamo.Key(pkConfig, skSecret))
	if err != nil {
		return nil, fmt.Errorf("idempotency: %w", err)
	}
	s.secret = secret
	return s.secret, nil
}
