package networkapi

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"kontor/shared/access"
	"kontor/shared/httpapi"
	"kontor/shared/ids"
	"kontor/shared/network"
	"kontor/shared/problem"
)

// Auditor appends an admin action to the privacy module's audit log (ids only).
type Auditor interface {
	Record(ctx context.Context, action, actor, subject, reason string) error
}

// Register serves the honorary office (staff set and remove it) and the
// member's view of what the company register set in their profile (HKC-10).
type Register struct {
	Svc   *network.RegisterService
	Audit Auditor
	Log   *slog.Logger
}

// honoraryManagers may set and remove an honorary office, as they may grant
// the network role.
var honoraryManagers = []string{access.RoleStaff, access.RoleAdmin}

// HonoraryBody is the body of PUT /v1/admin/members/{id}/honorary-office.
type HonoraryBody struct {
	RegisterNumber string `json:"registerNumber"`
}

// MyRegister serves GET /v1/me/profile/register.
func (h Register) MyRegister(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	v, err := h.Svc.Mine(ctx, r.Principal.AccountID)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, v), nil
}

// memberID is the account the path names; what is not an account id is 404.
func memberID(r *httpapi.Request) (string, error) {
	id := r.Event.PathParameters["id"]
	if !ids.ValidV7(id) {
		return "", problem.New(http.StatusNotFound, problem.CodeNotFound)
	}
	return id, nil
}

// GetHonorary serves GET /v1/admin/members/{id}/honorary-office (staff).
func (h Register) GetHonorary(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	id, err := memberID(r)
	if err != nil {
		return httpapi.Response{}, err
	}
	o, err := h.Svc.Get(ctx, id)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, o), nil
}

// SetHonorary serves PUT /v1/admin/members/{id}/honorary-office (staff): 201
// for a new office or number, 200 when it was set so already.
func (h Register) SetHonorary(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	id, err := memberID(r)
	if err != nil {
		return httpapi.Response{}, err
	}
	var b HonoraryBody
	if err := r.DecodeJSON(&b, 1<<10); err != nil {
		return httpapi.Response{}, err
	}
	o, created, err := h.Svc.Set(ctx, id, b.RegisterNumber)
	if err != nil {
		return httpapi.Response{}, err
	}
	if !created {
		return httpapi.JSON(http.StatusOK, o), nil
	}
	if err := h.audit(ctx, "network.honorary_set", r.Principal, id); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusCreated, o), nil
}

// RemoveHonorary serves DELETE /v1/admin/members/{id}/honorary-office (staff);
// again is harmless.
func (h Register) RemoveHonorary(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	id, err := memberID(r)
	if err != nil {
		return httpapi.Response{}, err
	}
	if err := h.Svc.Remove(ctx, id); err != nil {
		return httpapi.Response{}, err
	}
	if err := h.audit(ctx, "network.honorary_removed", r.Principal, id); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.NoContent(), nil
}

func (h Register) audit(ctx context.Context, action string, by access.Principal, id string) error {
	if h.Log != nil {
		h.Log.InfoContext(ctx, action, slog.String("accountId", id), slog.String("by", by.AccountID))
	}
	if err := h.Audit.Record(ctx, action, by.AccountID, id, ""); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// Routes are the register's routes in the network function: the member's view
// for network members (hidden from everyone else), the office for staff and
// administrators (403 for anyone else signed in, as the other admin routes).
func (h Register) Routes() map[string]httpapi.Route {
	admin := func(fn httpapi.Handler, maxBody int) httpapi.Route {
		return httpapi.Route{Handler: fn, Access: httpapi.Signed, AnyRole: honoraryManagers, MaxBody: maxBody}
	}
	return map[string]httpapi.Route{
		"GET /v1/me/profile/register":                   {Handler: h.MyRegister, Access: httpapi.Signed, Role: access.RoleNetwork, HiddenWithoutRole: true},
		"GET /v1/admin/members/{id}/honorary-office":    admin(h.GetHonorary, 0),
		"PUT /v1/admin/members/{id}/honorary-office":    admin(h.SetHonorary, 1<<10),
		"DELETE /v1/admin/members/{id}/honorary-office": admin(h.RemoveHonorary, 0),
	}
}
