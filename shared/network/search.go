package network

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"kontor/shared/problem"
)

// Search over people, groups and posts (HKC-9). An inverted index of terms
// (searchtext.go) finds candidates; every candidate is then checked against the
// current state, read consistently in one batched read, before it is shown: the
// document still exists, the reader may open it now (a post's group is theirs, a
// committee too), and it still holds every word of the query in what the reader
// may see. So the index only has to be complete, never current: whatever it still
// holds of a deleted post, a hidden birthdate or a left group is dropped here.

// The types one searches.
const (
	SearchPeople = "people"
	SearchGroups = "groups"
	SearchPosts  = "posts"
)

// The kinds of documents in the index (a comment is found among posts).
const (
	DocPerson  = "person"
	DocGroup   = "group"
	DocPost    = "post"
	DocComment = "comment"
)

// Limits of a search.
const (
	// MaxQueryRunes bounds the query: longer is 400 too_long.
	MaxQueryRunes = 200
	// MaxQueryTerms bounds the words of a query that are looked up.
	MaxQueryTerms = 6
	// MaxCandidates bounds the index entries read per term; the candidates checked
	// are those of the rarest term.
	MaxCandidates = 200
	// DefaultResults and MaxResults are the results of one answer.
	DefaultResults = 20
	MaxResults     = 50
	// excerptRunes is the length of a post's beginning in a result.
	excerptRunes = 160
)

// TypeOf is the type a document kind is searched under.
func TypeOf(kind string) string {
	switch kind {
	case DocPerson:
		return SearchPeople
	case DocGroup:
		return SearchGroups
	}
	return SearchPosts
}

// Hit is an index entry: the document a term was found in, with the ids the
// check needs (never text).
type Hit struct {
	Kind    string `dynamodbav:"kind"`
	ID      string `dynamodbav:"id"`
	PostID  string `dynamodbav:"postId,omitempty"`
	GroupID string `dynamodbav:"groupId,omitempty"`
}

// Current is the state of the candidates as read for the check.
type Current struct {
	Profiles map[string]Profile
	Groups   map[string]Group // live groups only
	Member   map[string]bool  // group id → the reader is in it
	Posts    map[string]Post
	Comments map[string]Comment
}

// SearchStore looks terms up in the index and reads the current state.
type SearchStore interface {
	// Lookup lists at most limit entries of the index of a type under term, or,
	// with prefix, under every term that begins with it.
	Lookup(ctx context.Context, typ, term string, prefix bool, limit int) ([]Hit, error)
	// Current reads with consistent reads what the hits are now: the profiles,
	// posts and comments, their groups, and the reader's memberships of them.
	Current(ctx context.Context, readerID string, hits []Hit) (Current, error)
}

// SearchService answers searches.
type SearchService struct {
	Store SearchStore
}

// Result is one result: what the reader may open, and no more than its list
// shows elsewhere (a person's name and company, a group's name, a post's
// beginning and its group).
type Result struct {
	Type          string     `json:"type"` // person, group, post, comment
	ID            string     `json:"id"`
	FirstName     string     `json:"firstName,omitempty"`
	LastName      string     `json:"lastName,omitempty"`
	Company       string     `json:"company,omitempty"`
	RoleInCompany string     `json:"roleInCompany,omitempty"`
	Name          string     `json:"name,omitempty"`
	Kind          string     `json:"kind,omitempty"`
	PostID        string     `json:"postId,omitempty"`
	GroupID       string     `json:"groupId,omitempty"`
	GroupName     string     `json:"groupName,omitempty"`
	Excerpt       string     `json:"excerpt,omitempty"`
	CreatedAt     *time.Time `json:"createdAt,omitempty"`
	rank          int
	at            time.Time
}

// CheckQuery refuses what is no query: empty (required), not UTF-8
// (invalid_value), too long, or without a word of two letters or digits
// (too_short), and a type that is none.
func CheckQuery(q, typ string) (Query, error) {
	var fields []problem.FieldError
	if typ != SearchPeople && typ != SearchGroups && typ != SearchPosts {
		fields = append(fields, problem.FieldError{Field: "type", Code: problem.FieldInvalidValue})
	}
	parsed, ok := ParseQuery(q)
	switch {
	case strings.TrimSpace(q) == "":
		fields = append(fields, problem.FieldError{Field: "q", Code: problem.FieldRequired})
	case !utf8.ValidString(q):
		fields = append(fields, problem.FieldError{Field: "q", Code: problem.FieldInvalidValue})
	case utf8.RuneCountInString(q) > MaxQueryRunes:
		fields = append(fields, problem.FieldError{Field: "q", Code: problem.FieldTooLong})
	case !ok:
		fields = append(fields, problem.FieldError{Field: "q", Code: problem.FieldTooShort})
	}
	if len(fields) > 0 {
		return Query{}, problem.Invalid(fields...)
	}
	if len(parsed.Terms) >= MaxQueryTerms {
		parsed.Terms = parsed.Terms[:MaxQueryTerms-1]
	}
	return parsed, nil
}

// Search answers a query of a type for a reader: at most limit results, exact
// name matches first, then names beginning with the query, then the rest, the
// newest first.
func (s *SearchService) Search(ctx context.Context, r Reader, q Query, typ string, limit int) ([]Result, error) {
	hits, err := s.candidates(ctx, q, typ)
	if err != nil || len(hits) == 0 {
		return nil, err
	}
	cur, err := s.Store.Current(ctx, r.AccountID, hits)
	if err != nil {
		return nil, err
	}
	var out []Result
	for _, h := range hits {
		if TypeOf(h.Kind) != typ {
			continue
		}
		if res, ok := check(r, q, h, cur); ok {
			out = append(out, res)
		}
	}
	slices.SortFunc(out, func(a, b Result) int {
		return cmp.Or(cmp.Compare(a.rank, b.rank), b.at.Compare(a.at), cmp.Compare(a.ID, b.ID))
	})
	return out[:min(len(out), limit)], nil
}

