package classifiedsprivacy

import (
	"context"
	"time"

	"kontor/shared/classifieds"
	"kontor/shared/privacy"
)

// AlertsStore is what export, erasure and the sweep of alerts need.
type AlertsStore interface {
	AlertsOf(ctx context.Context, accountID string) ([]classifieds.Alert, error)
	EraseAlerts(ctx context.Context, accountID string) error
	PendingAlertsOf(ctx context.Context, email string) ([]classifieds.PendingAlert, error)
	ErasePendingAlerts(ctx context.Context, email string) error
	DeleteLapsedAlerts(ctx context.Context, now time.Time) (int, error)
}

// exportAlerts adds the account's alerts and the pending alerts of its address.
func (m Module) exportAlerts(ctx context.Context, s privacy.Subject, out map[string]any) error {
	out[classifieds.KindAlerts], out[classifieds.KindPendingAlerts] = []classifieds.Alert{}, []classifieds.PendingAlert{}
	if s.Email != "" {
		ps, err := m.Store.PendingAlertsOf(ctx, s.Email)
		if err != nil {
			return err
		}
		out[classifieds.KindPendingAlerts] = ps
	}
	if s.AccountID == "" {
		return nil
	}
	as, err := m.Store.AlertsOf(ctx, s.AccountID)
	if err == nil {
		out[classifieds.KindAlerts] = as
	}
	return err
}

// eraseAlerts deletes the account's alerts (they leave the match index with
// their items, so no alert mail goes out after the erasure) and the pending
// alerts of its address.
func (m Module) eraseAlerts(ctx context.Context, s privacy.Subject) error {
	if s.Email != "" {
		if err := m.Store.ErasePendingAlerts(ctx, s.Email); err != nil {
			return err
		}
	}
	if s.AccountID == "" {
		return nil
	}
	return m.Store.EraseAlerts(ctx, s.AccountID)
}

// sweepAlerts deletes the pending alerts past their lapse and counts them.
func (m Module) sweepAlerts(ctx context.Context, now time.Time, counts map[string]int) error {
	n, err := m.Store.DeleteLapsedAlerts(ctx, now)
	counts[classifieds.KindPendingAlerts] = n
	return err
}
