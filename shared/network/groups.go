package network

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"time"

	"kontor/shared/access"
	"kontor/shared/ids"
	"kontor/shared/problem"
)

// Kinds of groups (HKC-6): a committee's members are appointed by staff; a group
// is open to join, or closed (a join request that its moderators approve).
const (
	KindCommittee = "committee"
	KindGroup     = "group"
	AccessOpen    = "open"
	AccessClosed  = "closed"
)

// Roles in a group.
const (
	GroupMember    = "member"
	GroupModerator = "moderator"
)

// Limits of groups.
const (
	// MaxGroupsPerMember bounds the groups (committees included) one member is in,
	// so that the feed reads every group's newest posts in one batched read.
	MaxGroupsPerMember = 30
	MaxGroupName       = 100
	MaxGroupText       = 2000
	MaxGroupBody       = 16 << 10
)

// Group is a committee or a group as stored.
type Group struct {
	ID          string    `dynamodbav:"id" json:"id"`
	Kind        string    `dynamodbav:"kind" json:"kind"`
	Access      string    `dynamodbav:"access,omitempty" json:"access,omitempty"`
	Name        string    `dynamodbav:"name" json:"name"`
	Description string    `dynamodbav:"description,omitempty" json:"description"`
	Members     int       `dynamodbav:"members" json:"members"`
	CreatedAt   time.Time `dynamodbav:"createdAt" json:"createdAt"`
	Version     int       `dynamodbav:"version" json:"version"`
	// Recent and Sealed are the group's post index (feed.go): the newest entries,
	// and how many chunks of older ones were sealed.
	Recent []string `dynamodbav:"recent,omitempty" json:"-"`
	Sealed int      `dynamodbav:"sealed" json:"-"`
}

// Membership is one member's place in a group.
type Membership struct {
	GroupID   string    `dynamodbav:"groupId" json:"groupId"`
	AccountID string    `dynamodbav:"accountId" json:"accountId"`
	Role      string    `dynamodbav:"role" json:"role"`
	Since     time.Time `dynamodbav:"since" json:"since"`
}

// JoinRequest is a member's request to join a closed group.
type JoinRequest struct {
	GroupID   string    `dynamodbav:"groupId" json:"groupId"`
	AccountID string    `dynamodbav:"accountId" json:"accountId"`
	At        time.Time `dynamodbav:"at" json:"at"`
}

// Errors of the group store.
var (
	ErrExists = errors.New("network: exists already")
	// ErrBadCursor is a cursor no page of the listing handed out.
	ErrBadCursor = errors.New("network: bad cursor")
)

// GroupStore keeps groups, memberships and join requests.
type GroupStore interface {
	// CreateGroup stores a new group with its first moderators.
	CreateGroup(ctx context.Context, g Group, moderators []Membership) error
	// Group reads a group; ErrNotFound when there is none.
	Group(ctx context.Context, id string) (Group, error)
	// UpdateGroup changes name, description and access at version prev.
	UpdateGroup(ctx context.Context, g Group, prev int) error
	// DeleteGroup removes the group at once (it answers 404 from then on) and
	// purges its memberships, requests, posts and comments, resuming later when
	// the call runs out of time (PurgeGroups).
	DeleteGroup(ctx context.Context, id string) error
	// PurgeGroups finishes the purges of deleted groups.
	PurgeGroups(ctx context.Context) (int, error)
	// Directory lists every group of kind group, by id (name and access only).
	Directory(ctx context.Context, pg Page) ([]Group, string, error)
	// Committees lists the ids of every committee (staff only see them all).
	Committees(ctx context.Context) ([]string, error)
	// Groups reads groups by id in one batched read; gone ones are left out.
	Groups(ctx context.Context, ids []string) (map[string]Group, error)
	// Membership reads an account's membership; ErrNotFound without one.
	Membership(ctx context.Context, groupID, accountID string) (Membership, error)
	// MyGroups lists the account's memberships.
	MyGroups(ctx context.Context, accountID string) ([]Membership, error)
	// Members lists a group's memberships, a page at a time.
	Members(ctx context.Context, groupID string, pg Page) ([]Membership, string, error)
	// AddMember stores a membership (removing a join request, if any); ErrExists
	// when there is one, ErrNotFound when the group is gone.
	AddMember(ctx context.Context, m Membership) error
	// SetRole changes a membership's role; ErrNotFound without one.
	SetRole(ctx context.Context, m Membership) error
	// RemoveMember removes a membership; ErrNotFound without one.
	RemoveMember(ctx context.Context, groupID, accountID string) error
	// Request reads a join request; ErrNotFound without one.
	Request(ctx context.Context, groupID, accountID string) (JoinRequest, error)
	// AddRequest stores a join request; ErrExists when there is one.
	AddRequest(ctx context.Context, r JoinRequest) error
	// RemoveRequest removes a join request; ErrNotFound without one.
	RemoveRequest(ctx context.Context, groupID, accountID string) error
	// Requests lists a group's join requests.
	Requests(ctx context.Context, groupID string, pg Page) ([]JoinRequest, string, error)
	// MyRequests lists the account's open join requests.
	MyRequests(ctx context.Context, accountID string) ([]JoinRequest, error)
	// Profiles reads the profiles of the accounts (missing ones are left out).
	Profiles(ctx context.Context, accountIDs []string) (map[string]Profile, error)
}

