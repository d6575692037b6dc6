// Package networkapi serves the network's profile routes. Every route needs the
// network role and is hidden (404) from an account without it.
package networkapi

import (
	"context"
	"net/http"

	"kontor/shared/access"
	"kontor/shared/httpapi"
	"kontor/shared/network"
)

// Handlers serves the routes.
type Handlers struct {
	Svc *network.Service
}

// Mine is the owner's view of their profile, with whether the consent to the
// voluntary details is given (the page explains it when it is not).
type Mine struct {
	network.Profile
	Complete         bool `json:"complete"`
	VoluntaryConsent bool `json:"voluntaryConsent"`
}

func mine(r *httpapi.Request, p network.Profile) Mine {
	return Mine{Profile: p, Complete: p.Complete(), VoluntaryConsent: r.Consented(network.PurposeVoluntary)}
}

// MyProfile serves GET /v1/me/profile.
func (h Handlers) MyProfile(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	p, err := h.Svc.Mine(ctx, r.Principal.AccountID)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, mine(r, p)), nil
}

// UpdateMyProfile serves PATCH /v1/me/profile: only the details the body names
// change.
func (h Handlers) UpdateMyProfile(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var patch map[string]any
	if err := r.DecodeJSON(&patch, network.MaxBody); err != nil {
		return httpapi.Response{}, err
	}
	p, err := h.Svc.Update(ctx, r.Principal.AccountID, patch, r.Consented(network.PurposeVoluntary))
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, mine(r, p)), nil
}

// Member serves GET /v1/members/{id}: what the reader may see of that member.
func (h Handlers) Member(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	v, err := h.Svc.Member(ctx, r.Principal.AccountID, r.Event.PathParameters["id"])
	if err != nil {
		return httpapi.Response{}, err
	}
	if p, own := v.(network.Profile); own {
		return httpapi.JSON(http.StatusOK, mine(r, p)), nil
	}
	return httpapi.JSON(http.StatusOK, v), nil
}

// profileGate reads the caller's consents for the handlers (the voluntary
// details) and stops changes while processing is restricted (Art. 18).
var profileGate = &httpapi.Gate{WritesStopWhenRestricted: true}

// Routes are served by the network function: network members only, hidden from
// everyone else.
func (h Handlers) Routes() map[string]httpapi.Route {
	route := func(fn httpapi.Handler, gate *httpapi.Gate, maxBody int) httpapi.Route {
		return httpapi.Route{Handler: fn, Access: httpapi.Signed, Role: access.RoleNetwork, HiddenWithoutRole: true, Gate: gate, MaxBody: maxBody}
	}
	return map[string]httpapi.Route{
		"GET /v1/me/profile":   route(h.MyProfile, profileGate, 0),
		"PATCH /v1/me/profile": route(h.UpdateMyProfile, profileGate, network.MaxBody),
		"GET /v1/members/{id}": route(h.Member, profileGate, 0),
	}
}
