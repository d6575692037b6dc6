package classifiedsprivacy

import (
	"context"
	"time"

	"kontor/shared/classifieds"
)

// PlansStore is what the privacy side needs of the orders (classifiedsdb).
type PlansStore interface {
	AccountOrders(ctx context.Context, accountID string, now time.Time) ([]classifieds.Order, error)
	PlanValidUntil(ctx context.Context, accountID string) (string, error)
	EraseOrders(ctx context.Context, accountID string) error
	SweepOrders(ctx context.Context, now time.Time) (int, error)
}

// PlanExport is the plan kind of an export.
type PlanExport struct {
	ValidUntil string `json:"planValidUntil"`
}

// exportPlans adds the account's orders and the plan's validity (null without).
func (m Module) exportPlans(ctx context.Context, accountID string, out map[string]any) error {
	out[classifieds.KindOrders], out[classifieds.KindPlan] = []classifieds.Order{}, nil
	if accountID == "" {
		return nil
	}
	orders, err := m.Store.AccountOrders(ctx, accountID, m.Now())
	if err != nil {
		return err
	}
	for i := range orders {
		orders[i] = orders[i].View(m.Now())
	}
	out[classifieds.KindOrders] = orders
	until, err := m.Store.PlanValidUntil(ctx, accountID)
	if err == nil && until != "" {
		out[classifieds.KindPlan] = PlanExport{ValidUntil: until}
	}
	return err
}

// erasePlans deletes the account's orders, open or paid; the plan's validity
// goes with the advertiser item. A paid order's invoice is a record under a legal
// retention duty and is kept by the invoices, not here.
func (m Module) erasePlans(ctx context.Context, accountID string) error {
	if accountID == "" {
		return nil
	}
	return m.Store.EraseOrders(ctx, accountID)
}
