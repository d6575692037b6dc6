// Package evidencewire builds the evidence log's parts from a function's environment.
package evidencewire

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/env"
	"kontor/shared/evidence"
	"kontor/shared/privacy"
)

// Privacy builds the evidence module's privacy function on EVIDENCE_TABLE.
func Privacy(ctx context.Context) ([]privacy.Module, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return nil, err
	}
	var r env.Reader
	l := &evidence.Log{DB: dynamodb.NewFromConfig(cfg), Table: r.String("EVIDENCE_TABLE"), Retention: r.Days("EVIDENCE_RETENTION_DAYS", evidence.DefaultRetention)}
	return []privacy.Module{evidence.Module{Log: l}}, r.Err()
}
