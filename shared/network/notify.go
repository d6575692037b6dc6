package network

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"kontor/shared/ids"
	"kontor/shared/mail"
	"kontor/shared/privacy"
)

// Subscription is a member's opt-in to a mail about each new post in one group.
// Sub is the subscription's own random id: the unsubscribe links point to it,
// never to the account.
type Subscription struct {
	GroupID   string    `dynamodbav:"groupId" json:"groupId"`
	AccountID string    `dynamodbav:"accountId" json:"-"`
	Since     time.Time `dynamodbav:"since" json:"since"`
	Sub       string    `dynamodbav:"sub" json:"-"`
}

// NotifyJob is a new post whose subscribers are still to be mailed. After is
// where the mailing stopped (a subscriber listing's cursor), so a run cut short
// goes on there.
type NotifyJob struct {
	PostID  string    `dynamodbav:"postId"`
	GroupID string    `dynamodbav:"groupId"`
	At      time.Time `dynamodbav:"at"`
	After   string    `dynamodbav:"after,omitempty"`
}

// UnsubscribeLinkLife is how long the one-click link of a notification works.
const UnsubscribeLinkLife = 180 * 24 * time.Hour

// StoreGrace is how long a queued post that cannot be read yet is waited for:
// the post is queued just before it is stored, so a run may see the queue entry
// first; one still missing after it was never stored, or was removed.
const StoreGrace = 2 * time.Minute

// subscriberPage is how many subscribers one step of a mailing reads; the
// progress is saved after each.
const subscriberPage = 25

// SubscriptionStore keeps subscriptions, the unsubscribe links' tokens (hashed)
// and the queue of posts to notify about.
type SubscriptionStore interface {
	// Subscription reads an account's subscription; ErrNotFound without one.
	Subscription(ctx context.Context, groupID, accountID string) (Subscription, error)
	// Subscribe stores a subscription while the account is a member of the group
	// (ErrNotFound otherwise); ErrExists when there is one.
	Subscribe(ctx context.Context, s Subscription) error
	// Unsubscribe removes an account's subscription, if any.
	Unsubscribe(ctx context.Context, groupID, accountID string) error
	// UnsubscribeSub removes the subscription sub of a group, if it still exists.
	UnsubscribeSub(ctx context.Context, groupID, sub string) error
	// Subscribers lists a page of a group's subscriptions after the cursor.
	Subscribers(ctx context.Context, groupID, cursor string, limit int) ([]Subscription, string, error)
	// SaveToken keeps an unsubscribe token's hash for the subscription until
	// expires.
	SaveToken(ctx context.Context, hash, groupID, sub string, expires time.Time) error
	// Token reads what a token's hash unsubscribes; ErrNotFound without one.
	Token(ctx context.Context, hash string) (groupID, sub string, err error)
	// Enqueue stores a job (again: harmless).
	Enqueue(ctx context.Context, j NotifyJob) error
	// Jobs lists the jobs not yet done.
	Jobs(ctx context.Context) ([]NotifyJob, error)
	// Job reads one job; ErrNotFound when it is done.
	Job(ctx context.Context, postID string) (NotifyJob, error)
	// Progress records where a job's mailing is.
	Progress(ctx context.Context, postID, after string) error
	// Finish removes a done job.
	Finish(ctx context.Context, postID string) error
	// MySubscriptions lists an account's subscriptions (export).
	MySubscriptions(ctx context.Context, accountID string) ([]Subscription, error)
	// ForgetSubscriptions removes all of an account's subscriptions (erasure),
	// returning how many.
	ForgetSubscriptions(ctx context.Context, accountID string) (int, error)
}

// SubscriptionService serves a member's opt-in to mail about new posts.
type SubscriptionService struct {
	Groups *GroupService
	Store  SubscriptionStore
	Now    func() time.Time
}

// SubscriptionView tells a member whether they get mail about new posts.
type SubscriptionView struct {
	Subscribed bool       `json:"subscribed"`
	Since      *time.Time `json:"since,omitempty"`
}

// member opens a group for its members only: 404 for everyone else (staff
// included: they get no mail of groups they are not in).
func (s *SubscriptionService) member(ctx context.Context, r Reader, groupID string) error {
	_, m, err := s.Groups.open(ctx, r, groupID)
	if err == nil && m.Role == "" {
		return notFound()
	}
	return err
}

// Get tells whether the reader is subscribed to the group.
func (s *SubscriptionService) Get(ctx context.Context, r Reader, groupID string) (SubscriptionView, error) {
	if err := s.member(ctx, r, groupID); err != nil {
		return SubscriptionView{}, err
	}
	sub, err := s.Store.Subscription(ctx, groupID, r.AccountID)
	if errors.Is(err, ErrNotFound) {
		return SubscriptionView{}, nil
	}
	if err != nil {
		return SubscriptionView{}, err
	}
	return SubscriptionView{Subscribed: true, Since: &sub.Since}, nil
}

