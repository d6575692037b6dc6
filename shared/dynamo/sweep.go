package dynamo

import (
	"context"
	"errors"
	"fmt"
	"math/bits"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// A sweep reads a table in parts, so that each run of a sweeper is bounded however
// large the table grows, and the next run resumes where the last one stopped.
//
// The parts are DynamoDB's scan segments: a lap divides the table into a power of two
// of segments, sized from the previous lap so that a segment holds about a quarter of
// the budget, and a run reads whole segments until its budget is spent. The position
// kept between runs is a segment number, never an item's key: a key may hold an
// address, and a cursor must not outlive an erasure.
const (
	// SweepPK begins the partition key of a sweep's position in its table.
	SweepPK = "#SWEEP#"
	// DefaultSweepBudget is the items one run reads at most, give or take a
	// segment, when a Sweep names none.
	DefaultSweepBudget = 20_000
	// maxSegments is DynamoDB's limit on TotalSegments.
	maxSegments = 1_000_000
	// firstLapSegments divide a table whose size no lap has measured yet.
	firstLapSegments = 16
	// deadlineReserve is the time a run leaves itself before the context's deadline:
	// it starts no segment later than that.
	deadlineReserve = 5 * time.Second
)

// Sweep is one resumable pass over a table (a sweeper's name for it, unique within
// the table) and its budget per run. PartitionKeyOnly says that the table's key is
// its partition key alone (no sort key).
type Sweep struct {
	Name             string
	Budget           int
	PartitionKeyOnly bool
}

// position is the key of the sweep's position in its table.
func (s Sweep) position() Item {
	if s.PartitionKeyOnly {
		return Key(SweepPK+s.Name, "")
	}
	return Key(SweepPK+s.Name, "POSITION")
}

// Lap says what one run of a sweep did.
type Lap struct {
	// Read is how many items it read; Segments how many segments of how many.
	Read, Segments, Of int
	// Done says that the run finished a lap: the table was read to its end.
	Done bool
}

// sweepPosition is a sweep's item (Sweep.position): where the lap stands.
type sweepPosition struct {
	Next  int `dynamodbav:"next"`
	Of    int `dynamodbav:"of"`
	Read  int `dynamodbav:"read"`
	Prior int `dynamodbav:"prior"`
}

// Sweep reads the next segments of the table, up to the budget, and calls fn for
// every item that matches filter (every item when filter is empty); the sweeps'
// own positions are never passed to fn. A run reads at least one segment and stops
// early when the context's deadline comes near. It keeps the position only after fn
// succeeded for a whole segment: after an error, the segment is read again.
func (t Table) Sweep(ctx context.Context, s Sweep, filter Cond, fn func(Item) error) (Lap, error) {
	budget := s.Budget
	if budget < 1 {
		budget = DefaultSweepBudget
	}
	key := s.position()
	var pos sweepPosition
	if err := t.Get(ctx, key, &pos, IgnoreTTL); err != nil && !errors.Is(err, ErrNotFound) {
		return Lap{}, err
	}
	if pos.Of < 1 || pos.Next >= pos.Of {
		pos = sweepPosition{Of: segmentsFor(pos.Prior, budget), Prior: pos.Prior}
	}
	lap := Lap{Of: pos.Of}
	for lap.Read < budget && pos.Next < pos.Of {
		if d, ok := ctx.Deadline(); ok && lap.Segments > 0 && time.Until(d) < deadlineReserve {
			break
		}
		n, err := t.scanSegment(ctx, pos.Next, pos.Of, filter, fn)
		lap.Read += n
		if err != nil {
			return lap, err
		}
		lap.Segments++
		pos.Next++
		pos.Read += n
	}
	if pos.Next >= pos.Of {
		lap.Done = true
		pos = sweepPosition{Prior: pos.Read}
	}
	return lap, t.Put(ctx, key, pos, time.Time{}, Cond{})
}

// segmentsFor divides a table of about prior items (0: not measured yet) so that a
// segment holds about a quarter of the budget: a power of two, at least one.
func segmentsFor(prior, budget int) int {
	if prior <= 0 {
		return firstLapSegments
	}
	want := (prior*4 + budget - 1) / budget
	if want <= 1 {
		return 1
	}
	n := 1 << bits.Len(uint(want-1)) // #nosec G115 -- want > 1
	return min(n, maxSegments)
}

// scanSegment reads one segment page by page and says how many items it read.
func (t Table) scanSegment(ctx context.Context, segment, of int, filter Cond, fn func(Item) error) (int, error) {
	in := &dynamodb.ScanInput{TableName: aws.String(t.Name), ConsistentRead: aws.Bool(true)}
	if of > 1 {
		in.Segment, in.TotalSegments = aws.Int32(int32(segment)), aws.Int32(int32(of)) // #nosec G115 -- below maxSegments
	}
	if filter.Expr != "" {
		in.FilterExpression, in.ExpressionAttributeValues, in.ExpressionAttributeNames = aws.String(filter.Expr), filter.Values, filter.Names
	}
	read := 0
	p := dynamodb.NewScanPaginator(t.DB, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return read, fmt.Errorf("scan %s segment %d/%d: %w", t.Name, segment, of, err)
		}
		read += int(page.ScannedCount)
		for _, it := range page.Items {
			if strings.HasPrefix(String(it, PK), SweepPK) {
				continue
			}
			if err := fn(it); err != nil {
				return read, err
			}
		}
	}
	return read, nil
}
