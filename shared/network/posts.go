package network

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"time"

	"kontor/shared/ids"
	"kontor/shared/problem"
)

// Limits of posts and comments.
const (
	MaxPostText    = 10000
	MaxCommentText = 2000
	MaxLinks       = 10
	MaxLinkTitle   = 200
	MaxPostBody    = 64 << 10
)

// Link is a link a post carries: a web address and a title. Video links are links
// too (Video tells the page to label them); nothing is embedded.
type Link struct {
	URL   string `dynamodbav:"url" json:"url"`
	Title string `dynamodbav:"title,omitempty" json:"title,omitempty"`
	Video bool   `dynamodbav:"-" json:"video"`
}

// Post is a post in a group as stored. The author is kept as an account id only
// (AuthorID, "" once the author left the network: HKC-14); names are read from
// the profile whenever the post is shown.
type Post struct {
	ID       string `dynamodbav:"id" json:"id"`
	GroupID  string `dynamodbav:"groupId" json:"groupId"`
	AuthorID string `dynamodbav:"authorId,omitempty" json:"-"`
	Text     string `dynamodbav:"text" json:"text"`
	Links    []Link `dynamodbav:"links,omitempty" json:"links"`
	// Attachments are kept in the post's item, so a page of posts reads them
	// with the posts; readers see the checked ones only (attachments.go).
	Attachments []Attachment `dynamodbav:"attachments,omitempty" json:"attachments"`
	Comments    int          `dynamodbav:"comments" json:"comments"`
	CreatedAt   time.Time    `dynamodbav:"createdAt" json:"createdAt"`
	EditedAt    *time.Time   `dynamodbav:"editedAt,omitempty" json:"editedAt,omitempty"`
	Version     int          `dynamodbav:"version" json:"version"`
}

// Comment is a comment on a post as stored.
type Comment struct {
	ID        string     `dynamodbav:"id" json:"id"`
	PostID    string     `dynamodbav:"postId" json:"postId"`
	GroupID   string     `dynamodbav:"groupId" json:"groupId"`
	AuthorID  string     `dynamodbav:"authorId,omitempty" json:"-"`
	Text      string     `dynamodbav:"text" json:"text"`
	CreatedAt time.Time  `dynamodbav:"createdAt" json:"createdAt"`
	EditedAt  *time.Time `dynamodbav:"editedAt,omitempty" json:"editedAt,omitempty"`
	Version   int        `dynamodbav:"version" json:"version"`
}

// Moderation reasons: a code, never free text, so the log holds ids only.
var ModerationReasons = []string{"spam", "offensive", "off_topic", "legal", "other"}

// ModAction is one removal by a moderator or staff, logged with ids only.
type ModAction struct {
	ModeratorID string    `dynamodbav:"moderatorId" json:"moderatorId"`
	GroupID     string    `dynamodbav:"groupId" json:"groupId"`
	ItemID      string    `dynamodbav:"itemId" json:"itemId"`
	Kind        string    `dynamodbav:"kind" json:"kind"` // post, comment or attachment
	Reason      string    `dynamodbav:"reason" json:"reason"`
	At          time.Time `dynamodbav:"at" json:"at"`
}

// ModerationRetention is how long a removal stays in the moderation log.
const ModerationRetention = 2 * 365 * 24 * time.Hour

