package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	vegeta "github.com/tsenart/vegeta/v12/lib"

	"kontor/infra/local"
	"kontor/shared/httpapi"
	"kontor/shared/identity/identitywire"
)

// LoadResult is one route's figures under load through the local API gateway.
type LoadResult struct {
	Route   string  `json:"route"`
	Clients int     `json:"clients"`
	Latency Latency `json:"latency"`
}

// MaxLoadRequests bounds one load run in count, as its duration bounds it in time.
const MaxLoadRequests = 200000

// RunLoad sends GET /v1/me (signed in as the seeded local administrator) and GET
// /v1/privacy/processing to the stack's gateway on 127.0.0.1, each from clients
// concurrent clients for d (and at most MaxLoadRequests requests): the whole path of
// a request, gateway, authorizer, function, capture and emulator.
func RunLoad(ctx context.Context, s *local.Stack, clients int, d time.Duration) ([]LoadResult, error) {
	if !strings.HasPrefix(s.APIURL, "http://127.0.0.1:") {
		return nil, fmt.Errorf("load runs go to 127.0.0.1 only, not %s", s.APIURL)
	}
	session, err := signIn(ctx, s)
	if err != nil {
		return nil, err
	}
	routes := []struct {
		path   string
		header http.Header
	}{
		{"/v1/me", http.Header{"Cookie": {httpapi.SessionCookie + "=" + session}}},
		{"/v1/privacy/processing", http.Header{}},
	}
	var out []LoadResult
	for _, r := range routes {
		lat, err := attack(s.APIURL+r.path, r.header, clients, d)
		if err != nil {
			return nil, fmt.Errorf("GET %s: %w", r.path, err)
		}
		out = append(out, LoadResult{Route: "GET " + r.path, Clients: clients, Latency: lat})
	}
	return out, nil
}

// attack runs clients closed-loop clients (each sends its next request when the last
// is answered) against url for d.
func attack(url string, header http.Header, clients int, d time.Duration) (Latency, error) {
	var sent atomic.Int64
	targeter := func(t *vegeta.Target) error {
		if sent.Add(1) > MaxLoadRequests {
			return vegeta.ErrNoTargets
		}
		t.Method, t.URL, t.Header = http.MethodGet, url, header.Clone()
		return nil
	}
	workers := uint64(max(clients, 1)) // #nosec G115 -- at least 1, a flag's small count
	a := vegeta.NewAttacker(vegeta.Workers(workers), vegeta.MaxWorkers(workers), vegeta.KeepAlive(true),
		vegeta.Timeout(30*time.Second), vegeta.Redirects(vegeta.NoFollow))
	var ds []time.Duration
	errs := 0
	var first, last time.Time
	for res := range a.Attack(targeter, vegeta.Rate{Freq: 0}, d, "kontor-bench") {
		if res.Error == vegeta.ErrNoTargets.Error() {
			continue
		}
		if first.IsZero() || res.Timestamp.Before(first) {
			first = res.Timestamp
		}
		if end := res.Timestamp.Add(res.Latency); end.After(last) {
			last = end
		}
		if res.Error != "" || res.Code != http.StatusOK {
			errs++
			continue
		}
		ds = append(ds, res.Latency)
	}
	if len(ds) == 0 {
		return Latency{}, errors.New("no request succeeded")
	}
	return summarize(ds, errs, last.Sub(first)), nil
}

// signIn seeds the local administrator and signs in through the API; it returns the
// session token.
func signIn(ctx context.Context, s *local.Stack) (string, error) {
	cfg, err := s.AWSConfig(ctx)
	if err != nil {
		return "", err
	}
	if _, err := identitywire.SeedLocalAdmin(ctx, cfg, s.Name("IdentityTable")); err != nil {
		return "", err
	}
	resp, err := http.Get(s.APIURL + "/v1/csrf")
	if err != nil {
		return "", err
	}
	_ = resp.Body.Close()
	csrf := cookie(resp, httpapi.CSRFCookie)
	body, _ := json.Marshal(map[string]string{"email": identitywire.LocalAdminEmail, "password": identitywire.LocalAdminPassword})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.APIURL+"/v1/sessions", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(httpapi.CSRFHeader, csrf)
	req.Header.Set("Cookie", httpapi.CSRFCookie+"="+csrf)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	_ = resp.Body.Close()
	session := cookie(resp, httpapi.SessionCookie)
	if resp.StatusCode != http.StatusCreated || session == "" {
		return "", fmt.Errorf("sign-in: status %d", resp.StatusCode)
	}
	return session, nil
}

func cookie(resp *http.Response, name string) string {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// GetItemResult is the emulator's bare GetItem latency.
type GetItemResult struct {
	Sequential Latency `json:"sequential"`
	Concurrent Latency `json:"concurrent"`
}

// RunGetItem measures direct SDK GetItem calls (consistent reads of one small item,
// as the authorizer reads a session) against the stack's emulator: n calls in a loop,
// then clients concurrent loops for d.
func RunGetItem(ctx context.Context, s *local.Stack, n, clients int, d time.Duration) (GetItemResult, error) {
	var res GetItemResult
	cfg, err := s.AWSConfig(ctx)
	if err != nil {
		return res, err
	}
	db := dynamodb.NewFromConfig(cfg)
	table := s.Name("SessionTable")
	key := map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "BENCH#getitem"}}
	item := map[string]types.AttributeValue{"pk": key["pk"], "v": &types.AttributeValueMemberS{Value: strings.Repeat("x", 200)}}
	if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: item}); err != nil {
		return res, err
	}
	defer func() {
		_, _ = db.DeleteItem(context.Background(), &dynamodb.DeleteItemInput{TableName: aws.String(table), Key: key})
	}()
	get := func() (time.Duration, error) {
		t0 := time.Now()
		_, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(table), Key: key, ConsistentRead: aws.Bool(true)})
		return time.Since(t0), err
	}
	var ds []time.Duration
	start := time.Now()
	for range n {
		d, err := get()
		if err != nil {
			return res, err
		}
		ds = append(ds, d)
	}
	res.Sequential = summarize(ds, 0, time.Since(start))
	var mu sync.Mutex
	ds = nil
	errs := 0
	deadline := time.Now().Add(d)
	start = time.Now()
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				took, err := get()
				mu.Lock()
				if err != nil {
					errs++
				} else {
					ds = append(ds, took)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	res.Concurrent = summarize(ds, errs, time.Since(start))
	return res, nil
}
