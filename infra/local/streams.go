package local

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"kontor/infra/template"
)

// streamPoll is how often the local event source mapping reads a stream.
const streamPoll = 200 * time.Millisecond

// runStreams does locally what Lambda's event source mappings do: read each mapped
// table stream and invoke the function with batches of records, retrying a failed
// batch MaxRetries times before skipping it.
func (s *Stack) runStreams(ctx context.Context) error {
	if len(s.tpl.Streams) == 0 {
		return nil
	}
	cfg, err := s.AWSConfig(ctx)
	if err != nil {
		return err
	}
	db, streams := dynamodb.NewFromConfig(cfg), dynamodbstreams.NewFromConfig(cfg)
	for _, m := range s.tpl.Streams {
		out, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(s.Name(m.Table))})
		if err != nil {
			return fmt.Errorf("describe %s: %w", m.Table, err)
		}
		arn := aws.ToString(out.Table.LatestStreamArn)
		if arn == "" {
			return fmt.Errorf("%s: table %s has no stream", m.LogicalID, m.Table)
		}
		s.schWG.Add(1)
		go func() {
			defer s.schWG.Done()
			s.pollStream(streams, m, arn)
		}()
	}
	return nil
}

func (s *Stack) pollStream(c *dynamodbstreams.Client, m template.StreamMapping, arn string) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { <-s.stopSch; cancel() }()
	readers := map[string]*shardReader{} // shard id → where its reading stands
	for {
		desc, err := c.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: aws.String(arn)})
		if err == nil {
			for _, sh := range desc.StreamDescription.Shards {
				id := aws.ToString(sh.ShardId)
				if readers[id] == nil {
					readers[id] = &shardReader{arn: arn, shard: id}
				}
			}
		}
		for _, r := range readers {
			recs, err := r.read(ctx, c)
			if err != nil {
				continue
			}
			var batch []types.Record
			for _, rec := range recs {
				if len(m.EventNames) == 0 || slices.Contains(m.EventNames, string(rec.EventName)) {
					batch = append(batch, rec)
				}
			}
			for len(batch) > 0 {
				n := min(len(batch), m.BatchSize)
				s.deliverBatch(ctx, m, arn, batch[:n])
				batch = batch[n:]
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(streamPoll):
		}
	}
}

// seenRecords is how many of the latest records a shardReader remembers: more
// than the writes of any transaction (100), whose records may be taken back.
const seenRecords = 1024

// shardReader reads one shard of a table stream in order, from a fresh iterator
// at each poll. The emulator runs a transaction on its tables and, when the
// transaction fails, puts back a copy of the tables taken before it
// (moto/dynamodb/models/__init__.py, transact_write_items): the shard an
// iterator holds is then no longer the table's, so an iterator kept from poll to
// poll would read nothing ever again (moto/dynamodbstreams/models.py, the
// ShardIterator keeps the shard object), and the records of the failed
// transaction's writes, read before the copy came back, name writes that never
// happened, whose sequence numbers the next real records take again. So each
// poll starts at the last record delivered and checks that it is still the one
// delivered (by its event id); when it is not, the reader steps back to the last
// record the shard still holds as delivered and reads on from there. A record is
// delivered again at most after such a step, which the functions take as any
// stream consumer must (they read the items by their keys).
type shardReader struct {
	arn, shard string
	seen       []seenRecord // the latest delivered, oldest first
}

type seenRecord struct{ seq, id string }

// read returns the shard's records after the last one delivered.
func (r *shardReader) read(ctx context.Context, c *dynamodbstreams.Client) ([]types.Record, error) {
	for {
		in := &dynamodbstreams.GetShardIteratorInput{StreamArn: aws.String(r.arn), ShardId: aws.String(r.shard),
			ShardIteratorType: types.ShardIteratorTypeTrimHorizon}
		var last seenRecord
		if len(r.seen) > 0 {
			last = r.seen[len(r.seen)-1]
			in.ShardIteratorType, in.SequenceNumber = types.ShardIteratorTypeAtSequenceNumber, aws.String(last.seq)
		}
		it, err := c.GetShardIterator(ctx, in)
		if err != nil {
			return nil, err
		}
		out, err := c.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: it.ShardIterator})
		if err != nil {
			return nil, err
		}
		recs := out.Records
		if last.seq != "" {
			if len(recs) == 0 || aws.ToString(recs[0].EventID) != last.id {
				// The shard's history was taken back past the last record delivered.
				r.seen = r.seen[:len(r.seen)-1]
				continue
			}
			recs = recs[1:]
		}
		for _, rec := range recs {
			if rec.Dynamodb != nil {
				r.seen = append(r.seen, seenRecord{seq: aws.ToString(rec.Dynamodb.SequenceNumber), id: aws.ToString(rec.EventID)})
			}
		}
		if len(r.seen) > seenRecords {
			r.seen = slices.Clone(r.seen[len(r.seen)-seenRecords:])
		}
		return recs, nil
	}
}