// PostStore keeps posts, comments and the post index.
type PostStore interface {
	// CreatePost stores a post with its index entry, while the author is a
	// member of the group (ErrNotFound otherwise).
	CreatePost(ctx context.Context, p Post) error
	// Post reads a post; ErrNotFound without one.
	Post(ctx context.Context, id string) (Post, error)
	// UpdatePost stores a changed post at version prev.
	UpdatePost(ctx context.Context, p Post, prev int) error
	// DeletePost removes a post with its comments (its index entry stays and is
	// skipped when read).
	DeletePost(ctx context.Context, p Post) error
	// Windows reads each group's item and the named chunks in one batched read;
	// a group that is gone is left out.
	Windows(ctx context.Context, reads map[string][]int) (map[string]Window, error)
	// Read reads posts and the profiles of accounts in one batched read.
	Read(ctx context.Context, postIDs, accountIDs []string) (map[string]Post, map[string]Profile, error)
	// CreateComment stores a comment while the post exists and the author is a
	// member of its group (ErrNotFound otherwise).
	CreateComment(ctx context.Context, c Comment) error
	// Comment reads a comment; ErrNotFound without one.
	Comment(ctx context.Context, id string) (Comment, error)
	// UpdateComment stores a changed comment at version prev.
	UpdateComment(ctx context.Context, c Comment, prev int) error
	// DeleteComment removes a comment.
	DeleteComment(ctx context.Context, c Comment) error
	// Comments lists a post's comments, oldest first.
	Comments(ctx context.Context, postID string, pg Page) ([]Comment, string, error)
	// LogModeration records a removal.
	LogModeration(ctx context.Context, a ModAction) error
}

// PostService serves posts, comments and the feed (HKC-6).
type PostService struct {
	Groups *GroupService
	Store  PostStore
	Now    func() time.Time
	// Notify, when set, is told of every new post just before it is stored (the
	// mail notifications of a group's subscribers, which pass over a post that
	// was not stored after all).
	Notify Notifier
}

// Notifier learns of new posts.
type Notifier interface {
	NewPost(ctx context.Context, g Group, p Post) error
}

// Author is who wrote a post or comment, as read now: a former member (who
// left the network) has no id and no name.
type Author struct {
	ID     string `json:"id,omitempty"`
	Name   string `json:"name,omitempty"`
	Former bool   `json:"former,omitempty"`
}

// PostView is a post as a reader sees it.
type PostView struct {
	Post
	GroupName string `json:"groupName"`
	Author    Author `json:"author"`
	HTML      string `json:"html"`
	// Mine: the reader wrote it (may edit); Removable: the reader may remove it.
	Mine      bool `json:"mine"`
	Removable bool `json:"removable"`
}

// CommentView is a comment as a reader sees it.
type CommentView struct {
	Comment
	Author    Author `json:"author"`
	HTML      string `json:"html"`
	Mine      bool   `json:"mine"`
	Removable bool   `json:"removable"`
}

// author names an author from their profile.
func author(id string, profiles map[string]Profile) Author {
	if id == "" {
		return Author{Former: true}
	}
	p, ok := profiles[id]
	if !ok || !p.Complete() {
		return Author{ID: id}
	}
	return Author{ID: id, Name: p.FirstName + " " + p.LastName}
}

// PostInput is a new post or a change of one.
type PostInput struct {
	Text    *string `json:"text"`
	Links   []Link  `json:"links"`
	Version *int    `json:"version"`
}

// checkPost validates a post's text and links.
func checkPost(in PostInput, fe *fieldErrors) (string, []Link) {
	text := groupText(fe, "text", in.Text, MaxPostText, true, true)
	if len(in.Links) > MaxLinks {
		fe.add("links", problem.FieldTooLong)
		return text, nil
	}
	links := make([]Link, 0, len(in.Links))
	for _, l := range in.Links {
		u, c := textOf(l.URL, "links", MaxWebsite, true)
		if c.IsZero() {
			c = checkWebsite(u)
		}
		t, tc := textOf(l.Title, "links", MaxLinkTitle, false)
		if c.IsZero() {
			c = tc
		}
		if !c.IsZero() {
			fe.add("links", c)
			return text, nil
		}
		links = append(links, Link{URL: u, Title: t})
	}
	return text, links
}

// textOf checks one short text.
func textOf(v, name string, max int, required bool) (string, problem.Code) {
	return text(v, textField{name: name, max: max, mandatory: required})
}

// canRead says whether the reader may read the group's posts: its members, and
// staff (who moderate every group).
func canRead(r Reader, m Membership) bool { return m.Role != "" || r.Staff }

