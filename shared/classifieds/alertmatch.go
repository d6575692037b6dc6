package classifieds

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"kontor/shared/ids"
	"kontor/shared/mail"
	"kontor/shared/privacy"
)

// Matching new listings against the active alerts (HGK-2, HGK-3,
// docs/classifieds.md "Alert matching and delivery"): each publication queues
// an AlertJob just before the listing is stored; AlertMatchFunction works the
// queue every minute, reads the four match partitions of the listing a page at
// a time and mails each instant alert that matches, or records the match for
// the daily digest.

// AlertJob is a published listing whose alerts are still to be matched. Step is
// the match partition being read (0 to 3, MatchKeys' order) and After where its
// reading stopped, so a run cut short goes on there.
type AlertJob struct {
	ListingID string    `dynamodbav:"listingId"`
	At        time.Time `dynamodbav:"at"`
	Step      int       `dynamodbav:"step"`
	After     string    `dynamodbav:"after,omitempty"`
}

// DigestEntry is a match of a daily alert, kept for the next digest.
type DigestEntry struct {
	AccountID string    `dynamodbav:"accountId" json:"-"`
	AlertID   string    `dynamodbav:"alertId" json:"alertId"`
	ListingID string    `dynamodbav:"listingId" json:"listingId"`
	At        time.Time `dynamodbav:"at" json:"at"`
}

// AlertDeliveryOf is what the delivery keeps of an account (export): the
// matches waiting for a digest and the alerts its one-click links end.
type AlertDeliveryOf struct {
	Digest []DigestEntry
	Links  []AlertLink
}

// AlertLink is a one-click link of an alert mail, as the export shows it.
type AlertLink struct {
	AlertID string    `dynamodbav:"alertId" json:"alertId"`
	Expires time.Time `dynamodbav:"-" json:"expires"`
}

// Lifetimes of what the delivery keeps.
const (
	// AlertLinkLife is how long the one-click link of an alert mail works.
	AlertLinkLife = 180 * 24 * time.Hour
	// DigestLife is how long a recorded match waits for its digest: a digest run
	// missed for longer mails those matches to no one.
	DigestLife = 3 * 24 * time.Hour
	// alertPage is how many candidates one step of the matching reads (the
	// store's largest page); the progress is saved after each.
	alertPage = 100
	// digestMax bounds the listings one digest names; the mail links to the
	// browse page for the rest.
	digestMax = 50
)

// AlertMatchStore keeps the queue of listings to match, reads the match index,
// and keeps the daily matches and the unsubscribe links' tokens (hashed).
type AlertMatchStore interface {
	// QueueAlertJob stores a job (again: harmless).
	QueueAlertJob(ctx context.Context, j AlertJob) error
	// AlertJobs lists the jobs not yet done.
	AlertJobs(ctx context.Context) ([]AlertJob, error)
	// AlertJob reads one job; ErrNotFound when it is done.
	AlertJob(ctx context.Context, listingID string) (AlertJob, error)
	// AlertProgress records where a job's matching is.
	AlertProgress(ctx context.Context, listingID string, step int, after string) error
	// FinishAlertJob removes a done job.
	FinishAlertJob(ctx context.Context, listingID string) error
	// AlertsByMatchKey reads a page of the active alerts of one match partition
	// after the cursor; the next cursor is "" at the end.
	AlertsByMatchKey(ctx context.Context, matchKey, cursor string, limit int) ([]Alert, string, error)
	// Alert reads an account's alert; ErrNoAlert without one.
	Alert(ctx context.Context, accountID, id string) (Alert, error)
	// DeleteAlert ends an account's alert; ErrNoAlert without one.
	DeleteAlert(ctx context.Context, accountID, id string) error
	// SaveAlertToken keeps an unsubscribe token's hash for the alert until expires.
	SaveAlertToken(ctx context.Context, hash, accountID, alertID string, expires time.Time) error
	// AlertToken reads what a token's hash unsubscribes; ErrNotFound without one.
	AlertToken(ctx context.Context, hash string) (accountID, alertID string, err error)
	// AddDigest records a daily alert's match until expires.
	AddDigest(ctx context.Context, e DigestEntry, expires time.Time) error
	// DigestAlerts reads a page of the alerts with matches recorded, each with its
	// matches; the next cursor is "" at the end.
	DigestAlerts(ctx context.Context, cursor string) ([][]DigestEntry, string, error)
	// RemoveDigest removes an alert's matches.
	RemoveDigest(ctx context.Context, es []DigestEntry) error
}

