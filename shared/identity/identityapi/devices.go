package identityapi

import (
	"context"
	"net/http"

	"kontor/shared/httpapi"
	"kontor/shared/identity"
	"kontor/shared/ids"
	"kontor/shared/ratelimit"
)

type deviceBody struct {
	Name string `json:"name"`
}

// NewDevice is the answer to adding a device: the credential, shown this once.
type NewDevice struct {
	identity.Device
	Credential string `json:"credential"`
}

// DeviceList lists a person's device credentials.
type DeviceList struct {
	Devices []identity.Device `json:"devices"`
}

// AddDevice serves POST /v1/me/devices.
func (h Handlers) AddDevice(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var b deviceBody
	if err := r.DecodeJSON(&b, maxBody); err != nil {
		return httpapi.Response{}, err
	}
	d, cred, err := h.Svc.AddDevice(ctx, r.Principal, b.Name)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusCreated, NewDevice{Device: d, Credential: cred}), nil
}

// ListDevices serves GET /v1/me/devices.
func (h Handlers) ListDevices(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	ds, err := h.Svc.Devices(ctx, r.Principal)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, DeviceList{Devices: ds}), nil
}

// RevokeDevice serves DELETE /v1/me/devices/{id}.
func (h Handlers) RevokeDevice(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	if err := h.Svc.RevokeDevice(ctx, r.Principal, r.Event.PathParameters["id"]); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.NoContent(), nil
}

type deviceLoginBody struct {
	Credential string `json:"credential"`
}

// DeviceLogin serves POST /v1/sessions/device: a device signs in with the credential
// it unlocked with its own biometrics (H4U-6).
func (h Handlers) DeviceLogin(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var b deviceLoginBody
	if err := r.DecodeJSON(&b, maxBody); err != nil {
		return httpapi.Response{}, err
	}
	prev := ""
	if t := r.Cookie(httpapi.SessionCookie); ids.PlausibleToken(t) {
		prev = ids.Digest(t)
	}
	res, err := h.Svc.DeviceLogin(ctx, b.Credential, r.ClientIP(), prev)
	if err != nil {
		return httpapi.Response{}, err
	}
	return sessionResponse(http.StatusCreated, res), nil
}

// DeviceRoutes are served by the devices function.
func (h Handlers) DeviceRoutes() map[string]httpapi.Route {
	return map[string]httpapi.Route{
		"POST /v1/me/devices":        {Handler: h.AddDevice, Access: httpapi.Signed, Limits: []ratelimit.Rule{ratelimit.DeviceCreate}, Recent: true, Idempotency: httpapi.IdempotencyRequired},
		"GET /v1/me/devices":         {Handler: h.ListDevices, Access: httpapi.Signed},
		"DELETE /v1/me/devices/{id}": {Handler: h.RevokeDevice, Access: httpapi.Signed},
	}
}
