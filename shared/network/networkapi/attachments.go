package networkapi

import (
	"context"
	"net/http"

	"kontor/shared/httpapi"
	"kontor/shared/network"
	"kontor/shared/ratelimit"
	"kontor/shared/upload"
)

// NewAttachment answers a declared attachment with where to send the file.
type NewAttachment struct {
	Attachment network.Attachment `json:"attachment"`
	Upload     upload.URL         `json:"upload"`
}

// DeclareAttachment serves POST /v1/posts/{id}/attachments (the post's author):
// the file's name, type and size, answered with a presigned upload to the
// staging area.
func (h Groups) DeclareAttachment(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in network.AttachmentInput
	if err := r.DecodeJSON(&in, network.MaxAttachmentBody); err != nil {
		return httpapi.Response{}, err
	}
	a, up, err := h.Attachments.Declare(ctx, reader(r), param(r, "id"), in)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusCreated, NewAttachment{Attachment: a, Upload: up}), nil
}

// CompleteAttachment serves POST /v1/posts/{id}/attachments/{attachmentId}/complete:
// the uploaded file is checked and shown on the post.
func (h Groups) CompleteAttachment(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	a, err := h.Attachments.Complete(ctx, reader(r), param(r, "id"), param(r, "attachmentId"))
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, a), nil
}

// Attachment serves GET /v1/posts/{id}/attachments/{attachmentId}: a download
// link valid network.AttachmentLinkTTL, for readers of the post only.
func (h Groups) Attachment(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	l, err := h.Attachments.Link(ctx, reader(r), param(r, "id"), param(r, "attachmentId"))
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, l), nil
}

// RemoveAttachment serves DELETE /v1/posts/{id}/attachments/{attachmentId}[?reason=…].
func (h Groups) RemoveAttachment(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	if err := h.Attachments.Remove(ctx, reader(r), param(r, "id"), param(r, "attachmentId"), r.Event.QueryStringParameters["reason"]); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.NoContent(), nil
}

// attachmentRoutes are the routes of attachments, made as the other group
// routes are; declarations count against the account's upload limit, as
// invoices and pictures do.
func (h Groups) attachmentRoutes(route func(httpapi.Handler, int, ...ratelimit.Rule) httpapi.Route) map[string]httpapi.Route {
	return map[string]httpapi.Route{
		"POST /v1/posts/{id}/attachments":                         route(h.DeclareAttachment, network.MaxAttachmentBody, ratelimit.Upload),
		"POST /v1/posts/{id}/attachments/{attachmentId}/complete": route(h.CompleteAttachment, 0),
		"GET /v1/posts/{id}/attachments/{attachmentId}":           route(h.Attachment, 0),
		"DELETE /v1/posts/{id}/attachments/{attachmentId}":        route(h.RemoveAttachment, 0),
	}
}