// AlertQueue is the Listings' hook into the matching: it queues each listing
// just before it is stored, so a request that stops between the two writes
// leaves a job without a listing (which mails no one), never a listing without
// a job (which would never be matched).
type AlertQueue struct {
	Store AlertMatchStore
}

// Published queues a listing about to be published.
func (q AlertQueue) Published(ctx context.Context, l Listing) error {
	return q.Store.QueueAlertJob(ctx, AlertJob{ListingID: l.ID, At: *l.PublishedAt})
}

// AlertDelivery matches new listings against the active alerts and mails the
// matches, at once or in the daily digest.
type AlertDelivery struct {
	Store    AlertMatchStore
	Listings ListingStore
	People   privacy.Resolver
	Outbox   Mailer
	BaseURL  string
	Now      func() time.Time
	Log      *slog.Logger
}

// StoreGrace is how long a queued listing that cannot be read yet is waited
// for: it is queued just before it is stored; one still missing after it was
// never stored.
const StoreGrace = 2 * time.Minute

// Run works through every queued listing and returns how many mails it queued
// and matches it recorded for digests.
func (d *AlertDelivery) Run(ctx context.Context) (int, error) {
	jobs, err := d.Store.AlertJobs(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, j := range jobs {
		c, err := d.Process(ctx, j.ListingID)
		n += c
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// Process matches one queued listing, a page of candidates at a time, saving
// its progress after each page, and ends the job. A job already done does
// nothing; a listing no longer public mails no one. Each mail's id is derived
// from listing and alert, so a page matched again queues nothing twice.
func (d *AlertDelivery) Process(ctx context.Context, listingID string) (int, error) {
	j, err := d.Store.AlertJob(ctx, listingID)
	if errors.Is(err, ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	l, err := d.Listings.Get(ctx, j.ListingID)
	if errors.Is(err, ErrNotFound) && d.Now().Sub(j.At) < StoreGrace {
		return 0, nil // queued before it is stored: the next run matches
	}
	if errors.Is(err, ErrNotFound) || (err == nil && !l.Public(d.Now())) {
		return 0, d.Store.FinishAlertJob(ctx, j.ListingID)
	}
	if err != nil {
		return 0, err
	}
	keys, n := ListingMatchKeys(l), 0
	for step, cursor := j.Step, j.After; step < len(keys); step, cursor = step+1, "" {
		for {
			cs, next, err := d.Store.AlertsByMatchKey(ctx, keys[step], cursor, alertPage)
			if err != nil {
				return n, err
			}
			for _, c := range cs {
				ok, err := d.deliver(ctx, l, c)
				if err != nil {
					return n, err
				}
				if ok {
					n++
				}
			}
			if next == "" {
				break
			}
			if err := d.Store.AlertProgress(ctx, j.ListingID, step, next); err != nil {
				return n, err
			}
			cursor = next
		}
		if step+1 < len(keys) {
			if err := d.Store.AlertProgress(ctx, j.ListingID, step+1, ""); err != nil {
				return n, err
			}
		}
	}
	return n, d.Store.FinishAlertJob(ctx, j.ListingID)
}

// deliver mails one matching instant alert, or records the match of a daily
// one. The advertiser's own alerts are not told of their own listing.
func (d *AlertDelivery) deliver(ctx context.Context, l Listing, c Alert) (bool, error) {
	if c.AccountID == l.AdvertiserID || !c.Criteria.Matches(l) {
		return false, nil
	}
	if c.Frequency == FrequencyDaily {
		e := DigestEntry{AccountID: c.AccountID, AlertID: c.ID, ListingID: l.ID, At: d.Now()}
		return true, d.Store.AddDigest(ctx, e, d.Now().Add(DigestLife))
	}
	return d.mail(ctx, c, AlertMailID(l.ID, c.ID), []Listing{l})
}

// mail queues one alert mail about the listings to the alert's account, in the
// alert's language (the account's when it has none), with a fresh one-click
// link; false when the account is gone. The address is asked of the identity
// module at sending, so a changed one is used at once and none is copied here.
func (d *AlertDelivery) mail(ctx context.Context, a Alert, id string, ls []Listing) (bool, error) {
	person, err := d.People.Person(ctx, a.AccountID)
	if errors.Is(err, privacy.ErrUnknownPerson) || (err == nil && person.Email == "") {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	token := ids.NewToken()
	if err := d.Store.SaveAlertToken(ctx, ids.Digest(token), a.AccountID, a.ID, d.Now().Add(AlertLinkLife)); err != nil {
		return false, err
	}
	lang := a.Language
	if lang == "" {
		lang = person.Language
	}
	m := AlertMail(lang, ls, d.BaseURL, token)
	m.ID, m.To = id, person.Email
	if err := d.Outbox.Deliver(ctx, m); err != nil {
		return false, err
	}
	if d.Log != nil {
		d.Log.InfoContext(ctx, "alert mail queued", slog.String("mailId", m.ID))
	}
	return true, nil
}

// Digest mails each daily alert its recorded matches that are still public, in
// one mail, and removes them. A run cut short goes on with what is left: the
// mail's id is derived from the alert and its listings, so a digest queued
// again before its matches were removed is not sent twice.
func (d *AlertDelivery) Digest(ctx context.Context) (int, error) {
	n, cursor := 0, ""
	for {
		groups, next, err := d.Store.DigestAlerts(ctx, cursor)
		if err != nil {
			return n, err
		}
		for _, es := range groups {
			ok, err := d.digestOne(ctx, es)
			if err != nil {
				return n, err
			}
			if ok {
				n++
			}
		}
		if next == "" {
			return n, nil
		}
		cursor = next
	}
}

// digestOne mails one alert's digest (when the alert is still active and one
// of its listings still public) and removes its matches.
func (d *AlertDelivery) digestOne(ctx context.Context, es []DigestEntry) (bool, error) {
	if len(es) == 0 {
		return false, nil
	}
	a, err := d.Store.Alert(ctx, es[0].AccountID, es[0].AlertID)
	if errors.Is(err, ErrNoAlert) {
		return false, d.Store.RemoveDigest(ctx, es) // ended since: mails no one
	}
	if err != nil {
		return false, err
	}
	var ls []Listing
	for _, e := range es {
		if !a.Active() || len(ls) == digestMax {
			break
		}
		l, err := d.Listings.Get(ctx, e.ListingID)
		if err == nil && l.Public(d.Now()) && l.AdvertiserID != e.AccountID {
			ls = append(ls, l)
		} else if err != nil && !errors.Is(err, ErrNotFound) {
			return false, err
		}
	}
	sent := false
	if len(ls) > 0 {
		seed := es[0].AlertID
		for _, e := range es {
			seed += ":" + e.ListingID
		}
		if sent, err = d.mail(ctx, a, mail.DerivedID("alert-digest:"+seed), ls); err != nil {
			return false, err
		}
	}
	return sent, d.Store.RemoveDigest(ctx, es)
}

// UnsubscribeAlert ends the alert a mailed link names. A token that is
// malformed, unknown, expired or already used changes nothing: the answer is the
// same, so the link can be followed any number of times.
func (d *AlertDelivery) UnsubscribeAlert(ctx context.Context, token string) error {
	if !ids.PlausibleToken(token) {
		return nil
	}
	accountID, alertID, err := d.Store.AlertToken(ctx, ids.Digest(token))
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := d.Store.DeleteAlert(ctx, accountID, alertID); err != nil && !errors.Is(err, ErrNoAlert) {
		return err
	}
	return nil
}

// AlertMailID is the id of the instant mail about a listing to one alert:
// derived from both, so that matching the listing again queues nothing twice.
func AlertMailID(listingID, alertID string) string {
	return mail.DerivedID("alert-match:" + listingID + ":" + alertID)
}

// Publications is what the Listings tell of each publication (AlertQueue).
type Publications interface {
	Published(ctx context.Context, l Listing) error
}