// canModerate says whether the reader may remove others' posts and comments:
// staff, and the group's or committee's moderators.
func canModerate(r Reader, _ Group, m Membership) bool {
	return r.Staff || m.Role == GroupModerator
}

// member opens a group for reading its posts: 404 unless the reader may.
func (s *PostService) member(ctx context.Context, r Reader, groupID string) (Group, Membership, error) {
	g, m, err := s.Groups.open(ctx, r, groupID)
	if err != nil {
		return Group{}, Membership{}, err
	}
	if !canRead(r, m) {
		return Group{}, Membership{}, notFound()
	}
	return g, m, nil
}

// Create posts in a group: members only.
func (s *PostService) Create(ctx context.Context, r Reader, groupID string, in PostInput) (PostView, error) {
	g, m, err := s.member(ctx, r, groupID)
	if err != nil {
		return PostView{}, err
	}
	if m.Role == "" {
		return PostView{}, problem.New(http.StatusForbidden, problem.CodeForbidden)
	}
	var fe fieldErrors
	text, links := checkPost(in, &fe)
	if in.Version != nil {
		fe.add("version", problem.FieldInvalidValue)
	}
	if len(fe) > 0 {
		return PostView{}, problem.Invalid(fe...)
	}
	now := s.Now()
	p := Post{ID: ids.NewV7(now), GroupID: groupID, AuthorID: r.AccountID, Text: text, Links: links, CreatedAt: now, Version: 1}
	// The notification is queued before the post is stored: a queued post that
	// was never stored is passed over, while a post stored without its queue
	// entry (the request stopped in between) would never be mailed about.
	if s.Notify != nil {
		if err := s.Notify.NewPost(ctx, g, p); err != nil {
			return PostView{}, err
		}
	}
	if err := s.Store.CreatePost(ctx, p); errors.Is(err, ErrNotFound) {
		return PostView{}, notFound()
	} else if err != nil {
		return PostView{}, err
	}
	return s.view(ctx, r, g, m, p)
}

// view shows one post with its author as read now.
func (s *PostService) view(ctx context.Context, r Reader, g Group, m Membership, p Post) (PostView, error) {
	var authors []string
	if p.AuthorID != "" {
		authors = []string{p.AuthorID}
	}
	_, profiles, err := s.Store.Read(ctx, nil, authors)
	if err != nil {
		return PostView{}, err
	}
	return postView(r, g, m, p, profiles), nil
}

func postView(r Reader, g Group, m Membership, p Post, profiles map[string]Profile) PostView {
	mine := p.AuthorID != "" && p.AuthorID == r.AccountID
	p.Links = slices.Clone(p.Links)
	for i := range p.Links {
		p.Links[i].Video = isVideo(p.Links[i].URL)
	}
	if p.Links == nil {
		p.Links = []Link{}
	}
	p.Attachments = Checked(p.Attachments)
	return PostView{Post: p, GroupName: g.Name, Author: author(p.AuthorID, profiles), HTML: Render(p.Text),
		Mine: mine, Removable: mine || canModerate(r, g, m)}
}

// open reads a post the reader may see: 404 otherwise, exactly as for a post
// that does not exist.
func (s *PostService) open(ctx context.Context, r Reader, id string) (Post, Group, Membership, error) {
	return openIn(ctx, s, r, id, s.Store.Post, func(p Post) string { return p.GroupID })
}

// openIn reads a post or comment by id and opens its group for the reader: 404
// for a malformed or unknown id as for one in a group the reader may not read.
func openIn[T any](ctx context.Context, s *PostService, r Reader, id string, read func(context.Context, string) (T, error), groupOf func(T) string) (T, Group, Membership, error) {
	var zero T
	if !ids.ValidV7(id) {
		return zero, Group{}, Membership{}, notFound()
	}
	v, err := read(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return zero, Group{}, Membership{}, notFound()
	}
	if err != nil {
		return zero, Group{}, Membership{}, err
	}
	g, m, err := s.member(ctx, r, groupOf(v))
	return v, g, m, err
}

