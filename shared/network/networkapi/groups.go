package networkapi

import (
	"context"
	"maps"
	"net/http"

	"kontor/shared/access"
	"kontor/shared/httpapi"
	"kontor/shared/network"
	"kontor/shared/ratelimit"
)

// Groups serves committees, groups, posts, comments and the feed (HKC-6).
type Groups struct {
	Groups      *network.GroupService
	Posts       *network.PostService
	Attachments *network.AttachmentService
}

// page reads ?limit= (1 to max) and ?cursor=.
func page(r *httpapi.Request, max int) (network.Page, error) {
	limit, cursor, err := httpapi.PageQuery(r, max, network.MaxCursor)
	return network.Page{Limit: limit, Cursor: cursor}, err
}

// listed answers a page of a listing, turning a cursor no page handed out into
// a field problem.
func listed[T any](name string, items []T, next string, err error) (httpapi.Response, error) {
	return httpapi.Listed(name, items, next, err, network.ErrBadCursor)
}

func reader(r *httpapi.Request) network.Reader { return network.ReaderOf(r.Principal) }

func param(r *httpapi.Request, name string) string { return r.Event.PathParameters[name] }

// ListGroups serves GET /v1/groups.
func (h Groups) ListGroups(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	pg, err := page(r, 100)
	if err != nil {
		return httpapi.Response{}, err
	}
	gs, next, err := h.Groups.List(ctx, reader(r), pg)
	return listed("groups", gs, next, err)
}

// CreateGroup serves POST /v1/groups (staff).
func (h Groups) CreateGroup(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in network.GroupInput
	if err := r.DecodeJSON(&in, network.MaxGroupBody); err != nil {
		return httpapi.Response{}, err
	}
	g, err := h.Groups.Create(ctx, reader(r), in)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusCreated, network.GroupView{Group: g}), nil
}

// Group serves GET /v1/groups/{id}.
func (h Groups) Group(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	v, err := h.Groups.Get(ctx, reader(r), param(r, "id"))
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, v), nil
}

// UpdateGroup serves PATCH /v1/groups/{id}.
func (h Groups) UpdateGroup(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in network.GroupInput
	if err := r.DecodeJSON(&in, network.MaxGroupBody); err != nil {
		return httpapi.Response{}, err
	}
	if _, err := h.Groups.Update(ctx, reader(r), param(r, "id"), in); err != nil {
		return httpapi.Response{}, err
	}
	return h.Group(ctx, r)
}

// DeleteGroup serves DELETE /v1/groups/{id} (staff).
func (h Groups) DeleteGroup(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	if err := h.Groups.Delete(ctx, reader(r), param(r, "id")); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.NoContent(), nil
}

// Members serves GET /v1/groups/{id}/members.
func (h Groups) Members(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	pg, err := page(r, 100)
	if err != nil {
		return httpapi.Response{}, err
	}
	ms, next, err := h.Groups.Members(ctx, reader(r), param(r, "id"), pg)
	return listed("members", ms, next, err)
}

// roleBody is the optional body of PUT /v1/groups/{id}/members/{accountId}.
type roleBody struct {
	Role string `json:"role"`
}

// PutMember serves PUT /v1/groups/{id}/members/{accountId}: join, ask to join,
// add a member or approve their request, or change their role.
func (h Groups) PutMember(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var b roleBody
	if body, err := r.Body(); err != nil {
		return httpapi.Response{}, err
	} else if len(body) > 0 {
		if err := r.DecodeJSON(&b, 1<<10); err != nil {
			return httpapi.Response{}, err
		}
	}
	out, err := h.Groups.Put(ctx, reader(r), param(r, "id"), param(r, "accountId"), b.Role)
	if err != nil {
		return httpapi.Response{}, err
	}
	status := http.StatusOK
	switch {
	case out.Request != nil:
		status = http.StatusAccepted
	case out.Created():
		status = http.StatusCreated
	}
	return httpapi.JSON(status, out), nil
}

// RemoveMember serves DELETE /v1/groups/{id}/members/{accountId}: leave, remove
// a member, withdraw or decline a join request.
func (h Groups) RemoveMember(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	if err := h.Groups.Remove(ctx, reader(r), param(r, "id"), param(r, "accountId")); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.NoContent(), nil
}

// Requests serves GET /v1/groups/{id}/requests (moderators and staff).
func (h Groups) Requests(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	pg, err := page(r, 100)
	if err != nil {
		return httpapi.Response{}, err
	}
	qs, next, err := h.Groups.Requests(ctx, reader(r), param(r, "id"), pg)
	return listed("requests", qs, next, err)
}

// GroupPosts serves GET /v1/groups/{id}/posts.
func (h Groups) GroupPosts(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	pg, err := page(r, network.MaxFeedPage)
	if err != nil {
		return httpapi.Response{}, err
	}
	ps, next, err := h.Posts.List(ctx, reader(r), param(r, "id"), pg)
	return listed("posts", ps, next, err)
}

// CreatePost serves POST /v1/groups/{id}/posts.
func (h Groups) CreatePost(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in network.PostInput
	if err := r.DecodeJSON(&in, network.MaxPostBody); err != nil {
		return httpapi.Response{}, err
	}
	p, err := h.Posts.Create(ctx, reader(r), param(r, "id"), in)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusCreated, p), nil
}

