// Package networkapi serves the network's profile routes. Every route needs the
// network role and is hidden (404) from an account without it.
package networkapi

import (
	"context"
	"net/http"

	"kontor/shared/access"
	"kontor/shared/httpapi"
	"kontor/shared/network"
	"kontor/shared/ratelimit"
	"kontor/shared/upload"
)

// Handlers serves the routes.
type Handlers struct {
	Svc      *network.Service
	Pictures *network.PictureService
}

// Mine is the owner's view of their profile, with whether the consent to the
// voluntary details is given and whether it covers the picture (given to a text
// naming it); the page explains it when not.
type Mine struct {
	network.Profile
	Complete         bool           `json:"complete"`
	VoluntaryConsent bool           `json:"voluntaryConsent"`
	PictureConsent   bool           `json:"pictureConsent"`
	Picture          *network.Links `json:"picture"`
}

// Theirs is another member's profile as the reader sees it, with links to the
// picture.
type Theirs struct {
	network.View
	Picture *network.Links `json:"picture"`
}

func (h Handlers) mine(ctx context.Context, r *httpapi.Request, p network.Profile) (httpapi.Response, error) {
	pic, err := h.Pictures.Links(ctx, p.AccountID, network.PictureLinkTTL)
	if err != nil {
		return httpapi.Response{}, err
	}
	return mineWith(r, p, pic), nil
}

// mineWith is the owner's view of p with the links to its picture.
func mineWith(r *httpapi.Request, p network.Profile, pic *network.Links) httpapi.Response {
	consent := r.ConsentVersion(network.PurposeVoluntary)
	return httpapi.JSON(http.StatusOK, Mine{Profile: p, Complete: p.Complete(), VoluntaryConsent: consent != "",
		PictureConsent: network.PictureConsented(consent), Picture: pic})
}

// MyProfile serves GET /v1/me/profile.
func (h Handlers) MyProfile(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	p, err := h.Svc.Mine(ctx, r.Principal.AccountID)
	if err != nil {
		return httpapi.Response{}, err
	}
	return h.mine(ctx, r, p)
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
	return h.mine(ctx, r, p)
}

// Member serves GET /v1/members/{id}: what the reader may see of that member,
// profile and picture record read in one round trip.
func (h Handlers) Member(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	id := r.Event.PathParameters["id"]
	v, ps, err := h.Svc.Member(ctx, r.Principal.AccountID, id)
	if err != nil {
		return httpapi.Response{}, err
	}
	pic, err := h.Pictures.LinksOf(ctx, id, ps, network.PictureLinkTTL)
	if err != nil {
		return httpapi.Response{}, err
	}
	if p, own := v.(network.Profile); own {
		return mineWith(r, p, pic), nil
	}
	view, _ := v.(network.View)
	return httpapi.JSON(http.StatusOK, Theirs{View: view, Picture: pic}), nil
}

// PictureDeclaration is the body of PUT /v1/me/profile/picture.
type PictureDeclaration struct {
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
}

// NewPicture answers a declared picture with where to send it.
type NewPicture struct {
	Upload upload.URL `json:"upload"`
}

// DeclarePicture serves PUT /v1/me/profile/picture: the picture's type and size,
// answered with a presigned upload to the picture bucket's staging area.
func (h Handlers) DeclarePicture(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var d PictureDeclaration
	if err := r.DecodeJSON(&d, 1<<10); err != nil {
		return httpapi.Response{}, err
	}
	up, err := h.Pictures.Declare(ctx, r.Principal.AccountID, d.ContentType, d.Size, r.ConsentVersion(network.PurposeVoluntary))
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusCreated, NewPicture{Upload: up}), nil
}

// CompletePicture serves POST /v1/me/profile/picture/complete: the uploaded
// picture is checked, re-encoded in its sizes and shown; the answer is the
// profile with its links.
func (h Handlers) CompletePicture(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	if err := h.Pictures.Complete(ctx, r.Principal.AccountID, r.ConsentVersion(network.PurposeVoluntary)); err != nil {
		return httpapi.Response{}, err
	}
	return h.MyProfile(ctx, r)
}

// RemovePicture serves DELETE /v1/me/profile/picture.
func (h Handlers) RemovePicture(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	if _, err := h.Pictures.Remove(ctx, r.Principal.AccountID); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.NoContent(), nil
}

// profileGate reads the caller's consents for the handlers (the voluntary
// details) and stops changes while processing is restricted (Art. 18).
var profileGate = &httpapi.Gate{WritesStopWhenRestricted: true}

// Routes are served by the network function: network members only, hidden from
// everyone else.
func (h Handlers) Routes() map[string]httpapi.Route {
	route := func(fn httpapi.Handler, gate *httpapi.Gate, maxBody int, limits ...ratelimit.Rule) httpapi.Route {
		return httpapi.Route{Handler: fn, Access: httpapi.Signed, Role: access.RoleNetwork, HiddenWithoutRole: true, Gate: gate, MaxBody: maxBody, Limits: limits}
	}
	return map[string]httpapi.Route{
		"GET /v1/me/profile":   route(h.MyProfile, profileGate, 0),
		"PATCH /v1/me/profile": route(h.UpdateMyProfile, profileGate, network.MaxBody),
		"GET /v1/members/{id}": route(h.Member, profileGate, 0),
		// Uploads count against the account's limit, as invoices do.
		"PUT /v1/me/profile/picture":           route(h.DeclarePicture, profileGate, 1<<10, ratelimit.Upload),
		"POST /v1/me/profile/picture/complete": route(h.CompletePicture, profileGate, 0),
		"DELETE /v1/me/profile/picture":        route(h.RemovePicture, profileGate, 0),
	}
}
