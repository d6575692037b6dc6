package insurancedb

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"kontor/shared/dynamo"
	"kontor/shared/insurance"
)

// ImportWorkers is how many contracts are written at once: a full import (5000
// rows, three requests each) then takes seconds, not the function's timeout.
const ImportWorkers = 16

// contractRef is a contract's entry in its customer's list.
type contractRef struct {
	Number string `dynamodbav:"number"`
}

// SaveContracts stores imported contracts, replacing earlier imports of the same
// numbers (an import is idempotent, so a cut-off import is simply repeated), and
// indexes them by customer. A contract that moves to another customer is removed
// from the old customer's index. The first error stops the import.
func (s *Store) SaveContracts(ctx context.Context, cs []insurance.Contract, now time.Time) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	work := make(chan insurance.Contract)
	var wg sync.WaitGroup
	for range min(ImportWorkers, len(cs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range work {
				if err := s.saveContract(ctx, c, now); err != nil {
					cancel(err)
				}
			}
		}()
	}
	for _, c := range cs {
		if ctx.Err() != nil {
			break
		}
		work <- c
	}
	close(work)
	wg.Wait()
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return ctx.Err()
}

func (s *Store) saveContract(ctx context.Context, c insurance.Contract, now time.Time) error {
	var old insurance.Contract
	err := s.get(ctx, contractKey(c.Number), &old, now)
	if err != nil && !errors.Is(err, insurance.ErrNotFound) {
		return err
	}
	t := s.table()
	if err == nil && old.Holder.CustomerNumber != c.Holder.CustomerNumber {
		if err := t.Delete(ctx, customerContractKey(old.Holder.CustomerNumber, c.Number)); err != nil {
			return err
		}
	}
	if err := s.put(ctx, contractKey(c.Number), c, time.Time{}, dynamo.Cond{}); err != nil {
		return err
	}
	return s.put(ctx, customerContractKey(c.Holder.CustomerNumber, c.Number), contractRef{c.Number}, time.Time{}, dynamo.Cond{})
}

// Contract returns one contract record (numbers are kept in upper case), or
// insurance.ErrNotFound.
func (s *Store) Contract(ctx context.Context, number string, now time.Time) (insurance.Contract, error) {
	var c insurance.Contract
	err := s.get(ctx, contractKey(strings.ToUpper(number)), &c, now)
	return c, err
}

// CustomerContracts returns every contract of a customer.
func (s *Store) CustomerContracts(ctx context.Context, customer string, now time.Time) ([]insurance.Contract, error) {
	out := []insurance.Contract{}
	err := s.table().Query(ctx, customerPK(customer), contractPrefix, now, decoded(func(ref contractRef) error {
		c, err := s.Contract(ctx, ref.Number, now)
		if errors.Is(err, insurance.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		out = append(out, c)
		return nil
	}))
	return out, err
}

// ContractRecords calls fn with the contract records of the sweep's next part of
// the table (the retention sweep's; a run reads a bounded part, the next run goes
// on).
func (s *Store) ContractRecords(ctx context.Context, fn func(insurance.Contract) error) error {
	_, err := s.table().Sweep(ctx, dynamo.Sweep{Name: "contracts"}, withSortKey(contractSK), decoded(fn))
	return err
}

// DeleteContract removes a contract record and its customer index entry.
func (s *Store) DeleteContract(ctx context.Context, c insurance.Contract) error {
	t := s.table()
	if err := t.Delete(ctx, customerContractKey(c.Holder.CustomerNumber, c.Number)); err != nil {
		return err
	}
	return t.Delete(ctx, contractKey(c.Number))
}