// Page asks for one page of a listing: at most Limit entries after Cursor.
type Page struct {
	Limit  int
	Cursor string
}

// GroupService manages committees and groups (HKC-6).
type GroupService struct {
	Store GroupStore
	Now   func() time.Time
	// OnLeave, when set, is told of each member who left or was removed (their
	// notifications of new posts end with the membership).
	OnLeave func(ctx context.Context, groupID, accountID string) error
	// Restrictions tells whether a person restricted the processing of their data
	// (Art. 18, HKC-16): while they have, nobody else adds them to a group or
	// committee, or admits their join request.
	Restrictions Restrictions
}

// Restrictions is the standing of restrictions of processing in the privacy
// ledger.
type Restrictions interface {
	IsRestricted(ctx context.Context, accountID string) (bool, error)
}

// Reader is who reads or changes: their account and whether they are staff.
type Reader struct {
	AccountID string
	Staff     bool
}

// ReaderOf is the reader a principal is.
func ReaderOf(p access.Principal) Reader {
	return Reader{AccountID: p.AccountID, Staff: p.HasRole(access.RoleStaff)}
}

func notFound() error { return problem.New(http.StatusNotFound, problem.CodeNotFound) }

// GroupInput is a new group or a change of one (nil: unchanged).
type GroupInput struct {
	Kind        *string `json:"kind"`
	Access      *string `json:"access"`
	Name        *string `json:"name"`
	Description *string `json:"description"`
	Version     *int    `json:"version"`
	// Moderators are the first moderators of a new group (account ids).
	Moderators []string `json:"moderators"`
}

// groupText checks a group's name or description.
func groupText(fe *fieldErrors, field string, v *string, max int, required, multiline bool) string {
	if v == nil {
		if required {
			fe.add(field, problem.FieldRequired)
		}
		return ""
	}
	s, c := text(*v, textField{name: field, max: max, mandatory: required, multiline: multiline})
	if !c.IsZero() {
		fe.add(field, c)
	}
	return s
}

// checkKind validates kind and access together: a committee has no access
// setting; a group is open or closed.
func checkKind(fe *fieldErrors, kind, acc string) {
	switch {
	case kind != KindCommittee && kind != KindGroup:
		fe.add("kind", problem.FieldInvalidValue)
	case kind == KindCommittee && acc != "":
		fe.add("access", problem.FieldInvalidValue)
	case kind == KindGroup && acc != AccessOpen && acc != AccessClosed:
		fe.add("access", problem.FieldInvalidValue)
	}
}