// Get returns one post.
func (s *PostService) Get(ctx context.Context, r Reader, id string) (PostView, error) {
	p, g, m, err := s.open(ctx, r, id)
	if err != nil {
		return PostView{}, err
	}
	return s.view(ctx, r, g, m, p)
}

// Update changes the text and links of one's own post.
func (s *PostService) Update(ctx context.Context, r Reader, id string, in PostInput) (PostView, error) {
	p, g, m, err := s.open(ctx, r, id)
	if err != nil {
		return PostView{}, err
	}
	if p.AuthorID != r.AccountID || m.Role == "" {
		return PostView{}, problem.New(http.StatusForbidden, problem.CodeForbidden)
	}
	var fe fieldErrors
	if in.Version == nil {
		fe.add("version", problem.FieldRequired)
	}
	text, links := checkPost(in, &fe)
	if len(fe) > 0 {
		return PostView{}, problem.Invalid(fe...)
	}
	if *in.Version != p.Version {
		return PostView{}, problem.New(http.StatusConflict, problem.CodeConflict)
	}
	now := s.Now()
	prev := p.Version
	p.Text, p.Links, p.EditedAt, p.Version = text, links, &now, prev+1
	if err := s.Store.UpdatePost(ctx, p, prev); errors.Is(err, ErrConflict) {
		return PostView{}, problem.New(http.StatusConflict, problem.CodeConflict)
	} else if errors.Is(err, ErrNotFound) {
		return PostView{}, notFound()
	} else if err != nil {
		return PostView{}, err
	}
	return s.view(ctx, r, g, m, p)
}

// checkReason validates a moderator's reason; the author removing their own
// needs none.
func checkReason(own bool, reason string) error {
	if own && reason == "" {
		return nil
	}
	if !slices.Contains(ModerationReasons, reason) {
		code := problem.FieldInvalidValue
		if reason == "" {
			code = problem.FieldRequired
		}
		return problem.Invalid(problem.FieldError{Field: "reason", Code: code})
	}
	return nil
}

// Delete removes a post with its comments: its author, or a moderator of the
// group or staff with a reason (logged with ids only).
func (s *PostService) Delete(ctx context.Context, r Reader, id, reason string) error {
	p, g, m, err := s.open(ctx, r, id)
	if err != nil {
		return err
	}
	if err := s.mayRemove(ctx, r, g, m, p.AuthorID, "post", p.ID, reason); err != nil {
		return err
	}
	return s.Store.DeletePost(ctx, p)
}

// mayRemove checks that the reader may remove what authorID wrote — their own,
// or anything as a moderator or staff with a reason — and logs a removal of
// someone else's with ids only.
func (s *PostService) mayRemove(ctx context.Context, r Reader, g Group, m Membership, authorID, kind, id, reason string) error {
	own := authorID != "" && authorID == r.AccountID
	if !own && !canModerate(r, g, m) {
		return problem.New(http.StatusForbidden, problem.CodeForbidden)
	}
	if err := checkReason(own, reason); err != nil {
		return err
	}
	if own {
		return nil
	}
	return s.Store.LogModeration(ctx, ModAction{ModeratorID: r.AccountID, GroupID: g.ID, ItemID: id, Kind: kind, Reason: reason, At: s.Now()})
}

// List returns a page of a group's posts, newest first.
func (s *PostService) List(ctx context.Context, r Reader, groupID string, pg Page) ([]PostView, string, error) {
	g, m, err := s.member(ctx, r, groupID)
	if err != nil {
		return nil, "", err
	}
	return s.page(ctx, r, map[string]Membership{g.ID: m}, pg)
}

