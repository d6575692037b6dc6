package networkwire

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/env"
	"kontor/shared/httpapi"
	"kontor/shared/network"
	"kontor/shared/network/networkapi"
	"kontor/shared/network/networkdb"
)

// searchStore is the network table (NETWORK_TABLE) as the search index.
func searchStore(ctx context.Context) (*networkdb.Store, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return nil, err
	}
	var r env.Reader
	return &networkdb.Store{DB: dynamodb.NewFromConfig(cfg), Table: r.String("NETWORK_TABLE")}, r.Err()
}

// SearchRoutes are the search function's routes (HKC-9).
func SearchRoutes(ctx context.Context) (map[string]httpapi.Route, error) {
	store, err := searchStore(ctx)
	if err != nil {
		return nil, err
	}
	return networkapi.Search{Svc: &network.SearchService{Store: store}}.Routes(), nil
}

// Indexer is the search index's function: it reindexes what the network table's
// stream names (keys only; each item is read afresh).
type Indexer struct {
	Store *networkdb.Store
	Log   *slog.Logger
}

// NewIndexer builds the indexer on the network table.
func NewIndexer(ctx context.Context, log *slog.Logger) (Indexer, error) {
	store, err := searchStore(ctx)
	return Indexer{Store: store, Log: log}, err
}

// Handle reindexes every item of the batch. A failure fails the batch, which
// the stream delivers again: reindexing is idempotent and reads the latest
// state, so records done twice or out of order end the same.
func (h Indexer) Handle(ctx context.Context, ev events.DynamoDBEvent) (int, error) {
	n := 0
	for _, rec := range ev.Records {
		pk, sk := rec.Change.Keys["pk"], rec.Change.Keys["sk"]
		if pk.DataType() != events.DataTypeString || sk.DataType() != events.DataTypeString {
			continue
		}
		if err := h.Store.Reindex(ctx, pk.String(), sk.String()); err != nil {
			return n, fmt.Errorf("reindex: %w", err)
		}
		n++
	}
	h.Log.InfoContext(ctx, "search index", slog.Int("records", len(ev.Records)))
	return n, nil
}
