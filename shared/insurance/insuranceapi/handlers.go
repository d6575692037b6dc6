// Package insuranceapi serves the insurance portal's routes: contract import,
// registration and activation, the customer's contracts and claims, and the staff's
// review.
package insuranceapi

import (
	"context"
	"mime"
	"net/http"
	"time"

	"kontor/shared/access"
	"kontor/shared/httpapi"
	"kontor/shared/insurance"
	"kontor/shared/problem"
	"kontor/shared/ratelimit"
)

const maxBody = 32 << 10

// ContractImporter stores imported contracts (insurancedb.Store).
type ContractImporter interface {
	SaveContracts(ctx context.Context, cs []insurance.Contract, now time.Time) error
}

// Import serves the staff's contract import.
type Import struct {
	Store ContractImporter
	Now   func() time.Time
}

// Upload serves POST /v1/staff/contract-imports: a CSV file of contract records.
// Valid rows are stored (re-importing a contract replaces it); the report lists
// every rejected row with its fields' codes.
func (h Import) Upload(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	mt, _, err := mime.ParseMediaType(r.Header("content-type"))
	if err != nil || mt != "text/csv" {
		return httpapi.Response{}, problem.New(http.StatusUnsupportedMediaType, insurance.CodeCSVExpected)
	}
	body, err := r.Body()
	if err != nil {
		return httpapi.Response{}, err
	}
	now := h.Now()
	cs, rep, err := insurance.ParseImport(body, now)
	if err != nil {
		return httpapi.Response{}, err
	}
	if err := h.Store.SaveContracts(ctx, cs, now); err != nil {
		return httpapi.Response{}, err
	}
	rep.Imported = len(cs)
	return httpapi.JSON(http.StatusOK, rep), nil
}

// Routes are served by the contract import function.
func (h Import) Routes() map[string]httpapi.Route {
	return map[string]httpapi.Route{
		"POST /v1/staff/contract-imports": {Handler: h.Upload, Access: httpapi.Signed, Role: access.RoleStaff, Limits: []ratelimit.Rule{ratelimit.ContractImport}},
	}
}

// ContractReader reads a customer's contracts (insurancedb.Store).
type ContractReader interface {
	// LinkOf returns the customer an account is linked to.
	LinkOf(ctx context.Context, accountID string, now time.Time) (insurance.Link, bool, error)
	// CustomerContracts returns every contract of a customer.
	CustomerContracts(ctx context.Context, customer string, now time.Time) ([]insurance.Contract, error)
}

// Contracts serves the customer's own contracts; the processing consent comes first
// (the route's gate, insurance.PortalGate).
type Contracts struct {
	Store ContractReader
	Now   func() time.Time
}

// ContractList is the answer of GET /v1/me/contracts.
type ContractList struct {
	Contracts []insurance.Contract `json:"contracts"`
}

// Mine serves GET /v1/me/contracts (H4U-2): the contracts of the customer linked to
// the signed-in account, nobody else's; the processing consent comes first (H4U-3).
func (h Contracts) Mine(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	now := h.Now()
	link, ok, err := h.Store.LinkOf(ctx, r.Principal.AccountID, now)
	if err != nil {
		return httpapi.Response{}, err
	}
	out := ContractList{Contracts: []insurance.Contract{}}
	if ok {
		if out.Contracts, err = h.Store.CustomerContracts(ctx, link.CustomerNumber, now); err != nil {
			return httpapi.Response{}, err
		}
	}
	return httpapi.JSON(http.StatusOK, out), nil
}

// Routes are served by the contracts function.
func (h Contracts) Routes() map[string]httpapi.Route {
	return map[string]httpapi.Route{
		"GET /v1/me/contracts": {Handler: h.Mine, Access: httpapi.Signed, Gate: insurance.PortalGate},
	}
}
