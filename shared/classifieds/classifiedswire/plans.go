package classifiedswire

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"kontor/shared/classifieds"
	"kontor/shared/classifieds/classifiedsapi"
	"kontor/shared/env"
	"kontor/shared/logging"
	"kontor/shared/secrets"
)

// MinPaymentSecretBytes is the least length of the payment provider's key and of
// the webhook secret.
const MinPaymentSecretBytes = 32

// orders builds the plans' service: the classifieds table, the plans
// (FLAT_RATE_PLANS), the site (APP_BASE_URL) and the offers free without a plan
// (FREE_OFFERS).
func orders(cfg aws.Config, r *env.Reader, name string) (*classifieds.Orders, error) {
	plans, err := classifieds.ParsePlans(r.String("FLAT_RATE_PLANS"))
	if err != nil {
		return nil, fmt.Errorf("FLAT_RATE_PLANS: %w", err)
	}
	return &classifieds.Orders{Store: store(cfg, r), Plans: plans, Now: now, SiteURL: r.String("APP_BASE_URL"),
		FreeOffers: r.Count("FREE_OFFERS", classifieds.DefaultFreeOffers), Log: logging.New(name)}, nil
}

// secret reads the SecureString the environment variable names, at cold start.
func secret(ctx context.Context, cfg aws.Config, r *env.Reader, variable string) ([]byte, error) {
	name := r.String(variable)
	if err := r.Err(); err != nil {
		return nil, err
	}
	s, err := secrets.Client{Config: cfg}.Read(ctx, name, MinPaymentSecretBytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", variable, err)
	}
	return s, nil
}

// Plans builds the plan function's handlers: the orders' service and the
// provider's API (PAYMENT_PROVIDER_URL) with the operator's key, read at cold
// start from the SSM SecureString PAYMENT_PROVIDER_KEY_PARAMETER names.
func Plans(ctx context.Context) (classifiedsapi.Plans, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return classifiedsapi.Plans{}, err
	}
	var r env.Reader
	svc, err := orders(cfg, &r, "plans")
	if err != nil {
		return classifiedsapi.Plans{}, err
	}
	provider := r.String("PAYMENT_PROVIDER_URL")
	key, err := secret(ctx, cfg, &r, "PAYMENT_PROVIDER_KEY_PARAMETER")
	if err != nil {
		return classifiedsapi.Plans{}, err
	}
	svc.Provider = &classifieds.CheckoutClient{BaseURL: provider, Key: key, Client: &http.Client{Timeout: 10 * time.Second}}
	return classifiedsapi.Plans{Svc: svc}, nil
}

// PaymentWebhook builds the webhook function's handler: the orders' service and
// the secret the provider signs webhooks with, read at cold start from the SSM
// SecureString PAYMENT_WEBHOOK_SECRET_PARAMETER names.
func PaymentWebhook(ctx context.Context) (classifiedsapi.PaymentWebhook, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return classifiedsapi.PaymentWebhook{}, err
	}
	var r env.Reader
	svc, err := orders(cfg, &r, "paymentwebhook")
	if err != nil {
		return classifiedsapi.PaymentWebhook{}, err
	}
	if svc.Secret, err = secret(ctx, cfg, &r, "PAYMENT_WEBHOOK_SECRET_PARAMETER"); err != nil {
		return classifiedsapi.PaymentWebhook{}, err
	}
	return classifiedsapi.PaymentWebhook{Svc: svc}, nil
}

// offerGate is the listings function's hold on offers (FREE_OFFERS).
func offerGate(st classifieds.OfferCounter, r *env.Reader) *classifieds.OfferGate {
	return &classifieds.OfferGate{Store: st, Free: r.Count("FREE_OFFERS", classifieds.DefaultFreeOffers)}
}
