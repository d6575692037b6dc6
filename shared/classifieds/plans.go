package classifieds

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"kontor/shared/problem"
)

// Flat rate for berth offers (HGK-6, CP-4): without a valid plan an advertiser may
// have at most FreeOffers published offers at once; with one, any number up to the
// module's other caps. A plan is bought as an order paid at a payment provider;
// the provider's signed webhook marks the order paid and extends the plan's
// validity, which is stored on the advertiser item (planValidUntil). docs/classifieds.md,
// "Flat rate and payments".

// Plan is a flat-rate plan the operator offers (template parameter FlatRatePlans).
type Plan struct {
	ID          string `json:"id"`
	Months      int    `json:"months"`
	AmountCents int64  `json:"amountCents"`
	Currency    string `json:"currency"`
	NameDE      string `json:"nameDe"`
	NameEN      string `json:"nameEn"`
}

// Name is the plan's name in lang ("de" unless "en").
func (p Plan) Name(lang string) string {
	if lang == "en" {
		return p.NameEN
	}
	return p.NameDE
}

// DefaultFreeOffers is the offers an advertiser may have published at once
// without a plan (template parameter FreeOffers).
const DefaultFreeOffers = 1

// PlanCurrency is the only currency the plans are sold in.
const PlanCurrency = "EUR"

// DefaultPlans is the parameter's default: a 3-month and a 12-month flat rate.
const DefaultPlans = "flat-3m:3:1900,flat-12m:12:5900"

var planID = regexp.MustCompile(`^[a-z0-9-]{1,32}$`)

// ParsePlans reads the FlatRatePlans parameter: "id:months:cents" entries separated
// by commas (months 1..24, cents 1..1,000,000, ids unique).
func ParsePlans(s string) ([]Plan, error) {
	var out []Plan
	seen := map[string]bool{}
	for _, e := range strings.Split(s, ",") {
		parts := strings.Split(strings.TrimSpace(e), ":")
		if len(parts) != 3 || !planID.MatchString(parts[0]) || seen[parts[0]] {
			return nil, fmt.Errorf("plan %q: want id:months:cents with a unique id", e)
		}
		months, err1 := strconv.Atoi(parts[1])
		cents, err2 := strconv.ParseInt(parts[2], 10, 64)
		if err1 != nil || err2 != nil || months < 1 || months > 24 || cents < 1 || cents > 1_000_000 {
			return nil, fmt.Errorf("plan %q: months 1..24, cents 1..1000000", e)
		}
		seen[parts[0]] = true
		out = append(out, Plan{ID: parts[0], Months: months, AmountCents: cents, Currency: PlanCurrency,
			NameDE: fmt.Sprintf("Flatrate für Kojenangebote, %d Monate", months),
			NameEN: fmt.Sprintf("Flat rate for berth offers, %d months", months)})
	}
	return out, nil
}

// Order states.
const (
	OrderOpen    = "open"
	OrderPaid    = "paid"
	OrderExpired = "expired" // shown for an open order past ExpiresAt; never stored
)

// Limits of ordering and payment.
const (
	// OrderTTL is how long an order can be paid: the provider's checkout session
	// expires with it, and a second click within it gets the same order.
	OrderTTL = time.Hour
	// OrderGrace is how long an open order is kept past ExpiresAt, so a payment
	// completed at the last moment whose webhook comes late still counts; then
	// the order is deleted. Providers retry a webhook that was not answered with
	// a 2xx for up to three days (Stripe: three days, with growing pauses), so
	// the order waits as long: a payment taken is never met by an order gone.
	OrderGrace = 72 * time.Hour
	// PaymentSignatureTolerance bounds the age of a signed webhook.
	PaymentSignatureTolerance = 5 * time.Minute
	// MaxWebhookBody bounds a webhook's body; MaxOrderBody an order's.
	MaxWebhookBody = 8 << 10
	MaxOrderBody   = 1 << 10
	// PaymentEventTTL is how long a processed webhook event's id is kept: far
	// beyond the tolerance and the providers' retry schedules (days).
	PaymentEventTTL = 30 * 24 * time.Hour
)

// PaymentConsentVersion is the version of the text the advertiser consents to
// when ordering: that amount, currency, an invoice reference (the order id) and
// the return addresses go to the payment provider, nothing else (CP-4). The plan
// page shows the text of this version; an order must name it.
const PaymentConsentVersion = "2026-11"

// PaymentSignatureHeader carries the provider's signature of a webhook (hmacsig:
// "t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">").
const PaymentSignatureHeader = "Kontor-Payment-Signature"