// Feed returns a page of the newest posts of all the reader's groups.
func (s *PostService) Feed(ctx context.Context, r Reader, pg Page) ([]PostView, string, error) {
	mine, err := s.Groups.Store.MyGroups(ctx, r.AccountID)
	if err != nil {
		return nil, "", err
	}
	ms := make(map[string]Membership, len(mine))
	for _, m := range mine {
		ms[m.GroupID] = m
	}
	return s.page(ctx, r, ms, pg)
}

// page reads one page of the posts of the groups ms: the groups' index, then the
// posts and their authors (feed.go).
func (s *PostService) page(ctx context.Context, r Reader, ms map[string]Membership, pg Page) ([]PostView, string, error) {
	c, ok := DecodeFeedCursor(pg.Cursor)
	if !ok {
		return nil, "", problem.Invalid(problem.FieldError{Field: "cursor", Code: problem.FieldInvalidValue})
	}
	limit := pg.Limit
	if limit < 1 || limit > MaxFeedPage {
		limit = DefaultFeedPage
	}
	if len(ms) == 0 {
		return []PostView{}, "", nil
	}
	groups := make([]string, 0, len(ms))
	for id := range ms {
		groups = append(groups, id)
	}
	windows, err := s.Store.Windows(ctx, c.Reads(groups))
	if err != nil {
		return nil, "", err
	}
	entries, next := Merge(windows, c, limit)
	postIDs, authors := make([]string, len(entries)), []string{}
	for i, e := range entries {
		postIDs[i] = e.PostID
		if e.AuthorID != "" && !slices.Contains(authors, e.AuthorID) {
			authors = append(authors, e.AuthorID)
		}
	}
	posts, profiles, err := s.Store.Read(ctx, postIDs, authors)
	if err != nil {
		return nil, "", err
	}
	out := make([]PostView, 0, len(entries))
	for _, e := range entries {
		p, ok := posts[e.PostID]
		w, in := windows[p.GroupID]
		if !ok || !in {
			continue // removed since it was indexed
		}
		out = append(out, postView(r, w.Group, ms[p.GroupID], p, profiles))
	}
	return out, next, nil
}

// openComment reads a comment the reader may see with its post's group.
func (s *PostService) openComment(ctx context.Context, r Reader, id string) (Comment, Group, Membership, error) {
	return openIn(ctx, s, r, id, s.Store.Comment, func(c Comment) string { return c.GroupID })
}

func commentView(r Reader, g Group, m Membership, c Comment, profiles map[string]Profile) CommentView {
	mine := c.AuthorID != "" && c.AuthorID == r.AccountID
	return CommentView{Comment: c, Author: author(c.AuthorID, profiles), HTML: Render(c.Text), Mine: mine, Removable: mine || canModerate(r, g, m)}
}

// CommentInput is a new comment or a change of one.
type CommentInput struct {
	Text    *string `json:"text"`
	Version *int    `json:"version"`
}

// Comment adds a comment to a post: members of its group only.
func (s *PostService) Comment(ctx context.Context, r Reader, postID string, in CommentInput) (CommentView, error) {
	p, g, m, err := s.open(ctx, r, postID)
	if err != nil {
		return CommentView{}, err
	}
	if m.Role == "" {
		return CommentView{}, problem.New(http.StatusForbidden, problem.CodeForbidden)
	}
	var fe fieldErrors
	text := groupText(&fe, "text", in.Text, MaxCommentText, true, true)
	if in.Version != nil {
		fe.add("version", problem.FieldInvalidValue)
	}
	if len(fe) > 0 {
		return CommentView{}, problem.Invalid(fe...)
	}
	now := s.Now()
	c := Comment{ID: ids.NewV7(now), PostID: p.ID, GroupID: g.ID, AuthorID: r.AccountID, Text: text, CreatedAt: now, Version: 1}
	if err := s.Store.CreateComment(ctx, c); errors.Is(err, ErrNotFound) {
		return CommentView{}, notFound()
	} else if err != nil {
		return CommentView{}, err
	}
	_, profiles, err := s.Store.Read(ctx, nil, []string{r.AccountID})
	if err != nil {
		return CommentView{}, err
	}
	return commentView(r, g, m, c, profiles), nil
}

