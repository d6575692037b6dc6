// Command retention is the hourly retention sweeper: it deletes what is past its
// retention in every module, skips held data, resumes stopped erasures and stores a
// receipt.
package main

import (
	"context"
	"encoding/json"

	"github.com/aws/aws-lambda-go/lambda"

	"kontor/shared/privacy/privacydb"
	"kontor/shared/privacy/privacywire"
)

func main() {
	svc, _ := privacywire.MustService("retention", privacywire.Store|privacywire.Modules)
	lambda.Start(func(ctx context.Context, _ json.RawMessage) (privacydb.Receipt, error) { return svc.Sweep(ctx) })
}
