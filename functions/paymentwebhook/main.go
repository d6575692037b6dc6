// Command paymentwebhook takes the payment provider's signed webhook: an order
// paid, the flat rate extended, the invoice due (HGK-6, CP-4, docs/classifieds.md).
package main

import (
	"kontor/shared/classifieds/classifiedswire"
	"kontor/shared/env"
	"kontor/shared/logging"
	"kontor/shared/serve"
)

func main() {
	log := logging.New("paymentwebhook")
	h := env.Must(log, classifiedswire.PaymentWebhook)
	serve.HTTP(log, "paymentwebhook", h.Routes())
}
