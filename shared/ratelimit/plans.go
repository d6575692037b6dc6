package ratelimit

import "time"

// Limits of the flat rate's orders and the payment webhook (HGK-6, CP-4).
var (
	// PlanOrder bounds the orders one advertiser places: each creates a checkout
	// session at the provider; a double click reuses the open order anyway.
	PlanOrder = Rule{Name: "plan.order", Scope: PerAccount, Max: 20, Window: time.Hour}
	// PaymentWebhook bounds webhooks (signed or forged) from one client, the
	// provider's address: well above its pace, a stop for a forger's flood.
	PaymentWebhook = Rule{Name: "payment.webhook", Scope: PerClient, Max: 600, Window: 15 * time.Minute}
	// PaymentWebhookAll bounds webhooks from all clients together.
	PaymentWebhookAll = Rule{Name: "payment.webhook.all", Scope: Global, Max: 3000, Window: 15 * time.Minute}
)
