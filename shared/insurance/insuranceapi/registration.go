package insuranceapi

import (
	"context"
	"net/http"
	"time"

	"kontor/shared/access"
	"kontor/shared/httpapi"
	"kontor/shared/insurance"
	"kontor/shared/problem"
	"kontor/shared/ratelimit"
)

// Registration serves registration, activation, the eID callback and the
// activation letters' print queue.
type Registration struct {
	Registrar *insurance.Registrar
	// Secret is shared with the eID provider and signs its callbacks.
	Secret []byte
	Now    func() time.Time
}

type registerBody struct {
	FirstName              string `json:"firstName"`
	LastName               string `json:"lastName"`
	Birthdate              string `json:"birthdate"`
	Email                  string `json:"email"`
	Phone                  string `json:"phone"`
	ContractNumber         string `json:"contractNumber"`
	Activation             string `json:"activation"`
	Language               string `json:"language"`
	AcceptedTermsVersion   string `json:"acceptedTermsVersion"`
	AcceptedPrivacyVersion string `json:"acceptedPrivacyVersion"`
}

// Register serves POST /v1/insurance/registrations (H4U-4, H4U-5).
func (h Registration) Register(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var b registerBody
	if err := r.DecodeJSON(&b, maxBody); err != nil {
		return httpapi.Response{}, err
	}
	if b.Language == "" {
		b.Language = r.Lang
	}
	r.UseLanguage(b.Language)
	reg, err := h.Registrar.Register(ctx, insurance.RegisterInput{
		FirstName: b.FirstName, LastName: b.LastName, Birthdate: b.Birthdate, Email: b.Email, Phone: b.Phone,
		ContractNumber: b.ContractNumber, Activation: b.Activation, Language: b.Language,
		TermsVersion: b.AcceptedTermsVersion, PrivacyVersion: b.AcceptedPrivacyVersion,
	})
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusAccepted, reg), nil
}

type activateBody struct {
	RegistrationID string `json:"registrationId"`
	Code           string `json:"code"`
}

// Accepted says that a mail with the next step is on its way.
type Accepted struct {
	Status string `json:"status"`
}

// Activate serves POST /v1/insurance/activations: the letter's code, or nothing
// after a successful eID identification. The customer then receives the mail to
// set a password.
func (h Registration) Activate(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var b activateBody
	if err := r.DecodeJSON(&b, maxBody); err != nil {
		return httpapi.Response{}, err
	}
	if err := h.Registrar.Activate(ctx, b.RegistrationID, b.Code); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusAccepted, Accepted{Status: "mail_sent"}), nil
}

// Callback serves POST /v1/insurance/eid/callback: signed by the provider (HMAC),
// it carries the pseudonym, the result and the identity read from the card; only
// the outcome of comparing that identity with the contract's holder is stored.
func (h Registration) Callback(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	body, err := r.Body()
	if err != nil {
		return httpapi.Response{}, err
	}
	if len(body) > maxBody {
		return httpapi.Response{}, problem.New(http.StatusRequestEntityTooLarge, problem.CodeBodyTooLarge)
	}
	if !insurance.Verify(h.Secret, r.Header(insurance.SignatureHeader), body, h.Now()) {
		return httpapi.Response{}, problem.New(http.StatusUnauthorized, insurance.CodeEIDSignature)
	}
	var cb insurance.Callback
	if err := r.DecodeJSON(&cb, maxBody); err != nil {
		return httpapi.Response{}, err
	}
	if err := h.Registrar.EIDResult(ctx, cb.Pseudonym, cb.Result, cb.Identity); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.NoContent(), nil
}

// LetterList is a page of the print queue.
type LetterList struct {
	Letters []insurance.Letter `json:"letters"`
	Next    string             `json:"next,omitempty"`
}

// Letters serves GET /v1/staff/activation-letters.
func (h Registration) Letters(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	pg, err := page(r)
	if err != nil {
		return httpapi.Response{}, err
	}
	ls, next, err := h.Registrar.Letters(ctx, pg)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, LetterList{Letters: ls, Next: next}), nil
}

// Printed serves DELETE /v1/staff/activation-letters/{id}: the letter was printed.
func (h Registration) Printed(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	if err := h.Registrar.LetterPrinted(ctx, r.Event.PathParameters["id"]); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.NoContent(), nil
}

// Routes are served by the registration function.
func (h Registration) Routes() map[string]httpapi.Route {
	return map[string]httpapi.Route{
		"POST /v1/insurance/registrations":         {Handler: h.Register, Access: httpapi.Public, Limits: []ratelimit.Rule{ratelimit.InsuranceRegister, ratelimit.InsuranceRegisterAll}, MaxBody: maxBody},
		"POST /v1/insurance/activations":           {Handler: h.Activate, Access: httpapi.Public, Limits: []ratelimit.Rule{ratelimit.InsuranceActivate, ratelimit.InsuranceActivateAll}, MaxBody: maxBody},
		"POST /v1/insurance/eid/callback":          {Handler: h.Callback, Access: httpapi.Callback},
		"GET /v1/staff/activation-letters":         {Handler: h.Letters, Access: httpapi.Signed, Role: access.RoleStaff},
		"DELETE /v1/staff/activation-letters/{id}": {Handler: h.Printed, Access: httpapi.Signed, Role: access.RoleStaff},
	}
}
