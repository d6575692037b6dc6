package identityapi

import (
	"kontor/shared/access"
	"kontor/shared/httpapi"
	"kontor/shared/ratelimit"
)

// AccountRoutes are served by the accounts function.
func (h Handlers) AccountRoutes() map[string]httpapi.Route {
	return map[string]httpapi.Route{
		"POST /v1/accounts":               {Handler: h.CreateAccount, Access: httpapi.Public, Limits: []ratelimit.Rule{ratelimit.AccountCreate, ratelimit.MailPerClient, ratelimit.AccountCreateAll, ratelimit.MailAll}, MaxBody: maxBody, Idempotency: httpapi.IdempotencyOptional},
		"POST /v1/accounts/confirm":       {Handler: h.ConfirmAccount, Access: httpapi.Public, Limits: []ratelimit.Rule{ratelimit.TokenPerClient, ratelimit.TokensAll}, MaxBody: maxBody},
		"POST /v1/accounts/email/confirm": {Handler: h.ConfirmEmail, Access: httpapi.Public, Limits: []ratelimit.Rule{ratelimit.TokenPerClient, ratelimit.TokensAll}, MaxBody: maxBody},
	}
}

// MemberRoutes are served by the members function.
func (h Handlers) MemberRoutes() map[string]httpapi.Route {
	return map[string]httpapi.Route{
		"POST /v1/admin/members":                {Handler: h.InviteMember, Access: httpapi.Signed, Role: access.RoleAdmin, Limits: []ratelimit.Rule{ratelimit.Invite}, Idempotency: httpapi.IdempotencyOptional},
		"PUT /v1/admin/members/{id}/network":    {Handler: h.GrantNetwork, Access: httpapi.Signed, AnyRole: networkManagers},
		"DELETE /v1/admin/members/{id}/network": {Handler: h.RemoveNetwork, Access: httpapi.Signed, AnyRole: networkManagers},
	}
}

// SessionRoutes are served by the sessions function.
func (h Handlers) SessionRoutes() map[string]httpapi.Route {
	return map[string]httpapi.Route{
		"GET /v1/csrf":                      {Handler: h.IssueCSRF, Access: httpapi.Optional},
		"POST /v1/sessions":                 {Handler: h.Login, Access: httpapi.Public},
		"POST /v1/sessions/device":          {Handler: h.DeviceLogin, Access: httpapi.Public, Limits: []ratelimit.Rule{ratelimit.DeviceSignIn, ratelimit.DeviceSignInAll}, MaxBody: maxBody},
		"DELETE /v1/sessions/current":       {Handler: h.Logout, Access: httpapi.SignedPending},
		"POST /v1/sessions/current/confirm": {Handler: h.ConfirmSession, Access: httpapi.Signed, Limits: []ratelimit.Rule{ratelimit.SessionConfirm}},
		"POST /v1/sessions/link":            {Handler: h.RequestSignInLink, Access: httpapi.Public, Limits: []ratelimit.Rule{ratelimit.MailPerClient, ratelimit.MailAll}, MaxBody: maxBody},
		"POST /v1/sessions/link/confirm":    {Handler: h.SignInWithLink, Access: httpapi.Public, Limits: []ratelimit.Rule{ratelimit.TokenPerClient, ratelimit.TokensAll}, MaxBody: maxBody},
	}
}

// PasswordRoutes are served by the password function.
func (h Handlers) PasswordRoutes() map[string]httpapi.Route {
	return map[string]httpapi.Route{
		"POST /v1/password/forgot": {Handler: h.ForgotPassword, Access: httpapi.Public, Limits: []ratelimit.Rule{ratelimit.MailPerClient, ratelimit.MailAll}, MaxBody: maxBody},
		"POST /v1/password/reset":  {Handler: h.ResetPassword, Access: httpapi.Public, Limits: []ratelimit.Rule{ratelimit.TokenPerClient, ratelimit.TokensAll}, MaxBody: maxBody},
		"PUT /v1/me/password":      {Handler: h.ChangePassword, Access: httpapi.SignedPending, Limits: []ratelimit.Rule{ratelimit.PasswordChange}},
	}
}

// MeRoutes are served by the me function.
func (h Handlers) MeRoutes() map[string]httpapi.Route {
	return map[string]httpapi.Route{
		"GET /v1/me":   {Handler: h.GetMe, Access: httpapi.Signed},
		"PATCH /v1/me": {Handler: h.PatchMe, Access: httpapi.Signed, Limits: []ratelimit.Rule{ratelimit.ProfileChange}},
	}
}
