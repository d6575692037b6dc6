package classifiedsapi

import (
	"context"
	"net/http"
	"strconv"

	"kontor/shared/classifieds"
	"kontor/shared/httpapi"
	"kontor/shared/problem"
)

// ListingStats serves the advertiser's visitor statistics (ListingStatsFunction).
type ListingStats struct {
	Svc *classifieds.ListingStats
}

// days reads ?days= (1 to classifieds.MaxStatsDays; DefaultStatsDays when absent).
func days(r *httpapi.Request) (int, error) {
	raw, ok := r.Event.QueryStringParameters["days"]
	if !ok {
		return classifieds.DefaultStatsDays, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > classifieds.MaxStatsDays {
		return 0, problem.Invalid(problem.FieldError{Field: "days", Code: problem.FieldInvalidValue})
	}
	return n, nil
}

// Get serves GET /v1/me/listings/{id}/stats: distinct visitors per closed day of
// the advertiser's own listing; 404 for any other.
func (h ListingStats) Get(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	n, err := days(r)
	if err != nil {
		return httpapi.Response{}, err
	}
	s, err := h.Svc.Of(ctx, r.Principal.AccountID, r.Event.PathParameters["id"], n)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, s), nil
}

// Routes are served by the listing statistics function.
func (h ListingStats) Routes() map[string]httpapi.Route {
	return map[string]httpapi.Route{
		"GET /v1/me/listings/{id}/stats": {Handler: h.Get, Access: httpapi.Signed},
	}
}