// candidates are the entries of the query's rarest term: every result holds
// every term, and the check makes sure of the others.
func (s *SearchService) candidates(ctx context.Context, q Query, typ string) ([]Hit, error) {
	type lookup struct {
		hits []Hit
		err  error
	}
	terms := append(slices.Clone(q.Terms), q.Prefix)
	done := make([]chan lookup, len(terms))
	for i, t := range terms {
		done[i] = make(chan lookup, 1)
		go func() {
			hits, err := s.Store.Lookup(ctx, typ, t, i == len(terms)-1, MaxCandidates)
			done[i] <- lookup{hits, err}
		}()
	}
	var best []Hit
	for i := range done {
		l := <-done[i]
		if l.err != nil {
			return nil, l.err
		}
		if i == 0 || len(l.hits) < len(best) {
			best = l.hits
		}
	}
	seen := map[string]bool{}
	return slices.DeleteFunc(best, func(h Hit) bool {
		dup := seen[h.Kind+h.ID]
		seen[h.Kind+h.ID] = true
		return dup
	}), nil
}

// check is a candidate as the reader may see it now, if they may.
func check(r Reader, q Query, h Hit, cur Current) (Result, bool) {
	switch h.Kind {
	case DocPerson:
		p, ok := cur.Profiles[h.ID]
		if !ok || !p.Complete() || !q.Matches(PersonTerms(p)) {
			return Result{}, false
		}
		res := Result{Type: DocPerson, ID: p.AccountID, FirstName: p.FirstName, LastName: p.LastName, Company: p.Company, RoleInCompany: p.RoleInCompany,
			rank: nameRank(q, p.FirstName+" "+p.LastName, p.LastName+" "+p.FirstName)}
		if p.UpdatedAt != nil {
			res.at = *p.UpdatedAt
		}
		return res, true
	case DocGroup:
		g, ok := cur.Groups[h.ID]
		if !ok || !visible(g, r, cur.Member[g.ID]) || !q.Matches(GroupTerms(g)) {
			return Result{}, false
		}
		return Result{Type: DocGroup, ID: g.ID, Name: g.Name, Kind: g.Kind, rank: nameRank(q, g.Name), at: g.CreatedAt}, true
	case DocPost:
		p, ok := cur.Posts[h.ID]
		return content(r, q, cur, DocPost, p.ID, p.ID, p.GroupID, p.Text, p.CreatedAt, ok)
	case DocComment:
		c, ok := cur.Comments[h.ID]
		return content(r, q, cur, DocComment, c.ID, c.PostID, c.GroupID, c.Text, c.CreatedAt, ok)
	}
	return Result{}, false
}

// content is a post or comment as a result, if its group is live and the reader
// may read it (a member, or staff) and its text still answers the query.
func content(r Reader, q Query, cur Current, kind, id, postID, groupID, text string, at time.Time, ok bool) (Result, bool) {
	g, live := cur.Groups[groupID]
	if !ok || !live || !canRead(r, Membership{Role: memberRole(cur.Member[groupID])}) || !q.Matches(Terms(text)) {
		return Result{}, false
	}
	return Result{Type: kind, ID: id, PostID: postID, GroupID: g.ID, GroupName: g.Name, Kind: g.Kind,
		Excerpt: excerpt(text), CreatedAt: &at, rank: 2, at: at}, true
}

func memberRole(member bool) string {
	if member {
		return GroupMember
	}
	return ""
}

// nameRank is 0 when the query is one of the names exactly, 1 when one begins
// with it, 2 otherwise.
func nameRank(q Query, names ...string) int {
	rank := 2
	for _, n := range names {
		ws := words(n)
		f := nameKey(ws)
		switch {
		case f == q.Folded || slices.Contains(strings.Fields(f), q.Folded):
			return 0
		case strings.HasPrefix(f, q.Folded):
			rank = 1
		}
	}
	return rank
}

// excerpt is the beginning of a text, cut at a word.
func excerpt(text string) string {
	rs := []rune(strings.Join(strings.Fields(text), " "))
	if len(rs) <= excerptRunes {
		return string(rs)
	}
	cut := string(rs[:excerptRunes])
	if i := strings.LastIndexByte(cut, ' '); i > excerptRunes/2 {
		cut = cut[:i]
	}
	return cut + " …"
}

// PersonTerms are the terms a profile is found by: what other members see of it
// (ViewFor — the birthdate only while shown, the voluntary details only while
// given), without the street, numbers and addresses nobody searches by. An
// incomplete profile is seen by nobody and found by nothing.
func PersonTerms(p Profile) []string {
	if !p.Complete() {
		return nil
	}
	v := p.ViewFor()
	texts := []string{v.FirstName, v.LastName, v.Company, v.RoleInCompany, v.City, v.Birthdate, v.Industry, v.About, v.CompanyDescription}
	texts = append(texts, v.Expertise...)
	return Terms(append(texts, v.Languages...)...)
}

// GroupTerms are the terms a group or committee is found by.
func GroupTerms(g Group) []string { return Terms(g.Name, g.Description) }