// Comments lists a post's comments, oldest first.
func (s *PostService) Comments(ctx context.Context, r Reader, postID string, pg Page) ([]CommentView, string, error) {
	_, g, m, err := s.open(ctx, r, postID)
	if err != nil {
		return nil, "", err
	}
	cs, next, err := s.Store.Comments(ctx, postID, pg)
	if err != nil {
		return nil, "", err
	}
	var authors []string
	for _, c := range cs {
		if c.AuthorID != "" && !slices.Contains(authors, c.AuthorID) {
			authors = append(authors, c.AuthorID)
		}
	}
	_, profiles, err := s.Store.Read(ctx, nil, authors)
	if err != nil {
		return nil, "", err
	}
	out := make([]CommentView, len(cs))
	for i, c := range cs {
		out[i] = commentView(r, g, m, c, profiles)
	}
	return out, next, nil
}

// UpdateComment changes one's own comment.
func (s *PostService) UpdateComment(ctx context.Context, r Reader, id string, in CommentInput) (CommentView, error) {
	c, g, m, err := s.openComment(ctx, r, id)
	if err != nil {
		return CommentView{}, err
	}
	if c.AuthorID != r.AccountID || m.Role == "" {
		return CommentView{}, problem.New(http.StatusForbidden, problem.CodeForbidden)
	}
	var fe fieldErrors
	if in.Version == nil {
		fe.add("version", problem.FieldRequired)
	}
	text := groupText(&fe, "text", in.Text, MaxCommentText, true, true)
	if len(fe) > 0 {
		return CommentView{}, problem.Invalid(fe...)
	}
	if *in.Version != c.Version {
		return CommentView{}, problem.New(http.StatusConflict, problem.CodeConflict)
	}
	now := s.Now()
	prev := c.Version
	c.Text, c.EditedAt, c.Version = text, &now, prev+1
	if err := s.Store.UpdateComment(ctx, c, prev); errors.Is(err, ErrConflict) {
		return CommentView{}, problem.New(http.StatusConflict, problem.CodeConflict)
	} else if errors.Is(err, ErrNotFound) {
		return CommentView{}, notFound()
	} else if err != nil {
		return CommentView{}, err
	}
	_, profiles, err := s.Store.Read(ctx, nil, []string{r.AccountID})
	if err != nil {
		return CommentView{}, err
	}
	return commentView(r, g, m, c, profiles), nil
}

// DeleteComment removes a comment: its author, or a moderator or staff with a
// reason.
func (s *PostService) DeleteComment(ctx context.Context, r Reader, id, reason string) error {
	c, g, m, err := s.openComment(ctx, r, id)
	if err != nil {
		return err
	}
	if err := s.mayRemove(ctx, r, g, m, c.AuthorID, "comment", c.ID, reason); err != nil {
		return err
	}
	return s.Store.DeleteComment(ctx, c)
}

// Content is everything of the groups an account has: memberships, join
// requests, what it wrote and the removals it made as a moderator.
type Content struct {
	Memberships []Membership  `json:"memberships"`
	Requests    []JoinRequest `json:"requests"`
	Posts       []Post        `json:"posts"`
	Comments    []Comment     `json:"comments"`
	Moderation  []ModAction   `json:"moderation"`
}

// ContentStore is what the privacy side needs of the groups.
type ContentStore interface {
	// Content reads an account's content for its export.
	Content(ctx context.Context, accountID string) (Content, error)
	// Forget removes the account from the groups and takes its id from what it
	// wrote (HKC-14), returning how many items it changed.
	Forget(ctx context.Context, accountID string) (int, error)
	// PurgeGroups finishes the purges of deleted groups.
	PurgeGroups(ctx context.Context) (int, error)
}