// Post serves GET /v1/posts/{id}.
func (h Groups) Post(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	p, err := h.Posts.Get(ctx, reader(r), param(r, "id"))
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, p), nil
}

// UpdatePost serves PATCH /v1/posts/{id} (the author).
func (h Groups) UpdatePost(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in network.PostInput
	if err := r.DecodeJSON(&in, network.MaxPostBody); err != nil {
		return httpapi.Response{}, err
	}
	p, err := h.Posts.Update(ctx, reader(r), param(r, "id"), in)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, p), nil
}

// DeletePost serves DELETE /v1/posts/{id}[?reason=…].
func (h Groups) DeletePost(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	if err := h.Posts.Delete(ctx, reader(r), param(r, "id"), r.Event.QueryStringParameters["reason"]); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.NoContent(), nil
}

// Comments serves GET /v1/posts/{id}/comments.
func (h Groups) Comments(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	pg, err := page(r, 100)
	if err != nil {
		return httpapi.Response{}, err
	}
	cs, next, err := h.Posts.Comments(ctx, reader(r), param(r, "id"), pg)
	return listed("comments", cs, next, err)
}

// CreateComment serves POST /v1/posts/{id}/comments.
func (h Groups) CreateComment(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in network.CommentInput
	if err := r.DecodeJSON(&in, network.MaxPostBody); err != nil {
		return httpapi.Response{}, err
	}
	c, err := h.Posts.Comment(ctx, reader(r), param(r, "id"), in)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusCreated, c), nil
}

// UpdateComment serves PATCH /v1/comments/{id} (the author).
func (h Groups) UpdateComment(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in network.CommentInput
	if err := r.DecodeJSON(&in, network.MaxPostBody); err != nil {
		return httpapi.Response{}, err
	}
	c, err := h.Posts.UpdateComment(ctx, reader(r), param(r, "id"), in)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, c), nil
}

// DeleteComment serves DELETE /v1/comments/{id}[?reason=…].
func (h Groups) DeleteComment(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	if err := h.Posts.DeleteComment(ctx, reader(r), param(r, "id"), r.Event.QueryStringParameters["reason"]); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.NoContent(), nil
}

// Feed serves GET /v1/feed.
func (h Groups) Feed(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	pg, err := page(r, network.MaxFeedPage)
	if err != nil {
		return httpapi.Response{}, err
	}
	ps, next, err := h.Posts.Feed(ctx, reader(r), pg)
	return listed("posts", ps, next, err)
}

// groupGate stops changes while processing is restricted (Art. 18).
var groupGate = &httpapi.Gate{WritesStopWhenRestricted: true}

// Routes are served by the groups function: network members only, hidden from
// everyone else.
func (h Groups) Routes() map[string]httpapi.Route {
	route := func(fn httpapi.Handler, maxBody int, limits ...ratelimit.Rule) httpapi.Route {
		rt := httpapi.Route{Handler: fn, Access: httpapi.Signed, Role: access.RoleNetwork, HiddenWithoutRole: true, Gate: groupGate, MaxBody: maxBody, Limits: limits}
		return rt
	}
	creating := func(fn httpapi.Handler, maxBody int) httpapi.Route {
		rt := route(fn, maxBody, ratelimit.NetworkWrite)
		rt.Idempotency = httpapi.IdempotencyOptional
		return rt
	}
	routes := map[string]httpapi.Route{
		"GET /v1/groups":                             route(h.ListGroups, 0),
		"POST /v1/groups":                            creating(h.CreateGroup, network.MaxGroupBody),
		"GET /v1/groups/{id}":                        route(h.Group, 0),
		"PATCH /v1/groups/{id}":                      route(h.UpdateGroup, network.MaxGroupBody),
		"DELETE /v1/groups/{id}":                     route(h.DeleteGroup, 0),
		"GET /v1/groups/{id}/members":                route(h.Members, 0),
		"PUT /v1/groups/{id}/members/{accountId}":    route(h.PutMember, 1<<10, ratelimit.NetworkWrite),
		"DELETE /v1/groups/{id}/members/{accountId}": route(h.RemoveMember, 0),
		"GET /v1/groups/{id}/requests":               route(h.Requests, 0),
		"GET /v1/groups/{id}/posts":                  route(h.GroupPosts, 0),
		"POST /v1/groups/{id}/posts":                 creating(h.CreatePost, network.MaxPostBody),
		"GET /v1/posts/{id}":                         route(h.Post, 0),
		"PATCH /v1/posts/{id}":                       route(h.UpdatePost, network.MaxPostBody),
		"DELETE /v1/posts/{id}":                      route(h.DeletePost, 0),
		"GET /v1/posts/{id}/comments":                route(h.Comments, 0),
		"POST /v1/posts/{id}/comments":               creating(h.CreateComment, network.MaxPostBody),
		"PATCH /v1/comments/{id}":                    route(h.UpdateComment, network.MaxPostBody),
		"DELETE /v1/comments/{id}":                   route(h.DeleteComment, 0),
		"GET /v1/feed":                               route(h.Feed, 0),
	}
	maps.Copy(routes, h.attachmentRoutes(route))
	return routes
}
