// Package classifiedsprivacy gives the privacy core access to the classifieds
// module's data: export, erasure and the sweep of listings and advertisers.
package classifiedsprivacy

import (
	"context"
	"time"

	"kontor/shared/classifieds"
	"kontor/shared/privacy"
)

// Store is what the module's privacy side needs of the store (classifiedsdb).
type Store interface {
	Advertiser(ctx context.Context, accountID string) (classifieds.Advertiser, bool, error)
	EachOf(ctx context.Context, accountID string, fn func(classifieds.Listing) error) error
	EraseAdvertiser(ctx context.Context, accountID string) error
	TidyExpired(ctx context.Context, now time.Time) (int, error)
	SweepWatchlists(ctx context.Context, now time.Time) (int, error)
	RatingsStore       // advertiser data and ratings (ratings.go)
	PendingStore       // pending listings (pending.go)
	RepliesStore       // replies (replies.go)
	AlertsStore        // alerts (alerts.go)
	AlertDeliveryStore // alert digests and one-click links (alertdelivery.go)
	DeleteLapsed(ctx context.Context, now time.Time) (int, error)
	PlansStore                   // orders and the plan's validity (plans.go)
	classifieds.InvoiceRetention // invoices (invoices.go)
}

// Module implements privacy.Module for the classifieds module.
type Module struct {
	Store Store
	Now   func() time.Time
	// Photos exports and erases the photos of the listings (photos.go).
	Photos *classifieds.Photos
	// InvoiceFiles is the invoice bucket (invoices.go).
	InvoiceFiles classifieds.InvoiceObjects
}

// Name implements privacy.Module.
func (m Module) Name() string { return "classifieds" }

// Kinds implements privacy.Module.
func (m Module) Kinds() []privacy.Kind { return classifieds.Kinds() }

// Export implements privacy.Module: every listing of the account, public or not
// (HGK-7, HGK-16), and the advertiser item (null when it never published).
func (m Module) Export(ctx context.Context, s privacy.Subject) (map[string]any, error) {
	// The watch lists are linked to no account: always null (HGK-11). A pending
	// listing belongs to no account yet, but its confirmation holds the address
	// it was sent for: it is that person's (pending.go).
	out := map[string]any{classifieds.KindListings: []classifieds.Listing{}, classifieds.KindAdvertiser: nil, classifieds.KindWatchlist: nil}
	addEmpty(out) // photos.go
	out[classifieds.KindAlertDigest], out[classifieds.KindAlertLinks] = []classifieds.DigestEntry{}, []classifieds.AlertLink{}
	if err := m.exportPending(ctx, s, out); err != nil {
		return nil, err
	}
	if err := m.exportReplies(ctx, s, out); err != nil { // replies.go
		return nil, err
	}
	if err := m.exportAlerts(ctx, s, out); err != nil { // alerts.go
		return nil, err
	}
	if err := m.exportPlans(ctx, s.AccountID, out); err != nil { // plans.go
		return nil, err
	}
	if err := m.exportInvoices(ctx, s.AccountID, out); err != nil { // invoices.go
		return nil, err
	}
	if s.AccountID == "" {
		return out, m.exportRatings(ctx, s, out)
	}
	ls := []classifieds.Listing{}
	if err := m.Store.EachOf(ctx, s.AccountID, func(l classifieds.Listing) error { ls = append(ls, l); return nil }); err != nil {
		return nil, err
	}
	out[classifieds.KindListings] = ls
	if err := m.exportAlertDelivery(ctx, s.AccountID, out); err != nil { // alertdelivery.go
		return nil, err
	}
	if err := m.exportRatings(ctx, s, out); err != nil {
		return nil, err
	}
	a, ok, err := m.Store.Advertiser(ctx, s.AccountID)
	if err != nil {
		return nil, err
	}
	if ok {
		out[classifieds.KindAdvertiser] = a
	}
	return out, m.exportPhotosAndIdentity(ctx, out, ls, a) // photos.go
}

// Erase implements privacy.Module: all listing data goes with the account (HGK-7);
// the invoices stay for their retention duty, unlinked (HGK-16; invoices.go).
func (m Module) Erase(ctx context.Context, s privacy.Subject) error {
	if err := m.erasePending(ctx, s); err != nil {
		return err
	}
	if err := m.eraseAlerts(ctx, s); err != nil { // alerts.go
		return err
	}
	if err := m.eraseRatings(ctx, s); err != nil {
		return err
	}
	if err := m.eraseReplies(ctx, s); err != nil { // replies.go
		return err
	}
	if err := m.erasePlans(ctx, s.AccountID); err != nil { // plans.go
		return err
	}
	if s.AccountID == "" {
		return nil
	}
	if err := m.erasePhotos(ctx, s.AccountID); err != nil { // photos.go
		return err
	}
	if err := m.Store.EraseAlertDelivery(ctx, s.AccountID); err != nil { // alertdelivery.go
		return err
	}
	if err := m.releaseInvoices(ctx, s.AccountID); err != nil { // invoices.go
		return err
	}
	return m.Store.EraseAdvertiser(ctx, s.AccountID)
}

// Sweep implements privacy.Module: pending listings and confirmations past their
// 48 hours are deleted (DynamoDB's TTL is the backstop), and listings past their
// expiry leave the browse indexes (they were not public from that moment on;
// this only tidies). An expired listing itself is kept as a template until the
// account goes. Watch lists past their lifetime are deleted. The receipt counts
// the pending listings and the watch lists deleted.
func (m Module) Sweep(ctx context.Context, now time.Time, held *privacy.Held) (map[string]int, error) {
	n, err := m.Store.DeleteLapsed(ctx, now)
	counts := map[string]int{classifieds.KindPending: n}
	if err != nil {
		return counts, err
	}
	if err := m.sweepReplies(ctx, now, counts); err != nil { // replies.go
		return counts, err
	}
	if err := m.sweepAlerts(ctx, now, counts); err != nil { // alerts.go
		return counts, err
	}
	if _, err := m.Store.TidyExpired(ctx, now); err != nil {
		return counts, err
	}
	// Watch lists past their 60 days go (HGK-11); DynamoDB's TTL is the backstop.
	w, err := m.Store.SweepWatchlists(ctx, now)
	counts[classifieds.KindWatchlist] = w
	if err != nil {
		return counts, err
	}
	// Open orders a day past their expiry go, and processed webhook events past
	// their 30 days (plans.go); DynamoDB's TTL is the backstop.
	counts[classifieds.KindOrders], err = m.Store.SweepOrders(ctx, now)
	if err != nil {
		return counts, err
	}
	// Invoices whose retention duty ended (HGK-16; invoices.go).
	counts[classifieds.KindInvoices], err = m.sweepInvoices(ctx, now, held)
	return counts, err
}