// Order is a plan bought by an advertiser: open until paid or expired. The consent
// to pass the payment's data to the provider is recorded in the order itself (the
// text's version and the time): it is a consent to one transfer for one contract,
// spent when the checkout session is created, not a standing purpose a withdrawal
// could stop (docs/classifieds.md).
type Order struct {
	ID          string    `dynamodbav:"id" json:"id"`
	AccountID   string    `dynamodbav:"accountId" json:"-"`
	Plan        string    `dynamodbav:"plan" json:"plan"`
	PlanName    string    `dynamodbav:"planName" json:"planName"`
	Months      int       `dynamodbav:"months" json:"months"`
	AmountCents int64     `dynamodbav:"amountCents" json:"amountCents"`
	Currency    string    `dynamodbav:"currency" json:"currency"`
	Status      string    `dynamodbav:"status" json:"status"`
	Language    string    `dynamodbav:"language" json:"language"`
	CreatedAt   time.Time `dynamodbav:"createdAt" json:"createdAt"`
	ExpiresAt   time.Time `dynamodbav:"expiresAt" json:"expiresAt"`
	// ConsentVersion and ConsentAt record the consent to the transfer (CP-4).
	ConsentVersion string    `dynamodbav:"consentVersion" json:"consentVersion"`
	ConsentAt      time.Time `dynamodbav:"consentAt" json:"consentAt"`
	// SessionID and CheckoutURL are the provider's checkout session.
	SessionID   string `dynamodbav:"sessionId" json:"-"`
	CheckoutURL string `dynamodbav:"checkoutUrl" json:"checkoutUrl,omitempty"`
	// PaidAt, PaymentID, ValidFrom and ValidUntil are set by the webhook.
	PaidAt     *time.Time `dynamodbav:"paidAt,omitempty" json:"paidAt,omitempty"`
	PaymentID  string     `dynamodbav:"paymentId,omitempty" json:"-"`
	ValidFrom  string     `dynamodbav:"validFrom,omitempty" json:"validFrom,omitempty"`
	ValidUntil string     `dynamodbav:"validUntil,omitempty" json:"validUntil,omitempty"`
}

// View is the order as its advertiser sees it at now: an open order past its
// ExpiresAt is "expired" and offers no checkout.
func (o Order) View(now time.Time) Order {
	if o.Status == OrderOpen && !o.ExpiresAt.After(now) {
		o.Status, o.CheckoutURL = OrderExpired, ""
	}
	if o.Status != OrderOpen {
		o.CheckoutURL = ""
	}
	return o
}

// planDay is the date form of plan validity (UTC days, both ends included).
const planDay = time.DateOnly

// Extend returns the service period a payment of months buys at now for a plan
// valid until current ("" or a past day: none): from today, or from the day after
// a still valid plan, to max(today, current) + months.
func Extend(current string, months int, now time.Time) (from, until string) {
	today := now.UTC().Truncate(24 * time.Hour)
	base, start := today, today
	if c, err := time.Parse(planDay, current); err == nil && !c.Before(today) {
		base, start = c, c.AddDate(0, 0, 1)
	}
	return start.Format(planDay), base.AddDate(0, months, 0).Format(planDay)
}

// PlanValid reports whether a plan valid until until ("" none) covers now's day.
func PlanValid(until string, now time.Time) bool {
	return until != "" && until >= now.UTC().Format(planDay)
}

// Problems of the flat rate and payments.
var (
	CodePlanRequired = problem.Define("plan_required",
		"Ohne Flatrate haben Sie so viele Kojenangebote veröffentlicht, wie gleichzeitig kostenlos möglich sind. Mit einer Flatrate für Kojenangebote (Seite „Flatrate“: /de/classifieds/plan) veröffentlichen Sie beliebig viele; oder beenden Sie ein veröffentlichtes Angebot.",
		"Without a flat rate you have published as many berth offers as are free at a time. With a flat rate for berth offers (page “Flat rate”: /en/classifieds/plan) you publish any number; or end a published offer.")
	CodePaymentSignature = problem.Define("payment_signature_invalid",
		"Die Nachricht des Zahlungsdienstes ist nicht gültig signiert oder zu alt.",
		"The payment provider's message is not validly signed or too old.")
	CodePaymentOrderUnknown = problem.Define("payment_order_unknown",
		"Zu dieser Zahlung gibt es keine offene Bestellung.",
		"There is no order for this payment.")
	CodePaymentOrderNotOpen = problem.Define("payment_order_not_open",
		"Diese Bestellung ist bereits bezahlt.",
		"This order has been paid already.")
	CodePaymentAmountMismatch = problem.Define("payment_amount_mismatch",
		"Betrag oder Währung der Zahlung passen nicht zur Bestellung.",
		"The payment's amount or currency does not match the order.")
	CodePaymentProvider = problem.Define("payment_provider_unavailable",
		"Der Zahlungsdienst ist gerade nicht erreichbar. Bitte versuchen Sie es in einigen Minuten erneut.",
		"The payment provider cannot be reached right now. Please try again in a few minutes.")
)

// PlanProblems lists the problem codes of the flat rate and payments.
func PlanProblems() []problem.Code {
	return []problem.Code{CodePlanRequired, CodePaymentSignature, CodePaymentOrderUnknown, CodePaymentOrderNotOpen,
		CodePaymentAmountMismatch, CodePaymentProvider}
}

// planRequired is the problem of a publication over the free offers.
func planRequired() error { return problem.New(http.StatusForbidden, CodePlanRequired) }
