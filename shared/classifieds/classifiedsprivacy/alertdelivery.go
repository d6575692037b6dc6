package classifiedsprivacy

import (
	"context"

	"kontor/shared/classifieds"
)

// AlertDeliveryStore is what the privacy side needs of the alert delivery's
// items: the daily matches waiting for their digest and the one-click links.
type AlertDeliveryStore interface {
	AlertDeliveryFor(ctx context.Context, accountID string) (classifieds.AlertDeliveryOf, error)
	EraseAlertDelivery(ctx context.Context, accountID string) error
}

// exportAlertDelivery adds the account's waiting matches and one-click links.
func (m Module) exportAlertDelivery(ctx context.Context, accountID string, out map[string]any) error {
	d, err := m.Store.AlertDeliveryFor(ctx, accountID)
	if err != nil {
		return err
	}
	out[classifieds.KindAlertDigest], out[classifieds.KindAlertLinks] = d.Digest, d.Links
	return nil
}