// Subscribe opts the reader in; created is false when they already were.
func (s *SubscriptionService) Subscribe(ctx context.Context, r Reader, groupID string) (SubscriptionView, bool, error) {
	if err := s.member(ctx, r, groupID); err != nil {
		return SubscriptionView{}, false, err
	}
	sub := Subscription{GroupID: groupID, AccountID: r.AccountID, Since: s.Now(), Sub: ids.NewToken()}
	switch err := s.Store.Subscribe(ctx, sub); {
	case errors.Is(err, ErrExists):
		v, err := s.Get(ctx, r, groupID)
		return v, false, err
	case errors.Is(err, ErrNotFound):
		return SubscriptionView{}, false, notFound()
	case err != nil:
		return SubscriptionView{}, false, err
	}
	return SubscriptionView{Subscribed: true, Since: &sub.Since}, true, nil
}

// Unsubscribe opts the reader out (also when they were not in).
func (s *SubscriptionService) Unsubscribe(ctx context.Context, r Reader, groupID string) error {
	if err := s.member(ctx, r, groupID); err != nil {
		return err
	}
	return s.Store.Unsubscribe(ctx, groupID, r.AccountID)
}

// Left ends the subscription of a member who left or was removed.
func (s *SubscriptionService) Left(ctx context.Context, groupID, accountID string) error {
	return s.Store.Unsubscribe(ctx, groupID, accountID)
}

// UnsubscribeByToken ends the subscription a mailed link names. A token that is
// malformed, unknown, expired or already used changes nothing: the answer is the
// same, so the link can be followed any number of times.
func (s *SubscriptionService) UnsubscribeByToken(ctx context.Context, token string) error {
	if !ids.PlausibleToken(token) {
		return nil
	}
	groupID, sub, err := s.Store.Token(ctx, ids.Digest(token))
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.Store.UnsubscribeSub(ctx, groupID, sub)
}

// QueueNotifier is the PostService's Notifier: it queues each new post for the
// notification function, so the post's request does not wait for the mailing.
type QueueNotifier struct {
	Store SubscriptionStore
}

// NewPost implements Notifier.
func (q QueueNotifier) NewPost(ctx context.Context, g Group, p Post) error {
	return q.Store.Enqueue(ctx, NotifyJob{PostID: p.ID, GroupID: g.ID, At: p.CreatedAt})
}

// Outbox queues mail (mail.Outbox).
type Outbox interface {
	Deliver(ctx context.Context, m mail.Message) error
}

// Notifications mails each new post's group's subscribers.
type Notifications struct {
	Subs    SubscriptionStore
	Groups  GroupStore
	Posts   PostStore
	People  privacy.Resolver
	Outbox  Outbox
	BaseURL string // the site, e.g. https://kontor.example
	Now     func() time.Time
	Log     *slog.Logger
}

