package bench

import (
	"context"
	"fmt"
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/dynamo"
)

// batchWriter seeds tables with BatchWriteItem, 25 items a call, from 4 writers,
// retrying what the emulator leaves unprocessed.
type batchWriter struct {
	jobs    chan map[string][]types.WriteRequest
	errs    chan error
	wg      sync.WaitGroup
	pending map[string][]types.WriteRequest
}

func newBatchWriter(ctx context.Context, db *dynamodb.Client) *batchWriter {
	w := &batchWriter{jobs: make(chan map[string][]types.WriteRequest), errs: make(chan error, 4), pending: map[string][]types.WriteRequest{}}
	for range 4 {
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			for req := range w.jobs {
				for len(req) > 0 {
					out, err := db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: req})
					if err != nil {
						w.errs <- err
						return
					}
					req = out.UnprocessedItems
				}
			}
		}()
	}
	return w
}

// put queues an item of table (its physical name); it fails once a writer failed.
func (w *batchWriter) put(table string, it dynamo.Item) error {
	w.pending[table] = append(w.pending[table], types.WriteRequest{PutRequest: &types.PutRequest{Item: it}})
	if len(w.pending[table]) < 25 {
		return nil
	}
	return w.send(table)
}

func (w *batchWriter) send(table string) error {
	select {
	case w.jobs <- map[string][]types.WriteRequest{table: w.pending[table]}:
		delete(w.pending, table)
		return nil
	case err := <-w.errs:
		return fmt.Errorf("batch write: %w", err)
	}
}

// close writes what is queued, waits for the writers and returns the first failure.
func (w *batchWriter) close() error {
	var err error
	for table := range w.pending {
		if err = w.send(table); err != nil {
			break
		}
	}
	close(w.jobs)
	w.wg.Wait()
	if err != nil {
		return err
	}
	select {
	case err := <-w.errs:
		return fmt.Errorf("batch write: %w", err)
	default:
		return nil
	}
}