// Create makes a committee or group (staff only) with its first moderators,
// who must be network members with a profile.
func (s *GroupService) Create(ctx context.Context, r Reader, in GroupInput) (Group, error) {
	if !r.Staff {
		return Group{}, problem.New(http.StatusForbidden, problem.CodeForbidden)
	}
	var fe fieldErrors
	kind, acc := deref(in.Kind), deref(in.Access)
	if in.Kind == nil {
		fe.add("kind", problem.FieldRequired)
	} else {
		checkKind(&fe, kind, acc)
	}
	g := Group{Kind: kind, Access: acc,
		Name:        groupText(&fe, "name", in.Name, MaxGroupName, true, false),
		Description: groupText(&fe, "description", in.Description, MaxGroupText, false, true)}
	if len(in.Moderators) > 10 {
		fe.add("moderators", problem.FieldTooLong)
	}
	mods := slices.Compact(slices.Sorted(slices.Values(in.Moderators)))
	for _, id := range mods {
		if !ids.ValidV7(id) {
			fe.add("moderators", problem.FieldInvalidValue)
			break
		}
	}
	if len(fe) == 0 && len(mods) > 0 {
		profiles, err := s.Store.Profiles(ctx, mods)
		if err != nil {
			return Group{}, err
		}
		for _, id := range mods {
			if !profiles[id].Complete() {
				fe.add("moderators", CodeNotAMember)
				break
			}
		}
	}
	if len(fe) > 0 {
		return Group{}, problem.Invalid(fe...)
	}
	now := s.Now()
	g.ID, g.CreatedAt, g.Version, g.Members = ids.NewV7(now), now, 1, len(mods)
	ms := make([]Membership, len(mods))
	for i, id := range mods {
		ms[i] = Membership{GroupID: g.ID, AccountID: id, Role: GroupModerator, Since: now}
	}
	if err := s.Store.CreateGroup(ctx, g, ms); err != nil {
		return Group{}, err
	}
	return g, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// GroupView is a group as a reader sees it: with their role (none when they are
// not in it) and whether they asked to join.
type GroupView struct {
	Group
	MyRole    string `json:"myRole,omitempty"`
	Requested bool   `json:"requested,omitempty"`
}

// visible says whether a reader sees a group at all: staff and its members see
// every group; others see groups (open and closed, to join or ask), never a
// committee they are not in.
func visible(g Group, r Reader, member bool) bool {
	return r.Staff || member || g.Kind == KindGroup
}

// open returns the group id and the reader's membership (Role "" without one),
// or 404 when the reader may not see the group at all.
func (s *GroupService) open(ctx context.Context, r Reader, id string) (Group, Membership, error) {
	if !ids.ValidV7(id) {
		return Group{}, Membership{}, notFound()
	}
	g, err := s.Store.Group(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return Group{}, Membership{}, notFound()
	}
	if err != nil {
		return Group{}, Membership{}, err
	}
	m, err := s.Store.Membership(ctx, id, r.AccountID)
	if errors.Is(err, ErrNotFound) {
		m = Membership{}
	} else if err != nil {
		return Group{}, Membership{}, err
	}
	if !visible(g, r, m.Role != "") {
		return Group{}, Membership{}, notFound()
	}
	return g, m, nil
}

// Get returns a group as the reader sees it.
func (s *GroupService) Get(ctx context.Context, r Reader, id string) (GroupView, error) {
	g, m, err := s.open(ctx, r, id)
	if err != nil {
		return GroupView{}, err
	}
	v := GroupView{Group: g, MyRole: m.Role}
	if m.Role == "" && g.Access == AccessClosed {
		_, err := s.Store.Request(ctx, id, r.AccountID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return GroupView{}, err
		}
		v.Requested = err == nil
	}
	return v, nil
}

// List returns the groups the reader may see, a page of the directory at a time:
// their own (with their role), and the groups they may join or ask to join.
func (s *GroupService) List(ctx context.Context, r Reader, pg Page) ([]GroupView, string, error) {
	mine, err := s.Store.MyGroups(ctx, r.AccountID)
	if err != nil {
		return nil, "", err
	}
	reqs, err := s.Store.MyRequests(ctx, r.AccountID)
	if err != nil {
		return nil, "", err
	}
	role := map[string]string{}
	for _, m := range mine {
		role[m.GroupID] = m.Role
	}
	asked := map[string]bool{}
	for _, q := range reqs {
		asked[q.GroupID] = true
	}
	gs, next, err := s.Store.Directory(ctx, pg)
	if err != nil {
		return nil, "", err
	}
	// Committees are not in the directory: the first page begins with the ones
	// the reader is in (staff: all of them). One batched read fetches the page's
	// groups and, on the first page, the reader's own, whose kinds tell which of
	// them are committees.
	var committees, want []string
	if pg.Cursor == "" {
		if r.Staff {
			if committees, err = s.Store.Committees(ctx); err != nil {
				return nil, "", err
			}
			want = append(want, committees...)
		} else {
			want = append(want, groupIDs(mine)...)
		}
	}
	var listed []string
	for _, g := range gs {
		if visible(g, r, role[g.ID] != "") {
			listed = append(listed, g.ID)
		}
	}
	// The directory knows names; counts and versions are the groups' own.
	stored, err := s.Store.Groups(ctx, append(want, listed...))
	if err != nil {
		return nil, "", err
	}
	if pg.Cursor == "" && !r.Staff {
		for _, m := range mine {
			if stored[m.GroupID].Kind == KindCommittee {
				committees = append(committees, m.GroupID)
			}
		}
	}
	out := []GroupView{}
	for _, id := range append(committees, listed...) {
		if g, ok := stored[id]; ok && visible(g, r, role[id] != "") {
			out = append(out, GroupView{Group: g, MyRole: role[id], Requested: asked[id]})
		}
	}
	return out, next, nil
}

func groupIDs(ms []Membership) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.GroupID
	}
	return out
}

