package networkapi

import (
	"context"
	"net/http"

	"kontor/shared/access"
	"kontor/shared/httpapi"
	"kontor/shared/network"
	"kontor/shared/ratelimit"
)

// Connections serves requests and connections between members, and blocks
// (HKC-8).
type Connections struct {
	Svc *network.ConnectionService
}

// List serves GET /v1/connections?filter=incoming|outgoing|accepted.
func (h Connections) List(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	pg, err := page(r, 100)
	if err != nil {
		return httpapi.Response{}, err
	}
	cs, next, err := h.Svc.List(ctx, reader(r), r.Event.QueryStringParameters["filter"], pg)
	return listed("connections", cs, next, err)
}

// Send serves POST /v1/connections: 201 for a new request (or a request of the
// other member's accepted), 200 for one sent already.
func (h Connections) Send(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in network.ConnectionInput
	if err := r.DecodeJSON(&in, network.MaxConnectionBody); err != nil {
		return httpapi.Response{}, err
	}
	v, created, err := h.Svc.Send(ctx, reader(r), in)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(map[bool]int{true: http.StatusCreated, false: http.StatusOK}[created], v), nil
}

// Accept serves POST /v1/connections/{id}/accept.
func (h Connections) Accept(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	v, err := h.Svc.Accept(ctx, reader(r), param(r, "id"))
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, v), nil
}

// Decline serves POST /v1/connections/{id}/decline.
func (h Connections) Decline(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	return noContent(h.Svc.Decline(ctx, reader(r), param(r, "id")))
}

// Remove serves DELETE /v1/connections/{id}.
func (h Connections) Remove(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	return noContent(h.Svc.Remove(ctx, reader(r), param(r, "id")))
}

// Blocks serves GET /v1/blocks.
func (h Connections) Blocks(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	pg, err := page(r, 100)
	if err != nil {
		return httpapi.Response{}, err
	}
	bs, next, err := h.Svc.Blocks(ctx, reader(r), pg)
	return listed("blocks", bs, next, err)
}

// Block serves PUT /v1/blocks/{accountId}.
func (h Connections) Block(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	return noContent(h.Svc.BlockMember(ctx, reader(r), param(r, "accountId")))
}

// Unblock serves DELETE /v1/blocks/{accountId}.
func (h Connections) Unblock(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	return noContent(h.Svc.Unblock(ctx, reader(r), param(r, "accountId")))
}

func noContent(err error) (httpapi.Response, error) {
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.NoContent(), nil
}

// Routes are served by the connections function: network members only, hidden
// from everyone else. New requests count against their own limit (mass
// requests) and the network's write limit.
func (h Connections) Routes() map[string]httpapi.Route {
	route := func(fn httpapi.Handler, maxBody int, limits ...ratelimit.Rule) httpapi.Route {
		return httpapi.Route{Handler: fn, Access: httpapi.Signed, Role: access.RoleNetwork, HiddenWithoutRole: true, Gate: groupGate, MaxBody: maxBody, Limits: limits}
	}
	return map[string]httpapi.Route{
		"GET /v1/connections":               route(h.List, 0),
		"POST /v1/connections":              route(h.Send, network.MaxConnectionBody, ratelimit.NetworkConnect, ratelimit.NetworkWrite),
		"POST /v1/connections/{id}/accept":  route(h.Accept, 0),
		"POST /v1/connections/{id}/decline": route(h.Decline, 0),
		"DELETE /v1/connections/{id}":       route(h.Remove, 0),
		"GET /v1/blocks":                    route(h.Blocks, 0),
		"PUT /v1/blocks/{accountId}":        route(h.Block, 0, ratelimit.NetworkWrite),
		"DELETE /v1/blocks/{accountId}":     route(h.Unblock, 0),
	}
}
