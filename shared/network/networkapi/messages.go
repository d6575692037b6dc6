package networkapi

import (
	"context"
	"net/http"

	"kontor/shared/access"
	"kontor/shared/httpapi"
	"kontor/shared/network"
	"kontor/shared/ratelimit"
)

// Messages serves direct messages (HKC-7).
type Messages struct {
	Svc *network.MessageService
}

// OpenConversation serves POST /v1/conversations: 201 when opened, 200 when it
// was open.
func (h Messages) OpenConversation(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in network.OpenInput
	if err := r.DecodeJSON(&in, 1<<10); err != nil {
		return httpapi.Response{}, err
	}
	v, created, err := h.Svc.Open(ctx, reader(r), in)
	return openedOrFound(v, created, err)
}

// openedOrFound answers what a request made (201) or found made already (200).
func openedOrFound(v any, created bool, err error) (httpapi.Response, error) {
	if err != nil {
		return httpapi.Response{}, err
	}
	if created {
		return httpapi.JSON(http.StatusCreated, v), nil
	}
	return httpapi.JSON(http.StatusOK, v), nil
}

// Conversations serves GET /v1/conversations.
func (h Messages) Conversations(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	pg, err := page(r, network.MaxConversationPage)
	if err != nil {
		return httpapi.Response{}, err
	}
	cs, next, err := h.Svc.List(ctx, reader(r), pg)
	return listed("conversations", cs, next, err)
}

// Conversation serves GET /v1/conversations/{id}.
func (h Messages) Conversation(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	v, err := h.Svc.Conversation(ctx, reader(r), param(r, "id"))
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, v), nil
}

// DeleteConversation serves DELETE /v1/conversations/{id}.
func (h Messages) DeleteConversation(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	return noContent(h.Svc.DeleteConversation(ctx, reader(r), param(r, "id")))
}

// ListMessages serves GET /v1/conversations/{id}/messages.
func (h Messages) ListMessages(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	pg, err := page(r, network.MaxMessagePage)
	if err != nil {
		return httpapi.Response{}, err
	}
	ms, next, err := h.Svc.Messages(ctx, reader(r), param(r, "id"), pg)
	return listed("messages", ms, next, err)
}

// SendMessage serves POST /v1/conversations/{id}/messages.
func (h Messages) SendMessage(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in network.MessageInput
	if err := r.DecodeJSON(&in, network.MaxMessageBody); err != nil {
		return httpapi.Response{}, err
	}
	m, err := h.Svc.Send(ctx, reader(r), param(r, "id"), in)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusCreated, m), nil
}

// DeleteMessage serves DELETE /v1/messages/{id}.
func (h Messages) DeleteMessage(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	return noContent(h.Svc.DeleteMessage(ctx, reader(r), param(r, "id")))
}

// Routes are served by the messages function: network members only, hidden
// from everyone else. No route keeps an idempotent replay: its stored answer
// would hold a message's text outside the sealed copies (the page sends each
// message once instead).
func (h Messages) Routes() map[string]httpapi.Route {
	route := func(fn httpapi.Handler, maxBody int, limits ...ratelimit.Rule) httpapi.Route {
		return httpapi.Route{Handler: fn, Access: httpapi.Signed, Role: access.RoleNetwork, HiddenWithoutRole: true, Gate: groupGate, MaxBody: maxBody, Limits: limits}
	}
	return map[string]httpapi.Route{
		"POST /v1/conversations":               route(h.OpenConversation, 1<<10, ratelimit.NetworkWrite),
		"GET /v1/conversations":                route(h.Conversations, 0),
		"GET /v1/conversations/{id}":           route(h.Conversation, 0),
		"DELETE /v1/conversations/{id}":        route(h.DeleteConversation, 0),
		"GET /v1/conversations/{id}/messages":  route(h.ListMessages, 0),
		"POST /v1/conversations/{id}/messages": route(h.SendMessage, network.MaxMessageBody, ratelimit.MessageSend),
		"DELETE /v1/messages/{id}":             route(h.DeleteMessage, 0),
	}
}
