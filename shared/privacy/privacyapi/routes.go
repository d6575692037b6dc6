package privacyapi

import (
	"kontor/shared/access"
	"kontor/shared/httpapi"
	"kontor/shared/ratelimit"
)

// ExportRoutes are served by the export function.
func (h Handlers) ExportRoutes() map[string]httpapi.Route {
	return map[string]httpapi.Route{"GET /v1/me/export": {Handler: h.Export, Access: httpapi.Signed}}
}

// ConsentRoutes are served by the consents function.
func (h Handlers) ConsentRoutes() map[string]httpapi.Route {
	return map[string]httpapi.Route{
		"GET /v1/me/consents":              {Handler: h.Consents, Access: httpapi.Signed},
		"PUT /v1/me/consents/{purpose}":    {Handler: h.Grant, Access: httpapi.Signed},
		"DELETE /v1/me/consents/{purpose}": {Handler: h.Withdraw, Access: httpapi.Signed},
		"GET /v1/me/restriction":           {Handler: h.GetRestriction, Access: httpapi.Signed},
		"PUT /v1/me/restriction":           {Handler: h.PutRestriction, Access: httpapi.Signed},
		"DELETE /v1/me/restriction":        {Handler: h.DeleteRestriction, Access: httpapi.Signed},
	}
}

// ErasureRoutes are served by the erasure function.
func (h Handlers) ErasureRoutes() map[string]httpapi.Route {
	return map[string]httpapi.Route{
		"DELETE /v1/me":        {Handler: h.Erase, Access: httpapi.Signed, Recent: true},
		"PUT /v1/me/objection": {Handler: h.Object, Access: httpapi.Signed}, // scope "all" asks for a recent proof (rights.Service.Object)
	}
}

// HoldRoutes are served by the holds function (admin role).
func (h Handlers) HoldRoutes() map[string]httpapi.Route {
	return map[string]httpapi.Route{
		"GET /v1/admin/holds":                {Handler: h.ListHolds, Access: httpapi.Signed, Role: access.RoleAdmin},
		"POST /v1/admin/holds":               {Handler: h.PlaceHold, Access: httpapi.Signed, Role: access.RoleAdmin, Limits: []ratelimit.Rule{ratelimit.HoldPlace}, Idempotency: httpapi.IdempotencyOptional},
		"DELETE /v1/admin/holds/{accountId}": {Handler: h.LiftHold, Access: httpapi.Signed, Role: access.RoleAdmin},
	}
}

// ProcessingRoutes are served by the processing-record function (public).
func (h Handlers) ProcessingRoutes() map[string]httpapi.Route {
	return map[string]httpapi.Route{"GET /v1/privacy/processing": {Handler: h.Processing, Access: httpapi.Public, Compress: true}}
}
