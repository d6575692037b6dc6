package classifieds

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"kontor/shared/hmacsig"
	"kontor/shared/ids"
	"kontor/shared/problem"
)

// CheckoutRequest is all the provider receives for a payment (CP-4): amount,
// currency, an invoice reference (the order id: random, it names no one), the
// return addresses and when the session ends. No name, no email, no listing.
type CheckoutRequest struct {
	AmountCents int64
	Currency    string
	Reference   string
	SuccessURL  string
	CancelURL   string
	ExpiresAt   time.Time
}

// CheckoutSession is the provider's session: its id and its hosted page.
type CheckoutSession struct {
	ID  string `json:"id"`
	URL string `json:"url"`
}

// PaymentProvider creates checkout sessions, server to server (payprovider.go).
type PaymentProvider interface {
	CreateCheckout(ctx context.Context, r CheckoutRequest) (CheckoutSession, error)
}

// ErrOrderNotFound is an order the store does not hold (or past its lifetime).
var ErrOrderNotFound = errors.New("classifieds: no such order")

// ErrOpenOrderExists is a second open order of one account and plan.
var ErrOpenOrderExists = errors.New("classifieds: an open order of this plan exists")

// Payment is what a verified webhook changes, in one transaction (OrderStore.Pay).
type Payment struct {
	Order     Order
	EventID   string
	PaymentID string
	PaidAt    time.Time
	// Prev is the plan's validity read before ("" none); the advertiser item is
	// changed only if it still holds it.
	Prev string
	Due  InvoiceDue
}

// OrderStore keeps orders, processed webhook events and the plan's validity.
type OrderStore interface {
	// OpenOrder returns the account's open order of plan, if one is open at now.
	OpenOrder(ctx context.Context, accountID, plan string, now time.Time) (Order, bool, error)
	// CreateOrder stores a new open order with its claim as the account's open
	// order of its plan; ErrOpenOrderExists when another one holds the claim.
	CreateOrder(ctx context.Context, o Order, now time.Time) error
	// Order reads an order (ErrOrderNotFound).
	Order(ctx context.Context, id string, now time.Time) (Order, error)
	// PaymentEventSeen reports whether a webhook event was processed.
	PaymentEventSeen(ctx context.Context, eventID string, now time.Time) (bool, error)
	// Pay records the event (once), marks the order paid if open, sets the
	// plan's validity on the advertiser item if it is still p.Prev, and puts the
	// InvoiceDue (if not there), in one transaction; dynamo's conflict otherwise.
	Pay(ctx context.Context, p Payment) error
	// PlanValidUntil returns the last day of the account's plan ("" none).
	PlanValidUntil(ctx context.Context, accountID string) (string, error)
}

// Orders sells the flat-rate plans.
type Orders struct {
	Store    OrderStore
	Provider PaymentProvider
	Plans    []Plan
	Now      func() time.Time
	// SiteURL is the site, whose plan pages the provider sends the browser back to.
	SiteURL string
	// Secret is shared with the provider; it signs the webhooks.
	Secret []byte
	Log    *slog.Logger
	// FreeOffers is the offers published at once without a plan (shown on
	// the plan page; the listings function's OfferGate enforces it).
	FreeOffers int
}

// OrderInput is the body of POST /v1/me/plan.
type OrderInput struct {
	Plan string `json:"plan"`
	// ConsentVersion is the version of the consent text the advertiser ticked:
	// it must be the current one (PaymentConsentVersion).
	ConsentVersion string `json:"consentVersion"`
}

// Placed is the answer to an order: where to pay it.
type Placed struct {
	OrderID     string `json:"orderId"`
	CheckoutURL string `json:"checkoutUrl"`
	// New is false when an open order of the plan was reused.
	New bool `json:"-"`
}

func (s *Orders) plan(id string) (Plan, bool) {
	for _, p := range s.Plans {
		if p.ID == id {
			return p, true
		}
	}
	return Plan{}, false
}

