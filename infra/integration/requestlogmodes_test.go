package integration

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/ids"
	"kontor/shared/requestlog"
	"kontor/shared/requestlog/requestlogdb"
)

// createScratchTable makes a pk/sk table for an in-process test of one module.
func createScratchTable(t *testing.T, prefix string) string {
	t.Helper()
	name := prefix + "-" + ids.NewV7(time.Now())[:13]
	_, err := db().CreateTable(context.Background(), &dynamodb.CreateTableInput{
		TableName: aws.String(name), BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("sk"), AttributeType: types.ScalarAttributeTypeS},
		},
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String("sk"), KeyType: types.KeyTypeRange},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = db().DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: aws.String(name)})
	})
	return name
}

// Promise: HKC-12 — page-access records kept 60 days for security investigations, then deleted.
// Promise: H4U-1 — server log files kept twelve months, then deleted automatically.
// The modes that keep raw records count them once, keep them exactly as long as the
// mode says, and then delete them.
func TestKeepingModesDeleteRawRecordsAfterTheirRetention(t *testing.T) {
	for _, tc := range []struct {
		mode string
		keep time.Duration
	}{{requestlog.ModeSecurity, 60 * 24 * time.Hour}, {requestlog.ModeServerLog, 365 * 24 * time.Hour}} {
		t.Run(tc.mode, func(t *testing.T) {
			table := createScratchTable(t, "scratch-requestlog")
			start := time.Now().UTC()
			clock := start
			agg := &requestlogdb.Aggregator{DB: db(), Table: table, Mode: tc.mode, Now: func() time.Time { return clock },
				Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
			keep, err := requestlog.Retention(tc.mode)
			if err != nil || keep != tc.keep {
				t.Fatalf("retention %v %v", keep, err)
			}
			rec := &requestlogdb.Recorder{DB: db(), Table: table, Retention: keep}
			for i := range 5 {
				if err := rec.Record(context.Background(), requestlog.Raw{At: start, IP: "203.0.113.7", Method: "GET", Route: "GET /v1/me",
					Status: 200, ID: "r" + string(rune('a'+i)), Feature: "me"}); err != nil {
					t.Fatal(err)
				}
			}
			rep, err := agg.Run(context.Background())
			if err != nil || rep.Counted != 5 || rep.Deleted != 0 {
				t.Fatalf("first run %+v %v", rep, err)
			}
			// Counted once: a second run counts nothing again.
			if rep, err = agg.Run(context.Background()); err != nil || rep.Counted != 0 {
				t.Fatalf("second run %+v %v", rep, err)
			}
			raw, err := agg.RawRecords(context.Background(), requestlog.Day(start))
			if err != nil || len(raw) != 5 {
				t.Fatalf("kept raw records %d %v", len(raw), err)
			}
			clock = start.Add(keep - time.Hour)
			if rep, _ = agg.Run(context.Background()); rep.Deleted != 0 {
				t.Fatalf("deleted before the retention ended: %+v", rep)
			}
			clock = start.Add(keep + time.Minute)
			if rep, err = agg.Run(context.Background()); err != nil || rep.Deleted != 5 {
				t.Fatalf("after the retention %+v %v", rep, err)
			}
			out, err := db().Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true)})
			if err != nil {
				t.Fatal(err)
			}
			if s := toJSON(t, out.Items); strings.Contains(s, "203.0.113.7") {
				t.Fatal("an address outlived the retention")
			}
		})
	}
}
