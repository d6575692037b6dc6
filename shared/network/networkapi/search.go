package networkapi

import (
	"context"
	"net/http"
	"strconv"

	"kontor/shared/access"
	"kontor/shared/httpapi"
	"kontor/shared/network"
	"kontor/shared/problem"
	"kontor/shared/ratelimit"
)

// Search serves the search over people, groups and posts (HKC-9).
type Search struct {
	Svc *network.SearchService
}

// Search serves GET /v1/search?q=…&type=people|groups|posts[&limit=…].
func (h Search) Search(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	params := r.Event.QueryStringParameters
	typ := params["type"]
	q, err := network.CheckQuery(params["q"], typ)
	if err != nil {
		return httpapi.Response{}, err
	}
	limit := network.DefaultResults
	if l := params["limit"]; l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > network.MaxResults {
			return httpapi.Response{}, problem.Invalid(problem.FieldError{Field: "limit", Code: problem.FieldInvalidValue})
		}
		limit = n
	}
	results, err := h.Svc.Search(ctx, reader(r), q, typ, limit)
	if err != nil {
		return httpapi.Response{}, err
	}
	if results == nil {
		results = []network.Result{}
	}
	return httpapi.JSON(http.StatusOK, map[string]any{"results": results}), nil
}

// Routes are served by the search function: network members only, hidden from
// everyone else.
func (h Search) Routes() map[string]httpapi.Route {
	return map[string]httpapi.Route{
		"GET /v1/search": {Handler: h.Search, Access: httpapi.Signed, Role: access.RoleNetwork, HiddenWithoutRole: true,
			Limits: []ratelimit.Rule{ratelimit.NetworkSearch}},
	}
}
