package ratelimit

import "time"

// Limits of the one-click links in alert mails (docs/classifieds.md "Alert
// matching and delivery"). Generous per client: a mail provider posts its users'
// one-click requests from a few addresses.
var (
	// AlertUnsubscribe bounds the use of the links from one client.
	AlertUnsubscribe = Rule{Name: "alerts.unsubscribe", Scope: PerClient, Max: 120, Window: 15 * time.Minute}
	// AlertUnsubscribeAll bounds the use of the links from all clients together.
	AlertUnsubscribeAll = Rule{Name: "alerts.unsubscribe.all", Scope: Global, Max: 3000, Window: 15 * time.Minute}
)
