// Command searchindex keeps the network's search index (HKC-9) up to date with
// the network table, as its stream reports changed keys.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"

	"kontor/shared/env"
	"kontor/shared/logging"
	"kontor/shared/network/networkwire"
)

func main() {
	log := logging.New("searchindex")
	h := env.Must(log, func(ctx context.Context) (networkwire.Indexer, error) { return networkwire.NewIndexer(ctx, log) })
	lambda.Start(h.Handle)
}