// Run works through every queued job.
func (n *Notifications) Run(ctx context.Context) (int, error) {
	jobs, err := n.Subs.Jobs(ctx)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, j := range jobs {
		c, err := n.Process(ctx, j.PostID)
		sent += c
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// Process mails the subscribers of one queued post, a page at a time, saving
// its progress after each page, and ends the job. A job already done does
// nothing. Each mail's id is derived from post and subscriber, so a page sent
// again after an interruption queues nothing twice.
func (n *Notifications) Process(ctx context.Context, postID string) (int, error) {
	j, err := n.Subs.Job(ctx, postID)
	if errors.Is(err, ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	p, err := n.Posts.Post(ctx, j.PostID)
	if errors.Is(err, ErrNotFound) && n.Now().Sub(j.At) < StoreGrace {
		return 0, nil // queued before it is stored: the next run mails
	}
	if errors.Is(err, ErrNotFound) {
		return 0, n.Subs.Finish(ctx, j.PostID) // never stored, or removed since
	}
	if err != nil {
		return 0, err
	}
	g, err := n.Groups.Group(ctx, j.GroupID)
	if errors.Is(err, ErrNotFound) {
		return 0, n.Subs.Finish(ctx, j.PostID)
	}
	if err != nil {
		return 0, err
	}
	name, err := n.authorName(ctx, p.AuthorID)
	if err != nil {
		return 0, err
	}
	sent, cursor := 0, j.After
	for {
		subs, next, err := n.Subs.Subscribers(ctx, g.ID, cursor, subscriberPage)
		if err != nil {
			return sent, err
		}
		for _, s := range subs {
			ok, err := n.notify(ctx, g, p, name, s)
			if err != nil {
				return sent, err
			}
			if ok {
				sent++
			}
		}
		if next == "" {
			break
		}
		if err := n.Subs.Progress(ctx, j.PostID, next); err != nil {
			return sent, err
		}
		cursor = next
	}
	return sent, n.Subs.Finish(ctx, j.PostID)
}

// authorName is the author's name as the profile has it now; "" for a former
// member or an incomplete profile.
func (n *Notifications) authorName(ctx context.Context, accountID string) (string, error) {
	if accountID == "" {
		return "", nil
	}
	ps, err := n.Groups.Profiles(ctx, []string{accountID})
	if err != nil {
		return "", err
	}
	if p := ps[accountID]; p.Complete() {
		return p.FirstName + " " + p.LastName, nil
	}
	return "", nil
}

// notify mails one subscriber, unless they wrote the post, are no longer a
// member (the subscription then goes) or have no account any more.
func (n *Notifications) notify(ctx context.Context, g Group, p Post, author string, s Subscription) (bool, error) {
	if s.AccountID == p.AuthorID {
		return false, nil
	}
	if _, err := n.Groups.Membership(ctx, g.ID, s.AccountID); errors.Is(err, ErrNotFound) {
		return false, n.Subs.Unsubscribe(ctx, g.ID, s.AccountID)
	} else if err != nil {
		return false, err
	}
	person, err := n.People.Person(ctx, s.AccountID)
	if errors.Is(err, privacy.ErrUnknownPerson) || (err == nil && person.Email == "") {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	token := ids.NewToken()
	if err := n.Subs.SaveToken(ctx, ids.Digest(token), g.ID, s.Sub, n.Now().Add(UnsubscribeLinkLife)); err != nil {
		return false, err
	}
	m := NotificationMail(person.Language, g, author, n.BaseURL, token)
	m.ID, m.To = MessageID(p.ID, s.AccountID), person.Email
	if err := n.Outbox.Deliver(ctx, m); err != nil {
		return false, err
	}
	if n.Log != nil {
		n.Log.InfoContext(ctx, "post notification queued", slog.String("mailId", m.ID))
	}
	return true, nil
}

// MessageID is the id of the mail about a post to one subscriber: derived from
// both, so that mailing the same post again queues nothing twice.
func MessageID(postID, accountID string) string {
	return mail.DerivedID("post-notification:" + postID + ":" + accountID)
}

// UnsubscribePath is the API route of the one-click unsubscribe links.
const UnsubscribePath = "/v1/group-subscriptions/unsubscribe"

// UnsubscribeURL is a notification's one-click link.
func UnsubscribeURL(base, token string) string {
	return base + UnsubscribePath + "?token=" + url.QueryEscape(token)
}

// GroupURL is the group's page in the language.
func GroupURL(base, lang, groupID string) string {
	return base + "/" + lang + "/network/group?id=" + url.QueryEscape(groupID)
}

// notificationTexts are a notification's subject and text in one language:
// %[1]s the author, %[2]s the group, %[3]s the group's page, %[4]s the link
// that unsubscribes.
var notificationTexts = map[string][3]string{
	"de": {"Kontor: Neuer Beitrag von %[1]s in „%[2]s“",
		"Hallo,\n\n%[1]s hat in der Gruppe „%[2]s“ einen neuen Beitrag geschrieben. Sie lesen ihn nach der Anmeldung auf der Seite der Gruppe:\n\n%[3]s\n\n" +
			"Sie erhalten diese Nachricht, weil Sie für diese Gruppe Benachrichtigungen eingeschaltet haben. Ausschalten können Sie sie auf der Seite der Gruppe oder mit diesem Link:\n\n%[4]s\n\nIhr Kontor",
		"Ein ehemaliges Mitglied"},
	"en": {"Kontor: New post by %[1]s in “%[2]s”",
		"Hello,\n\n%[1]s wrote a new post in the group “%[2]s”. Sign in to read it on the group's page:\n\n%[3]s\n\n" +
			"You get this message because you turned on notifications for this group. Turn them off on the group's page or with this link:\n\n%[4]s\n\nYour Kontor",
		"A former member"},
}

// NotificationMail is the mail about a new post in g, in the language (German
// unless "en"): it names the group and the author and links to the group's page
// and to the one-click unsubscribe, and carries nothing of the post itself.
func NotificationMail(lang string, g Group, author, base, token string) mail.Message {
	if lang != "en" {
		lang = "de"
	}
	t := notificationTexts[lang]
	if author == "" {
		author = t[2]
	}
	unsub := UnsubscribeURL(base, token)
	return mail.Message{
		Subject: fmt.Sprintf(t[0], author, g.Name),
		Text:    fmt.Sprintf(t[1], author, g.Name, GroupURL(base, lang, g.ID), unsub),
		Kind:    "post-notification",
		Headers: mail.OneClick(unsub),
	}
}
