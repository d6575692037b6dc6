package classifiedsapi

import (
	"context"
	"net/http"
	"time"

	"kontor/shared/classifieds"
	"kontor/shared/httpapi"
	"kontor/shared/ratelimit"
)

// WatchlistCookie names the watch list (HGK-11). It holds only a random token
// (ids.NewToken; the table keeps its digest), is sent only to the watch list's
// routes (Path), never to script (HttpOnly) and never with a request another site
// starts (SameSite=Strict). __Secure- rather than __Host-: the latter demands
// Path=/, and this cookie must not travel with every other request.
const WatchlistCookie = "__Secure-hgk-watchlist"

// WatchlistPath is the path the watch-list cookie is sent to.
const WatchlistPath = "/v1/watchlist"

// watchlistCookie is the Set-Cookie value holding token for WatchlistTTL.
func watchlistCookie(token string) string {
	c := &http.Cookie{Name: WatchlistCookie, Value: token, Path: WatchlistPath, Secure: true, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, MaxAge: int(classifieds.WatchlistTTL / time.Second)}
	return c.String()
}

// Limiter counts the new lists of a client (ratelimit.Limiter).
type Limiter interface {
	Take(ctx context.Context, rule ratelimit.Rule, value string) (time.Duration, error)
}

// Watchlist serves the anonymous watch list (WatchlistFunction).
type Watchlist struct {
	Svc     *classifieds.Watchlist
	Limiter Limiter
}

// token is the request's watch-list token; "" for none or one of a bad format.
func token(r *httpapi.Request) string { return classifieds.Token(r.Cookie(WatchlistCookie)) }

// List serves GET /v1/watchlist: the list the cookie names, or an empty one (no
// cookie, a forged or a forgotten one alike). It sets no cookie.
func (h Watchlist) List(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	ws, err := h.Svc.List(ctx, token(r))
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, map[string]any{"entries": ws, "max": classifieds.MaxWatchEntries}), nil
}

// Add serves PUT /v1/watchlist/{listingId}: a public listing goes on the list (404
// otherwise), and the cookie is set afresh, its 60 days starting again with the
// list's. The only route that sets the cookie.
func (h Watchlist) Add(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	tok, _, err := h.Svc.Add(ctx, token(r), r.Event.PathParameters["listingId"], func(ctx context.Context) error {
		return h.mayCreate(ctx, r)
	})
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.NoContent().WithCookies(watchlistCookie(tok)), nil
}

// mayCreate counts a new list against the client's and everyone's bound.
func (h Watchlist) mayCreate(ctx context.Context, r *httpapi.Request) error {
	for _, rule := range []ratelimit.Rule{ratelimit.WatchlistCreate, ratelimit.WatchlistCreateAll} {
		value := ""
		if rule.Scope == ratelimit.PerClient {
			value = ratelimit.ClientKey(r.ClientIP())
		}
		if err := classifieds.Throttle(ctx, h.Limiter, rule, value); err != nil {
			return err
		}
	}
	return nil
}

// Remove serves DELETE /v1/watchlist/{listingId}: 204 whether or not the list or
// the entry existed, so the answer tells nothing. It sets no cookie.
func (h Watchlist) Remove(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	if err := h.Svc.Remove(ctx, token(r), r.Event.PathParameters["listingId"]); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.NoContent(), nil
}

// noBody bounds the body of the changing routes, which read none.
const noBody = 64

// Routes are served by the watch-list function. Anyone may call them; the
// changing ones need the CSRF double submit of every public change (the token
// of GET /v1/csrf in header and cookie) besides the cookie's SameSite=Strict.
func (h Watchlist) Routes() map[string]httpapi.Route {
	write := []ratelimit.Rule{ratelimit.WatchlistWrite, ratelimit.WatchlistWriteAll}
	return map[string]httpapi.Route{
		"GET /v1/watchlist":                {Handler: h.List, Access: httpapi.Public},
		"PUT /v1/watchlist/{listingId}":    {Handler: h.Add, Access: httpapi.Public, Limits: write, MaxBody: noBody},
		"DELETE /v1/watchlist/{listingId}": {Handler: h.Remove, Access: httpapi.Public, Limits: write, MaxBody: noBody},
	}
}