func (s *Stack) deliverBatch(ctx context.Context, m template.StreamMapping, arn string, recs []types.Record) {
	payload, err := streamEvent(arn, recs)
	if err != nil {
		fmt.Fprintf(s.logs, "[stream] %s: %v\n", m.LogicalID, err)
		return
	}
	for attempt := 0; attempt <= m.MaxRetries; attempt++ {
		if _, err = s.Invoke(ctx, m.Function, payload); err == nil {
			return
		}
		if ctx.Err() != nil {
			return
		}
	}
	fmt.Fprintf(s.logs, "[stream] %s: batch of %d skipped after %d retries: %v\n", m.LogicalID, len(recs), m.MaxRetries, err)
	if m.OnFailure == "" {
		return
	}
	if err := s.deadLetter(ctx, m.OnFailure, failureRecord(m, arn, recs, err)); err != nil {
		fmt.Fprintf(s.logs, "[stream] %s: %v\n", m.LogicalID, err)
	}
}

// failureRecord is the invocation record Lambda sends to a stream mapping's
// on-failure destination: where the failed batch lies in the stream, not its records.
func failureRecord(m template.StreamMapping, arn string, recs []types.Record, cause error) string {
	first, last := recs[0].Dynamodb, recs[len(recs)-1].Dynamodb
	seq := func(r *types.StreamRecord) string {
		if r == nil {
			return ""
		}
		return aws.ToString(r.SequenceNumber)
	}
	b, _ := json.Marshal(map[string]any{
		"requestContext": map[string]any{
			"requestId": requestID(), "functionArn": fmt.Sprintf("arn:aws:lambda:%s:%s:function:kontor-%s", Region, Account, m.Function),
			"condition": "RetryAttemptsExhausted", "approximateInvokeCount": m.MaxRetries + 1,
		},
		"responseContext": map[string]any{"functionError": "Unhandled", "errorMessage": cause.Error()},
		"version":         "1.0",
		"timestamp":       time.Now().UTC().Format(time.RFC3339Nano),
		"DDBStreamBatchInfo": map[string]any{
			"shardId": "local", "startSequenceNumber": seq(first), "endSequenceNumber": seq(last),
			"batchSize": len(recs), "streamArn": arn,
		},
	})
	return string(b)
}

// streamEvent renders records as the DynamoDB stream event Lambda delivers.
func streamEvent(arn string, recs []types.Record) ([]byte, error) {
	type change struct {
		ApproximateCreationDateTime float64        `json:"ApproximateCreationDateTime,omitempty"`
		Keys                        map[string]any `json:"Keys,omitempty"`
		NewImage                    map[string]any `json:"NewImage,omitempty"`
		OldImage                    map[string]any `json:"OldImage,omitempty"`
		SequenceNumber              string         `json:"SequenceNumber"`
		SizeBytes                   int64          `json:"SizeBytes"`
		StreamViewType              string         `json:"StreamViewType"`
	}
	type record struct {
		EventID        string `json:"eventID"`
		EventName      string `json:"eventName"`
		EventVersion   string `json:"eventVersion"`
		EventSource    string `json:"eventSource"`
		AWSRegion      string `json:"awsRegion"`
		DynamoDB       change `json:"dynamodb"`
		EventSourceARN string `json:"eventSourceARN"`
	}
	var out struct {
		Records []record `json:"Records"`
	}
	for _, r := range recs {
		if r.Dynamodb == nil {
			continue
		}
		c := change{
			Keys: attrs(r.Dynamodb.Keys), NewImage: attrs(r.Dynamodb.NewImage), OldImage: attrs(r.Dynamodb.OldImage),
			SequenceNumber: aws.ToString(r.Dynamodb.SequenceNumber), SizeBytes: aws.ToInt64(r.Dynamodb.SizeBytes),
			StreamViewType: string(r.Dynamodb.StreamViewType),
		}
		if r.Dynamodb.ApproximateCreationDateTime != nil {
			c.ApproximateCreationDateTime = float64(r.Dynamodb.ApproximateCreationDateTime.Unix())
		}
		out.Records = append(out.Records, record{
			EventID: aws.ToString(r.EventID), EventName: string(r.EventName), EventVersion: aws.ToString(r.EventVersion),
			EventSource: "aws:dynamodb", AWSRegion: Region, DynamoDB: c, EventSourceARN: arn,
		})
	}
	return json.Marshal(out)
}

// attrs renders attribute values in DynamoDB JSON ({"S": "…"}), as stream events carry them.
func attrs(m map[string]types.AttributeValue) map[string]any {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = attr(v)
	}
	return out
}

func attr(v types.AttributeValue) any {
	switch t := v.(type) {
	case *types.AttributeValueMemberS:
		return map[string]string{"S": t.Value}
	case *types.AttributeValueMemberN:
		return map[string]string{"N": t.Value}
	case *types.AttributeValueMemberB:
		return map[string]string{"B": base64.StdEncoding.EncodeToString(t.Value)}
	case *types.AttributeValueMemberBOOL:
		return map[string]bool{"BOOL": t.Value}
	case *types.AttributeValueMemberNULL:
		return map[string]bool{"NULL": true}
	case *types.AttributeValueMemberSS:
		return map[string][]string{"SS": t.Value}
	case *types.AttributeValueMemberNS:
		return map[string][]string{"NS": t.Value}
	case *types.AttributeValueMemberL:
		l := make([]any, len(t.Value))
		for i, x := range t.Value {
			l[i] = attr(x)
		}
		return map[string]any{"L": l}
	case *types.AttributeValueMemberM:
		return map[string]any{"M": attrs(t.Value)}
	}
	return nil
}