func (in OrderInput) check(known bool) error {
	var fe []problem.FieldError
	if in.Plan == "" {
		fe = append(fe, problem.FieldError{Field: "plan", Code: problem.FieldRequired})
	} else if !known {
		fe = append(fe, problem.FieldError{Field: "plan", Code: problem.FieldInvalidValue})
	}
	switch in.ConsentVersion {
	case PaymentConsentVersion:
	case "":
		fe = append(fe, problem.FieldError{Field: "consentVersion", Code: problem.FieldRequired})
	default:
		fe = append(fe, problem.FieldError{Field: "consentVersion", Code: problem.FieldOutdated})
	}
	if len(fe) > 0 {
		return problem.Invalid(fe...)
	}
	return nil
}

// Place orders a plan for accountID with the consent to the transfer: the
// account's open order of that plan when there is one (a double click, a second
// tab), else a new order and its checkout session at the provider.
func (s *Orders) Place(ctx context.Context, accountID, lang string, in OrderInput) (Placed, error) {
	p, known := s.plan(in.Plan)
	if err := in.check(known); err != nil {
		return Placed{}, err
	}
	if lang != "en" {
		lang = "de"
	}
	now := s.Now()
	if o, ok, err := s.Store.OpenOrder(ctx, accountID, p.ID, now); err != nil || ok {
		return Placed{OrderID: o.ID, CheckoutURL: o.CheckoutURL}, err
	}
	o := Order{ID: ids.NewV7(now), AccountID: accountID, Plan: p.ID, PlanName: p.Name(lang), Months: p.Months,
		AmountCents: p.AmountCents, Currency: p.Currency, Status: OrderOpen, Language: lang, CreatedAt: now,
		ExpiresAt: now.Add(OrderTTL), ConsentVersion: in.ConsentVersion, ConsentAt: now}
	back := s.SiteURL + "/" + lang + "/classifieds/plan"
	sess, err := s.Provider.CreateCheckout(ctx, CheckoutRequest{AmountCents: o.AmountCents, Currency: o.Currency, Reference: o.ID,
		SuccessURL: back + "/return?order=" + url.QueryEscape(o.ID), CancelURL: back + "/return?order=" + url.QueryEscape(o.ID) + "&cancelled=1",
		ExpiresAt: o.ExpiresAt})
	if err != nil {
		s.Log.Error("checkout session", "err", err)
		return Placed{}, problem.New(http.StatusBadGateway, CodePaymentProvider)
	}
	o.SessionID, o.CheckoutURL = sess.ID, sess.URL
	if err := s.Store.CreateOrder(ctx, o, now); errors.Is(err, ErrOpenOrderExists) {
		// A concurrent click won: answer its order (this session is never shown,
		// and expires unpaid at the provider).
		w, ok, err := s.Store.OpenOrder(ctx, accountID, p.ID, now)
		if err != nil || !ok {
			return Placed{}, errors.Join(err, problem.New(http.StatusConflict, problem.CodeConflict))
		}
		return Placed{OrderID: w.ID, CheckoutURL: w.CheckoutURL}, nil
	} else if err != nil {
		return Placed{}, err
	}
	return Placed{OrderID: o.ID, CheckoutURL: o.CheckoutURL, New: true}, nil
}

// Get returns the account's order as it stands at now; another's or an unknown
// one is 404.
func (s *Orders) Get(ctx context.Context, accountID, id string) (Order, error) {
	if !plausibleID(id) {
		return Order{}, problem.New(http.StatusNotFound, problem.CodeNotFound)
	}
	now := s.Now()
	o, err := s.Store.Order(ctx, id, now)
	if errors.Is(err, ErrOrderNotFound) || (err == nil && o.AccountID != accountID) {
		return Order{}, problem.New(http.StatusNotFound, problem.CodeNotFound)
	}
	if err != nil {
		return Order{}, err
	}
	return o.View(now), nil
}

// PaymentEvent is the provider's webhook (modelled on checkout providers' events).
// Only the event's id, type and the payment's reference, amount, currency and id
// are decoded; anything else it sends is not.
type PaymentEvent struct {
	ID   string `json:"id"`
	Type string `json:"type"`
	Data struct {
		Session   string `json:"session"`
		Reference string `json:"reference"`
		Payment   string `json:"payment"`
		Amount    int64  `json:"amount"`
		Currency  string `json:"currency"`
	} `json:"data"`
}

