package bench

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/smithy-go/middleware"

	"kontor/infra/local"
	"kontor/shared/dynamo"
	"kontor/shared/ids"
	"kontor/shared/network"
	"kontor/shared/network/networkdb"
)

// MessagesResult is what sending a direct message (HKC-7) costs: the service
// with the real stores and KMS against the emulator, its DynamoDB and KMS
// requests per message by operation (counted by SDK middleware on every call
// the clients make), and its latency next to a bare PutItem of the same run.
type MessagesResult struct {
	Samples int `json:"samples"`
	// Send: a message to a member whose side exists (steady state).
	Send Latency `json:"send"`
	// Calls are the AWS requests of one steady-state send, "Service.Operation".
	Calls map[string]int `json:"calls"`
	// FirstCalls are those of the first message to a member without a side yet.
	FirstCalls map[string]int `json:"firstCalls"`
	// BlockedCalls are those of a message to a member who blocks the sender.
	BlockedCalls map[string]int `json:"blockedCalls"`
	PutItem      Latency        `json:"putItem"` // bare PutItem of a small item, SDK loop
	Ratio        float64        `json:"ratioToPutItem"`
}

// callCounter counts the AWS requests made through a config, by service and
// operation, as an SDK middleware (Initialize step: once per operation call,
// retries not counted again).
type callCounter struct {
	mu    sync.Mutex
	calls map[string]int
}

func (c *callCounter) add(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("kontorBenchCount",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			c.mu.Lock()
			c.calls[awsmiddleware.GetServiceID(ctx)+"."+awsmiddleware.GetOperationName(ctx)]++
			c.mu.Unlock()
			return next.HandleInitialize(ctx, in)
		}), middleware.After)
}

// take returns the counts since the last take and starts again.
func (c *callCounter) take() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.calls
	c.calls = map[string]int{}
	return out
}

// RunMessages seeds two members with complete profiles and a conversation,
// then sends samples messages, interleaved with a bare PutItem.
func RunMessages(ctx context.Context, s *local.Stack, samples int) (MessagesResult, error) {
	res := MessagesResult{Samples: samples}
	cfg, err := s.AWSConfig(ctx)
	if err != nil {
		return res, err
	}
	counter := &callCounter{calls: map[string]int{}}
	counted := cfg.Copy()
	counted.APIOptions = append(counted.APIOptions, counter.add)
	db := dynamodb.NewFromConfig(counted)
	table := s.Name("NetworkTable")
	store := &networkdb.Messages{Store: &networkdb.Store{DB: db, Table: table}, Keys: s.Name("MessageKeysTable")}
	keys := networkdb.SideKeys{KMS: kms.NewFromConfig(counted), KeyID: "alias/kontor-messages"}
	now := func() time.Time { return time.Now().UTC() }
	svc := &network.MessageService{Store: store, Keys: keys, Now: now}
	members := make([]string, 4)
	for i := range members {
		members[i] = ids.NewV7(now())
		p := network.Profile{AccountID: members[i], FirstName: "Bench", LastName: fmt.Sprint(i), Gender: "unspecified", Company: "Bench GmbH",
			RoleInCompany: "CEO", CompanyWebsite: "https://bench.example", Street: "Weg", HouseNumber: "1", PostalCode: "20457", City: "Hamburg",
			Country: "DE", Phone: "+49 40 1", Fax: "+49 40 2", Email: "bench@bench.example", Version: 1}
		if err := store.Put(ctx, p, 0); err != nil {
			return res, fmt.Errorf("seed profile: %w", err)
		}
	}
	sender := network.Reader{AccountID: members[0]}
	text := "Guten Tag, wie besprochen schicke ich Ihnen die Unterlagen bis Freitag."
	send := func(peer string) (map[string]int, error) {
		v, _, err := svc.Open(ctx, sender, network.OpenInput{AccountID: &peer})
		if err != nil {
			return nil, err
		}
		counter.take()
		if _, err := svc.Send(ctx, sender, v.ID, network.MessageInput{Text: &text}); err != nil {
			return nil, err
		}
		return counter.take(), nil
	}
	// The first message to members[1] creates their side; members[2] blocks the sender.
	if res.FirstCalls, err = send(members[1]); err != nil {
		return res, fmt.Errorf("first send: %w", err)
	}
	if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: dynamo.Key("ACCOUNT#"+members[2], "BLOCK#"+members[0])}); err != nil {
		return res, err
	}
	if res.BlockedCalls, err = send(members[2]); err != nil {
		return res, fmt.Errorf("blocked send: %w", err)
	}
	peer := members[1]
	conv, _, err := svc.Open(ctx, sender, network.OpenInput{AccountID: &peer})
	if err != nil {
		return res, err
	}
	var sends, puts []time.Duration
	for i := range samples {
		counter.take()
		start := time.Now()
		if _, err := svc.Send(ctx, sender, conv.ID, network.MessageInput{Text: &text}); err != nil {
			return res, fmt.Errorf("send: %w", err)
		}
		sends = append(sends, time.Since(start))
		res.Calls = counter.take()
		start = time.Now()
		if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(table), Item: dynamo.Key("BENCH#messages", fmt.Sprint(i))}); err != nil {
			return res, fmt.Errorf("PutItem: %w", err)
		}
		puts = append(puts, time.Since(start))
	}
	res.Send, res.PutItem = summarize(sends, 0, 0), summarize(puts, 0, 0)
	res.Ratio = float64(res.Send.P50) / float64(res.PutItem.P50)
	return res, nil
}