// Update changes a group's name, description or access: staff, or the group's
// moderators (who cannot turn a group into a committee).
func (s *GroupService) Update(ctx context.Context, r Reader, id string, in GroupInput) (Group, error) {
	g, m, err := s.open(ctx, r, id)
	if err != nil {
		return Group{}, err
	}
	if !r.Staff && m.Role != GroupModerator {
		if m.Role == "" {
			return Group{}, notFound()
		}
		return Group{}, problem.New(http.StatusForbidden, problem.CodeForbidden)
	}
	var fe fieldErrors
	if in.Version == nil {
		fe.add("version", problem.FieldRequired)
	}
	if in.Kind != nil && *in.Kind != g.Kind {
		fe.add("kind", problem.FieldInvalidValue)
	}
	if in.Moderators != nil {
		fe.add("moderators", problem.FieldInvalidValue)
	}
	next := g
	if in.Name != nil {
		next.Name = groupText(&fe, "name", in.Name, MaxGroupName, true, false)
	}
	if in.Description != nil {
		next.Description = groupText(&fe, "description", in.Description, MaxGroupText, false, true)
	}
	if in.Access != nil {
		next.Access = *in.Access
		checkKind(&fe, g.Kind, next.Access)
	}
	if len(fe) > 0 {
		return Group{}, problem.Invalid(fe...)
	}
	if *in.Version != g.Version {
		return Group{}, problem.New(http.StatusConflict, problem.CodeConflict)
	}
	next.Version = g.Version + 1
	if err := s.Store.UpdateGroup(ctx, next, g.Version); errors.Is(err, ErrConflict) {
		return Group{}, problem.New(http.StatusConflict, problem.CodeConflict)
	} else if errors.Is(err, ErrNotFound) {
		return Group{}, notFound()
	} else if err != nil {
		return Group{}, err
	}
	return next, nil
}

// Delete removes a group with everything in it (staff only).
func (s *GroupService) Delete(ctx context.Context, r Reader, id string) error {
	if _, _, err := s.open(ctx, r, id); err != nil {
		return err
	}
	if !r.Staff {
		return problem.New(http.StatusForbidden, problem.CodeForbidden)
	}
	return s.Store.DeleteGroup(ctx, id)
}

// JoinOutcome is what PUT /v1/groups/{id}/members/{accountId} did.
type JoinOutcome struct {
	Membership *Membership  `json:"membership,omitempty"`
	Request    *JoinRequest `json:"request,omitempty"`
	Status     string       `json:"status"`
	created    bool
}

// Created says whether something new was stored.
func (o JoinOutcome) Created() bool { return o.created }

