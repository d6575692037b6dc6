package classifieds

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// CheckoutClient creates checkout sessions at the payment provider, server to
// server with the operator's secret key, as checkout providers' APIs do:
// POST <BaseURL>/v1/checkout/sessions with a JSON body of exactly what
// CheckoutRequest holds.
type CheckoutClient struct {
	// BaseURL is the provider's API (template parameter PaymentProviderUrl).
	BaseURL string
	// Key is the operator's secret key at the provider.
	Key    []byte
	Client *http.Client
}

// CheckoutBody is the wire form of a CheckoutRequest: nothing else is sent.
type CheckoutBody struct {
	Amount     int64  `json:"amount"`
	Currency   string `json:"currency"`
	Reference  string `json:"reference"`
	SuccessURL string `json:"successUrl"`
	CancelURL  string `json:"cancelUrl"`
	ExpiresAt  int64  `json:"expiresAt"`
}

// CreateCheckout implements PaymentProvider.
func (c *CheckoutClient) CreateCheckout(ctx context.Context, r CheckoutRequest) (CheckoutSession, error) {
	b, err := json.Marshal(CheckoutBody{Amount: r.AmountCents, Currency: r.Currency, Reference: r.Reference,
		SuccessURL: r.SuccessURL, CancelURL: r.CancelURL, ExpiresAt: r.ExpiresAt.Unix()})
	if err != nil {
		return CheckoutSession{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.BaseURL+"/v1/checkout/sessions", bytes.NewReader(b))
	if err != nil {
		return CheckoutSession{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+string(c.Key))
	cl := c.Client
	if cl == nil {
		cl = http.DefaultClient
	}
	resp, err := cl.Do(req) // #nosec G704 -- the operator's configured provider (PaymentProviderUrl), not an address from a request
	if err != nil {
		return CheckoutSession{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
		return CheckoutSession{}, fmt.Errorf("checkout session: provider answered %d", resp.StatusCode)
	}
	var s CheckoutSession
	if err := json.NewDecoder(io.LimitReader(resp.Body, 8<<10)).Decode(&s); err != nil {
		return CheckoutSession{}, fmt.Errorf("checkout session: %w", err)
	}
	if s.ID == "" || s.URL == "" {
		return CheckoutSession{}, fmt.Errorf("checkout session: no id or url")
	}
	return s, nil
}
