package local

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// dynamo returns a DynamoDB client for endpoint that does not retry, so each call
// shows what one request met.
func dynamo(t *testing.T, s *Stack, endpoint string) *dynamodb.Client {
	t.Helper()
	cfg, err := s.AWSConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		o.BaseEndpoint = aws.String(endpoint)
		o.RetryMaxAttempts = 1
		o.HTTPClient = &http.Client{Transport: &http.Transport{}}
	})
}

func timed(c *dynamodb.Client, timeout time.Duration, call func(context.Context, *dynamodb.Client) error) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	start := time.Now()
	err := call(ctx, c)
	return time.Since(start), err
}

// The fault proxy sits between the functions and the emulator, and only there: its
// toxics slow down, cut or refuse the functions' calls while the direct endpoint
// (the stack's pollers, the tests' clients) stays untouched; pausing moto stops both.
func TestFaultProxyBetweenFunctionsAndEmulator(t *testing.T) {
	s := startTestStack(t, tableTemplate, Options{FaultProxy: true})
	f := s.Faults()
	if f == nil {
		t.Fatal("no fault proxy")
	}
	if got := s.functionsEndpoint(); got != f.URL() || got == s.EndpointURL {
		t.Fatalf("functions' endpoint %s, proxy %s, emulator %s", got, f.URL(), s.EndpointURL)
	}
	t.Cleanup(func() { _ = f.Reset() })
	table := aws.String(s.Name("Things"))
	viaProxy, direct := dynamo(t, s, f.URL()), dynamo(t, s, s.EndpointURL)
	describe := func(ctx context.Context, c *dynamodb.Client) error {
		_, err := c.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: table})
		return err
	}
	put := func(pk string) func(context.Context, *dynamodb.Client) error {
		return func(ctx context.Context, c *dynamodb.Client) error {
			_, err := c.PutItem(ctx, &dynamodb.PutItemInput{TableName: table, Item: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: pk}}})
			return err
		}
	}
	stored := func(pk string) bool {
		out, err := direct.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: table, Key: map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: pk}}})
		if err != nil {
			t.Fatal(err)
		}
		return out.Item != nil
	}
	if _, err := timed(viaProxy, 5*time.Second, describe); err != nil {
		t.Fatalf("through the proxy without toxics: %v", err)
	}

	// Latency: the functions' calls take longer, the direct ones do not.
	const latency = 2 * time.Second
	if _, err := f.Latency(latency); err != nil {
		t.Fatal(err)
	}
	if d, err := timed(viaProxy, 10*time.Second, describe); err != nil || d < latency {
		t.Fatalf("with %v latency: %v after %v", latency, err, d)
	}
	if d, err := timed(direct, 10*time.Second, describe); err != nil || d >= latency {
		t.Fatalf("direct call slowed by the proxy's latency: %v after %v", err, d)
	}
	f.RemoveAll()
	if d, err := timed(viaProxy, 10*time.Second, describe); err != nil || d >= latency {
		t.Fatalf("latency removed: %v after %v", err, d)
	}

	// Cut connections: a reset before the request reaches moto changes nothing; a
	// reset of the answer leaves the write done; a cut-off answer fails the call.
	name, err := f.ResetPeer(Requests, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := timed(viaProxy, 5*time.Second, put("reset-request")); err == nil || stored("reset-request") {
		t.Fatalf("reset request: err %v, stored %v", err, stored("reset-request"))
	}
	if err := f.Remove(name); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ResetPeer(Answers, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := timed(viaProxy, 5*time.Second, put("reset-answer")); err == nil || !stored("reset-answer") {
		t.Fatalf("reset answer: err %v, stored %v", err, stored("reset-answer"))
	}
	f.RemoveAll()
	// A share of answers cut, decided per answer: on one kept-alive connection (a
	// toxic's toxicity is drawn once per connection) some answers are cut, not all
	// or none, and each cut one's write is done.
	if _, err := f.CutAnswers(0.5); err != nil {
		t.Fatal(err)
	}
	keep := dynamo(t, s, f.URL())
	cut, done := 0, 0
	for i := range 40 {
		pk := fmt.Sprintf("cut-%d", i)
		if _, err := timed(keep, 5*time.Second, put(pk)); err != nil {
			cut++
		}
		if stored(pk) {
			done++
		}
	}
	if cut < 5 || cut > 35 || done != 40 {
		t.Fatalf("half the answers cut: %d of 40 calls failed, %d of 40 writes done", cut, done)
	}
	f.RemoveAll()
	if _, err := f.LimitData(Answers, 20); err != nil {
		t.Fatal(err)
	}
	if _, err := timed(viaProxy, 5*time.Second, describe); err == nil {
		t.Fatal("answer cut after 20 bytes, yet the call succeeded")
	}
	f.RemoveAll()
	if _, err := f.Timeout(Answers, 0); err != nil {
		t.Fatal(err)
	}
	if d, err := timed(viaProxy, time.Second, describe); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("answers held back: %v after %v", err, d)
	}
	f.RemoveAll()

	// Disabled: refused, as if the emulator had stopped; enabled again: works.
	f.Disable()
	if _, err := timed(viaProxy, 5*time.Second, describe); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("disabled proxy: %v", err)
	}
	if _, err := timed(direct, 5*time.Second, describe); err != nil {
		t.Fatalf("direct call while the proxy is disabled: %v", err)
	}
	if err := f.Enable(); err != nil {
		t.Fatal(err)
	}
	if _, err := timed(viaProxy, 5*time.Second, describe); err != nil {
		t.Fatalf("enabled again: %v", err)
	}

	// Paused emulator: every call hangs, the direct ones too, until it continues.
	if err := f.PauseEmulator(); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*dynamodb.Client{"through the proxy": viaProxy, "direct": direct} {
		if _, err := timed(c, time.Second, describe); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("%s while moto is paused: %v", name, err)
		}
	}
	if err := f.ResumeEmulator(); err != nil {
		t.Fatal(err)
	}
	if _, err := timed(viaProxy, 5*time.Second, describe); err != nil {
		t.Fatalf("resumed: %v", err)
	}
}
