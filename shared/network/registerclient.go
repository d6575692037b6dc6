package network

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// RegisterRecord is a company as the register answers for a register number.
type RegisterRecord struct {
	RegisterNumber string `json:"registerNumber"`
	Company        string `json:"name"`
	Street         string `json:"street"`
	HouseNumber    string `json:"houseNumber"`
	PostalCode     string `json:"postalCode"`
	City           string `json:"city"`
	Country        string `json:"country"`
	Website        string `json:"website"`
	Phone          string `json:"phone"`
}

// patch is the record as a profile change of the register-managed details; a
// detail the register leaves empty is not named, so the sync never removes one.
func (r RegisterRecord) patch() map[string]any {
	out := map[string]any{}
	for name, v := range map[string]string{"company": r.Company, "street": r.Street, "houseNumber": r.HouseNumber, "postalCode": r.PostalCode,
		"city": r.City, "country": r.Country, "companyWebsite": r.Website, "phone": r.Phone} {
		if strings.TrimSpace(v) != "" {
			out[name] = v
		}
	}
	return out
}

// Register answers for a register number.
type Register interface {
	// Lookup reads the company registered under number; a *RegisterError when the
	// register fails or its answer is refused.
	Lookup(ctx context.Context, number string) (RegisterRecord, error)
}

// RegisterError is a register that failed for one number, with the reason the
// sync records (no personal data): unavailable, timeout, unauthorized,
// unknown_number, redirect, oversized, not_json, invalid_json, wrong_number,
// invalid_fields. Transient ones are tried again within the run.
type RegisterError struct {
	Reason    string
	Transient bool
}

func (e *RegisterError) Error() string { return "register: " + e.Reason }

func registerFailure(reason string, transient bool) error {
	return &RegisterError{Reason: reason, Transient: transient}
}

// MaxRegisterBody bounds the register's answer: a company's record is far
// below it; a larger body is refused unread beyond it.
const MaxRegisterBody = 16 << 10

// RegisterTimeout is the default time one request to the register may take.
const RegisterTimeout = 5 * time.Second

// HTTPRegister asks the register's HTTPS API: GET <URL>/companies/<number>
// with the API key as a bearer token. What makes its answer the register's:
// the URL must be https (plain http only to a loopback address, the local
// stand-in), the server's certificate is verified for the URL's host (TLS 1.2 or
// later, the system's roots), redirects are refused (so neither the key nor the
// question goes to another host, and no other host answers), and the answer must
// name the register number asked for. The key authenticates the portal to the
// register, never the other way round.
type HTTPRegister struct {
	URL    string
	Key    string
	Client *http.Client
}

// NewHTTPRegister checks the register's address and returns its client with
// timeout per request.
func NewHTTPRegister(base, key string, timeout time.Duration) (*HTTPRegister, error) {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, errors.New("register URL must be an absolute address without user, query or fragment")
	}
	if u.Scheme != "https" && (u.Scheme != "http" || !loopback(u.Hostname())) {
		return nil, errors.New("register URL must be https (plain http only to a loopback address)")
	}
	if key == "" {
		return nil, errors.New("register API key is empty")
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	tr.Proxy = nil
	c := &http.Client{Timeout: timeout, Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &HTTPRegister{URL: strings.TrimRight(base, "/"), Key: key, Client: c}, nil
}

// loopback reports whether host is this machine.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Lookup implements Register.
func (r *HTTPRegister) Lookup(ctx context.Context, number string) (RegisterRecord, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.URL+"/companies/"+url.PathEscape(number), nil)
	if err != nil {
		return RegisterRecord{}, fmt.Errorf("register request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+r.Key)
	req.Header.Set("Accept", "application/json")
	resp, err := r.Client.Do(req)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, context.DeadlineExceeded) {
			return RegisterRecord{}, registerFailure("timeout", true)
		}
		return RegisterRecord{}, registerFailure("unavailable", true)
	}
	defer func() { _ = resp.Body.Close() }()
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return RegisterRecord{}, registerFailure("unknown_number", false)
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return RegisterRecord{}, registerFailure("unauthorized", false)
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		return RegisterRecord{}, registerFailure("redirect", false)
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return RegisterRecord{}, registerFailure("unavailable", true)
	case resp.StatusCode != http.StatusOK:
		return RegisterRecord{}, registerFailure("unavailable", false)
	}
	return readRecord(resp, number)
}

// readRecord reads a 200 answer: JSON of at most MaxRegisterBody bytes, one
// object of strings, for the number asked.
func readRecord(resp *http.Response, number string) (RegisterRecord, error) {
	if mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return RegisterRecord{}, registerFailure("not_json", false)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxRegisterBody+1))
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return RegisterRecord{}, registerFailure("timeout", true)
		}
		return RegisterRecord{}, registerFailure("unavailable", true)
	}
	if len(body) > MaxRegisterBody {
		return RegisterRecord{}, registerFailure("oversized", false)
	}
	return parseRecord(body, number)
}

// parseRecord decodes a register's answer and checks that it is for number.
func parseRecord(body []byte, number string) (RegisterRecord, error) {
	var rec RegisterRecord
	dec := json.NewDecoder(strings.NewReader(string(body)))
	if err := dec.Decode(&rec); err != nil {
		return RegisterRecord{}, registerFailure("invalid_json", false)
	}
	if dec.More() {
		return RegisterRecord{}, registerFailure("invalid_json", false)
	}
	if got, _ := NormalizeRegisterNumber(rec.RegisterNumber); got != number {
		return RegisterRecord{}, registerFailure("wrong_number", false)
	}
	return rec, nil
}