// EventCheckoutCompleted is the one event type that pays an order.
const EventCheckoutCompleted = "checkout.session.completed"

// Webhook outcomes for the provider (200).
const (
	WebhookProcessed = "processed"
	WebhookDuplicate = "duplicate"
	WebhookIgnored   = "ignored"
)

func plausibleID(s string) bool {
	if s == "" || len(s) > 100 {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// Webhook takes the provider's signed event: the signature over the raw body is
// checked before anything is decoded (401); an event processed before is
// "duplicate" and changes nothing; another type is "ignored". A completed
// checkout must name an open order with its amount and currency (404, 409, 422
// otherwise, and nothing changes); then the order is paid, the plan extended and
// the InvoiceDue written in one transaction.
func (s *Orders) Webhook(ctx context.Context, body []byte, signature string) (string, error) {
	now := s.Now()
	if !hmacsig.Verify(s.Secret, signature, body, now, PaymentSignatureTolerance) {
		return "", problem.New(http.StatusUnauthorized, CodePaymentSignature)
	}
	var ev PaymentEvent
	if err := json.Unmarshal(body, &ev); err != nil {
		return "", problem.New(http.StatusBadRequest, problem.CodeInvalidJSON)
	}
	if !plausibleID(ev.ID) {
		return "", problem.Invalid(problem.FieldError{Field: "id", Code: problem.FieldInvalidValue})
	}
	if seen, err := s.Store.PaymentEventSeen(ctx, ev.ID, now); err != nil || seen {
		return WebhookDuplicate, err
	}
	if ev.Type != EventCheckoutCompleted {
		return WebhookIgnored, nil
	}
	if !plausibleID(ev.Data.Reference) || !plausibleID(ev.Data.Payment) {
		return "", problem.Invalid(problem.FieldError{Field: "data", Code: problem.FieldInvalidValue})
	}
	return s.pay(ctx, ev, now)
}

// pay applies a completed checkout to its order.
func (s *Orders) pay(ctx context.Context, ev PaymentEvent, now time.Time) (string, error) {
	o, err := s.Store.Order(ctx, ev.Data.Reference, now)
	if errors.Is(err, ErrOrderNotFound) {
		return "", problem.New(http.StatusNotFound, CodePaymentOrderUnknown)
	}
	if err != nil {
		return "", err
	}
	if o.Status != OrderOpen {
		return "", problem.New(http.StatusConflict, CodePaymentOrderNotOpen)
	}
	if ev.Data.Amount != o.AmountCents || ev.Data.Currency != o.Currency || (ev.Data.Session != "" && ev.Data.Session != o.SessionID) {
		return "", problem.New(http.StatusUnprocessableEntity, CodePaymentAmountMismatch)
	}
	prev, err := s.Store.PlanValidUntil(ctx, o.AccountID)
	if err != nil {
		return "", err
	}
	from, until := Extend(prev, o.Months, now)
	p := Payment{Order: o, EventID: ev.ID, PaymentID: ev.Data.Payment, PaidAt: now, Prev: prev,
		Due: InvoiceDue{OrderID: o.ID, AccountID: o.AccountID, Plan: o.Plan, PlanName: o.PlanName, ValidFrom: from, ValidUntil: until,
			AmountCents: o.AmountCents, Currency: o.Currency, PaidAt: now, ProviderPaymentID: ev.Data.Payment, Language: o.Language}}
	if err := s.Store.Pay(ctx, p); err != nil {
		if err := s.conflict(ctx, ev, now, err); err != nil {
			return "", err
		}
		return WebhookDuplicate, nil
	}
	return WebhookProcessed, nil
}

// conflict explains a failed payment transaction: the same event processed
// meanwhile (duplicate, 200), the order paid meanwhile (409), or a concurrent
// change of the plan (409: the provider retries, and the retry reads afresh).
func (s *Orders) conflict(ctx context.Context, ev PaymentEvent, now time.Time, err error) error {
	if !errors.Is(err, ErrChanged) {
		return err
	}
	if seen, e := s.Store.PaymentEventSeen(ctx, ev.ID, now); e == nil && seen {
		return nil
	}
	return problem.New(http.StatusConflict, CodePaymentOrderNotOpen)
}
