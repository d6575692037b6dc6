// Command retentionsweep is the hourly retention sweeper: it deletes what is past
// its retention in every module, skips held data, resumes stopped erasures and
// stores a receipt; after a restore, an operator's event replays the erasures since
// the restore point (rights.SweepEvent).
package main

import (
	"github.com/aws/aws-lambda-go/lambda"

	"kontor/shared/logging"
	"kontor/shared/privacy/privacywire"
)

func main() {
	svc := privacywire.Must(logging.New("retention"), privacywire.Retention)
	lambda.Start(svc.HandleSweep)
}
