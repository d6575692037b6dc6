// Command requestlog is the hourly request-log aggregator: it counts raw request
// records into anonymous daily statistics, deletes them as the mode requires, and
// closes finished days (their salt and visitor pseudonyms are deleted).
package main

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/lambda"

	"kontor/shared/logging"
	"kontor/shared/requestlog"
	"kontor/shared/requestlog/requestlogwire"
)

func main() {
	agg := requestlogwire.MustAggregator(logging.New("requestlog"))
	lambda.Start(func(ctx context.Context, _ json.RawMessage) (requestlog.Report, error) { return agg.Run(ctx) })
}