// Put adds accountID to the group, or (for oneself in a closed group) asks to
// join. role is "" (member, or unchanged) or a role to set; only staff appoint
// moderators, only staff add to committees; a group's moderators add members and
// approve requests. An account that is not a network member with a complete
// profile is 404.
func (s *GroupService) Put(ctx context.Context, r Reader, groupID, accountID, role string) (JoinOutcome, error) {
	g, m, err := s.open(ctx, r, groupID)
	if err != nil {
		return JoinOutcome{}, err
	}
	if role != "" && role != GroupMember && role != GroupModerator {
		return JoinOutcome{}, problem.Invalid(problem.FieldError{Field: "role", Code: problem.FieldInvalidValue})
	}
	self := accountID == r.AccountID
	manager := r.Staff || (m.Role == GroupModerator && g.Kind == KindGroup)
	switch {
	case !ids.ValidV7(accountID):
		return JoinOutcome{}, notFound()
	case self && !manager && m.Role != "":
		if role != "" && role != m.Role {
			return JoinOutcome{}, problem.New(http.StatusForbidden, problem.CodeForbidden)
		}
		return JoinOutcome{Membership: &m, Status: "member"}, nil
	case self && !manager && g.Kind == KindCommittee:
		return JoinOutcome{}, notFound()
	case self && !manager && role == GroupModerator:
		return JoinOutcome{}, problem.New(http.StatusForbidden, problem.CodeForbidden)
	case self && !manager && g.Access == AccessClosed:
		return s.ask(ctx, groupID, accountID)
	case !self && !manager:
		if m.Role == "" {
			return JoinOutcome{}, notFound()
		}
		return JoinOutcome{}, problem.New(http.StatusForbidden, problem.CodeForbidden)
	case role == GroupModerator && !r.Staff:
		return JoinOutcome{}, problem.New(http.StatusForbidden, problem.CodeForbidden)
	}
	if !self {
		p, err := s.Store.Profiles(ctx, []string{accountID})
		if err != nil {
			return JoinOutcome{}, err
		}
		if !p[accountID].Complete() {
			return JoinOutcome{}, notFound()
		}
		if restricted, err := s.Restrictions.IsRestricted(ctx, accountID); err != nil || restricted {
			if err != nil {
				return JoinOutcome{}, err
			}
			return JoinOutcome{}, problem.New(http.StatusConflict, problem.CodeProcessingRestricted)
		}
	}
	return s.add(ctx, Membership{GroupID: groupID, AccountID: accountID, Role: role, Since: s.Now()}, r.Staff)
}

// ask stores a join request for a closed group.
func (s *GroupService) ask(ctx context.Context, groupID, accountID string) (JoinOutcome, error) {
	q := JoinRequest{GroupID: groupID, AccountID: accountID, At: s.Now()}
	err := s.Store.AddRequest(ctx, q)
	if errors.Is(err, ErrExists) {
		q, err = s.Store.Request(ctx, groupID, accountID)
		return JoinOutcome{Request: &q, Status: "requested"}, err
	}
	if err != nil {
		return JoinOutcome{}, err
	}
	return JoinOutcome{Request: &q, Status: "requested", created: true}, nil
}

// add stores a membership (m.Role "" is a member), or changes the role of one
// that exists: staff only, so that a group's moderator cannot demote another
// moderator and then remove them; without a role an existing membership stays
// as it is.
func (s *GroupService) add(ctx context.Context, m Membership, staff bool) (JoinOutcome, error) {
	mine, err := s.Store.MyGroups(ctx, m.AccountID)
	if err != nil {
		return JoinOutcome{}, err
	}
	if i := slices.IndexFunc(mine, func(x Membership) bool { return x.GroupID == m.GroupID }); i >= 0 {
		cur := mine[i]
		if m.Role == "" || cur.Role == m.Role {
			return JoinOutcome{Membership: &cur, Status: "member"}, nil
		}
		if !staff {
			return JoinOutcome{}, problem.New(http.StatusForbidden, problem.CodeForbidden)
		}
		cur.Role = m.Role
		if err := s.Store.SetRole(ctx, cur); err != nil {
			return JoinOutcome{}, err
		}
		return JoinOutcome{Membership: &cur, Status: "member"}, nil
	}
	if len(mine) >= MaxGroupsPerMember {
		return JoinOutcome{}, problem.New(http.StatusConflict, CodeTooManyGroups)
	}
	if m.Role == "" {
		m.Role = GroupMember
	}
	switch err := s.Store.AddMember(ctx, m); {
	case errors.Is(err, ErrExists):
		// Either someone added them meanwhile, or this very write succeeded and
		// its answer was lost (the SDK's retry then meets its own membership):
		// the stored time tells which.
		cur, err := s.Store.Membership(ctx, m.GroupID, m.AccountID)
		if err != nil {
			return JoinOutcome{}, err
		}
		return JoinOutcome{Membership: &cur, Status: "member", created: cur.Since.Equal(m.Since)}, nil
	case errors.Is(err, ErrNotFound):
		return JoinOutcome{}, notFound()
	case err != nil:
		return JoinOutcome{}, err
	}
	return JoinOutcome{Membership: &m, Status: "member", created: true}, nil
}

