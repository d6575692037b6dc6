package classifiedsapi

import (
	"context"
	"net/http"

	"kontor/shared/classifieds"
	"kontor/shared/httpapi"
	"kontor/shared/ratelimit"
	"kontor/shared/upload"
)

// Photos serves the photos of listings (ListingPhotosFunction).
type Photos struct {
	Svc *classifieds.Photos
}

// NewPhoto answers a declared photo with where to send the file.
type NewPhoto struct {
	Photo  classifieds.Photo `json:"photo"`
	Upload upload.URL        `json:"upload"`
}

func param(r *httpapi.Request, name string) string { return r.Event.PathParameters[name] }

// Declare serves POST /v1/listings/{id}/photos (the listing's advertiser): the
// photo's type and size, answered with a presigned upload to the staging area.
func (h Photos) Declare(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in classifieds.PhotoInput
	if err := r.DecodeJSON(&in, classifieds.MaxPhotoBody); err != nil {
		return httpapi.Response{}, err
	}
	p, up, err := h.Svc.Declare(ctx, r.Principal.AccountID, param(r, "id"), in)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusCreated, NewPhoto{Photo: p, Upload: up}), nil
}

// Complete serves POST /v1/listings/{id}/photos/{photoId}/complete: the uploaded
// file is checked, re-encoded and shown with the listing.
func (h Photos) Complete(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	p, err := h.Svc.Complete(ctx, r.Principal.AccountID, param(r, "id"), param(r, "photoId"))
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, p), nil
}

// Remove serves DELETE /v1/listings/{id}/photos/{photoId} (the advertiser).
func (h Photos) Remove(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	if err := h.Svc.Remove(ctx, r.Principal.AccountID, param(r, "id"), param(r, "photoId")); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.NoContent(), nil
}

// Link serves GET /v1/listings/{id}/photos/{photoId}: anyone, while the listing
// is public, a download link valid classifieds.PhotoLinkTTL; 404 otherwise.
func (h Photos) Link(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	l, err := h.Svc.Link(ctx, param(r, "id"), param(r, "photoId"))
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, l), nil
}

// Mine serves GET /v1/me/listings/{id}/photos: the advertiser's photos of their
// listing, public or not, with links to the checked ones.
func (h Photos) Mine(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	ps, err := h.Svc.Mine(ctx, r.Principal.AccountID, param(r, "id"))
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, map[string]any{"photos": ps}), nil
}

// Routes are served by the listing photos function; declarations count against
// the account's upload limit, as pictures and attachments do.
func (h Photos) Routes() map[string]httpapi.Route {
	return map[string]httpapi.Route{
		"POST /v1/listings/{id}/photos":                    {Handler: h.Declare, Access: httpapi.Signed, Limits: []ratelimit.Rule{ratelimit.Upload}, MaxBody: classifieds.MaxPhotoBody},
		"POST /v1/listings/{id}/photos/{photoId}/complete": {Handler: h.Complete, Access: httpapi.Signed},
		"DELETE /v1/listings/{id}/photos/{photoId}":        {Handler: h.Remove, Access: httpapi.Signed},
		"GET /v1/listings/{id}/photos/{photoId}":           {Handler: h.Link, Access: httpapi.Public},
		"GET /v1/me/listings/{id}/photos":                  {Handler: h.Mine, Access: httpapi.Signed},
	}
}
