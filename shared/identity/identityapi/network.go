package identityapi

import (
	"context"
	"net/http"

	"kontor/shared/access"
	"kontor/shared/httpapi"
	"kontor/shared/ids"
	"kontor/shared/problem"
)

// networkManagers may grant and take away the network role.
var networkManagers = []string{access.RoleStaff, access.RoleAdmin}

// GrantNetwork serves PUT /v1/admin/members/{id}/network (staff or admin).
func (h Handlers) GrantNetwork(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	return h.networkRole(ctx, r, h.Svc.GrantNetwork)
}

// RemoveNetwork serves DELETE /v1/admin/members/{id}/network (staff or admin).
func (h Handlers) RemoveNetwork(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	return h.networkRole(ctx, r, h.Svc.RemoveNetwork)
}

// networkRole runs change on the account the path names; what is not an account
// id is 404, as an unknown account is.
func (h Handlers) networkRole(ctx context.Context, r *httpapi.Request, change func(context.Context, access.Principal, string) error) (httpapi.Response, error) {
	id := r.Event.PathParameters["id"]
	if !ids.ValidV7(id) {
		return httpapi.Response{}, problem.New(http.StatusNotFound, problem.CodeNotFound)
	}
	if err := change(ctx, r.Principal, id); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.NoContent(), nil
}