// Remove takes accountID out of the group, or withdraws or declines its join
// request: oneself, the group's moderators (members, not other moderators), and
// staff (anyone). A member removed loses access to everything in the group at
// once: every read checks the membership.
func (s *GroupService) Remove(ctx context.Context, r Reader, groupID, accountID string) error {
	g, m, err := s.open(ctx, r, groupID)
	if err != nil {
		return err
	}
	self := accountID == r.AccountID
	moderator := m.Role == GroupModerator && g.Kind == KindGroup
	if !ids.ValidV7(accountID) || (!self && !r.Staff && !moderator) {
		if !self && m.Role != "" && ids.ValidV7(accountID) {
			return problem.New(http.StatusForbidden, problem.CodeForbidden)
		}
		return notFound()
	}
	target, err := s.Store.Membership(ctx, groupID, accountID)
	if errors.Is(err, ErrNotFound) {
		if err := s.Store.RemoveRequest(ctx, groupID, accountID); errors.Is(err, ErrNotFound) {
			return notFound()
		} else if err != nil {
			return err
		}
		return nil
	}
	if err != nil {
		return err
	}
	if !self && !r.Staff && target.Role == GroupModerator {
		return problem.New(http.StatusForbidden, problem.CodeForbidden)
	}
	if err := s.Store.RemoveMember(ctx, groupID, accountID); err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	if s.OnLeave != nil {
		return s.OnLeave(ctx, groupID, accountID)
	}
	return nil
}

// MemberView is a member of a group as its other members see them: a name only
// while the profile is complete.
type MemberView struct {
	AccountID string    `json:"accountId"`
	Name      string    `json:"name,omitempty"`
	Company   string    `json:"company,omitempty"`
	Role      string    `json:"role"`
	Since     time.Time `json:"since"`
}

// Members lists a group's members for its members and staff.
func (s *GroupService) Members(ctx context.Context, r Reader, groupID string, pg Page) ([]MemberView, string, error) {
	_, m, err := s.open(ctx, r, groupID)
	if err != nil {
		return nil, "", err
	}
	if m.Role == "" && !r.Staff {
		return nil, "", notFound()
	}
	ms, next, err := s.Store.Members(ctx, groupID, pg)
	if err != nil {
		return nil, "", err
	}
	idList := make([]string, len(ms))
	for i, x := range ms {
		idList[i] = x.AccountID
	}
	profiles, err := s.Store.Profiles(ctx, idList)
	if err != nil {
		return nil, "", err
	}
	out := make([]MemberView, len(ms))
	for i, x := range ms {
		out[i] = MemberView{AccountID: x.AccountID, Role: x.Role, Since: x.Since}
		if p := profiles[x.AccountID]; p.Complete() {
			out[i].Name, out[i].Company = p.FirstName+" "+p.LastName, p.Company
		}
	}
	return out, next, nil
}

// RequestView is a join request as the group's moderators see it.
type RequestView struct {
	AccountID string    `json:"accountId"`
	Name      string    `json:"name,omitempty"`
	Company   string    `json:"company,omitempty"`
	At        time.Time `json:"at"`
}

// Requests lists a closed group's join requests for its moderators and staff.
func (s *GroupService) Requests(ctx context.Context, r Reader, groupID string, pg Page) ([]RequestView, string, error) {
	g, m, err := s.open(ctx, r, groupID)
	if err != nil {
		return nil, "", err
	}
	if !r.Staff && !(m.Role == GroupModerator && g.Kind == KindGroup) {
		if m.Role == "" {
			return nil, "", notFound()
		}
		return nil, "", problem.New(http.StatusForbidden, problem.CodeForbidden)
	}
	qs, next, err := s.Store.Requests(ctx, groupID, pg)
	if err != nil {
		return nil, "", err
	}
	idList := make([]string, len(qs))
	for i, q := range qs {
		idList[i] = q.AccountID
	}
	profiles, err := s.Store.Profiles(ctx, idList)
	if err != nil {
		return nil, "", err
	}
	out := make([]RequestView, len(qs))
	for i, q := range qs {
		out[i] = RequestView{AccountID: q.AccountID, At: q.At}
		if p := profiles[q.AccountID]; p.Complete() {
			out[i].Name, out[i].Company = p.FirstName+" "+p.LastName, p.Company
		}
	}
	return out, next, nil
}
