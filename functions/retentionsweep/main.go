// Command retention is the hourly retention sweeper: it deletes what is past its
// retention in every module, skips held data, resumes stopped erasures and stores a
// receipt.
package main

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/lambda"

	"kontor/shared/logging"
	"kontor/shared/privacy"
	"kontor/shared/privacy/privacywire"
)

func main() {
	svc := privacywire.Must(logging.New("retention"), privacywire.Retention)
	lambda.Start(func(ctx context.Context, _ json.RawMessage) (privacy.Receipt, error) { return svc.Sweep(ctx) })
}
