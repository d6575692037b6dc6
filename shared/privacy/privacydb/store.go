// Package privacydb stores the privacy module's own records in the privacy table:
// the consent ledger, restriction and objection flags, legal holds, erasure jobs,
// the admin audit log and the sweeper's receipts. Their TTL is DynamoDB's backstop
// only: reads return what is stored (but AuditFor, which leaves out a person's
// entries past the retention), and SweepExpired deletes what is past it.
package privacydb

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/dynamo"
	"kontor/shared/env"
	"kontor/shared/privacy"
)

// Store is the privacy table.
type Store struct {
	DB    dynamo.DB
	Table string
}

// Key layout.
const (
	subjectPrefix = "SUBJECT#"
	holdsPK       = "HOLDS"
	jobsPK        = "ERASURE"
	auditPrefix   = "AUDIT#"   // AUDIT#<yyyy-mm>: every entry of a month, for the admins' log
	auditOfPrefix = "AUDITOF#" // AUDITOF#<accountId>: a copy of each entry naming the person
	receiptPrefix = "RECEIPT#"
	restrictedPK  = "RESTRICTED"
)

func (st *Store) table() dynamo.Table { return dynamo.Table{DB: st.DB, Name: st.Table} }

// put writes v under pk and sk; a failed condition is privacy.ErrConflict.
func (st *Store) put(ctx context.Context, pk, sk string, v any, ttl time.Time, cond dynamo.Cond) error {
	err := st.table().Put(ctx, dynamo.Key(pk, sk), v, ttl, cond)
	if errors.Is(err, dynamo.ErrConflict) {
		return privacy.ErrConflict
	}
	return err
}

// get reads pk and sk into out, whatever its TTL; privacy.ErrNotFound when absent.
func (st *Store) get(ctx context.Context, pk, sk string, out any) error {
	err := st.table().Get(ctx, dynamo.Key(pk, sk), out, dynamo.IgnoreTTL)
	if errors.Is(err, dynamo.ErrNotFound) {
		return privacy.ErrNotFound
	}
	return err
}

func (st *Store) del(ctx context.Context, pk, sk string) error {
	return st.table().Delete(ctx, dynamo.Key(pk, sk))
}

// query returns every item of partition pk whose sort key starts with prefix,
// whatever its TTL.
func (st *Store) query(ctx context.Context, pk, prefix string, out any) error {
	return st.table().QueryAll(ctx, pk, prefix, dynamo.IgnoreTTL, out)
}

// SetConsent stores the current state of a consent and appends the event to the history.
// The history entry is written first: a change cut off half way leaves an entry
// for a change that a retry then completes, never a change without its entry.
func (st *Store) SetConsent(ctx context.Context, accountID string, c privacy.ConsentState, ev privacy.ConsentEvent) error {
	if err := st.put(ctx, subjectPrefix+accountID, "CONSENTLOG#"+ev.At.UTC().Format(time.RFC3339Nano)+"#"+ev.Purpose, ev, time.Time{}, dynamo.Cond{}); err != nil {
		return err
	}
	return st.put(ctx, subjectPrefix+accountID, "CONSENT#"+c.Purpose, c, time.Time{}, dynamo.Cond{})
}

// Consents returns the subject's current consents.
func (st *Store) Consents(ctx context.Context, accountID string) ([]privacy.ConsentState, error) {
	var out []privacy.ConsentState
	return out, st.query(ctx, subjectPrefix+accountID, "CONSENT#", &out)
}

// ConsentHistory returns the subject's consent events, oldest first.
func (st *Store) ConsentHistory(ctx context.Context, accountID string) ([]privacy.ConsentEvent, error) {
	var out []privacy.ConsentEvent
	return out, st.query(ctx, subjectPrefix+accountID, "CONSENTLOG#", &out)
}

// SetFlag sets a restriction or objection flag; setting it again keeps the first
// date. Restricted subjects are also listed in one partition for the sweep.
func (st *Store) SetFlag(ctx context.Context, accountID string, f privacy.Flag) error {
	if f.Kind == privacy.FlagRestriction {
		if err := st.put(ctx, restrictedPK, accountID, map[string]string{"accountId": accountID}, time.Time{}, dynamo.Cond{}); err != nil {
			return err
		}
	}
	err := st.put(ctx, subjectPrefix+accountID, "FLAG#"+f.Kind, f, time.Time{}, dynamo.NotExists)
	if errors.Is(err, privacy.ErrConflict) {
		return nil
	}
	return err
}

// ClearFlag lifts a flag.
func (st *Store) ClearFlag(ctx context.Context, accountID, kind string) error {
	if err := st.del(ctx, subjectPrefix+accountID, "FLAG#"+kind); err != nil {
		return err
	}
	if kind == privacy.FlagRestriction {
		return st.del(ctx, restrictedPK, accountID)
	}
	return nil
}

// Restricted lists the subjects whose processing is restricted.
func (st *Store) Restricted(ctx context.Context) ([]string, error) {
	var items []struct {
		AccountID string `dynamodbav:"accountId"`
	}
	if err := st.query(ctx, restrictedPK, "", &items); err != nil {
		return nil, err
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, it.AccountID)
	}
	return out, nil
}

// Flags returns the subject's flags.
func (st *Store) Flags(ctx context.Context, accountID string) ([]privacy.Flag, error) {
	var out []privacy.Flag
	return out, st.query(ctx, subjectPrefix+accountID, "FLAG#", &out)
}

// Standing returns the consents the subject has given and whether they restricted
// processing: what a route's gate checks (httpapi.Ledger).
func (st *Store) Standing(ctx context.Context, accountID string) (map[string]string, bool, error) {
	cs, err := st.Consents(ctx, accountID)
	if err != nil {
		return nil, false, err
	}
	granted := map[string]string{}
	for _, c := range cs {
		if c.Granted {
			granted[c.Purpose] = c.TextVersion
		}
	}
	restricted, err := st.IsRestricted(ctx, accountID)
	return granted, restricted, err
}

// IsRestricted reports whether the subject restricted the processing of their
// data (Art. 18).
func (st *Store) IsRestricted(ctx context.Context, accountID string) (bool, error) {
	flags, err := st.Flags(ctx, accountID)
	if err != nil {
		return false, err
	}
	for _, f := range flags {
		if f.Kind == privacy.FlagRestriction {
			return true, nil
		}
	}
	return false, nil
}

// DeleteSubject deletes every record kept under the subject: consents, history, flags.
func (st *Store) DeleteSubject(ctx context.Context, accountID string) error {
	var items []struct {
		SK string `dynamodbav:"sk"`
	}
	if err := st.query(ctx, subjectPrefix+accountID, "", &items); err != nil {
		return err
	}
	for _, it := range items {
		if err := st.del(ctx, subjectPrefix+accountID, it.SK); err != nil {
			return err
		}
	}
	return st.del(ctx, restrictedPK, accountID)
}

// PlaceHold stores a hold; privacy.ErrConflict if the subject is held already.
func (st *Store) PlaceHold(ctx context.Context, h privacy.Hold) error {
	return st.put(ctx, holdsPK, h.AccountID, h, time.Time{}, dynamo.NotExists)
}

// LiftHold removes a hold; privacy.ErrNotFound if there was none.
func (st *Store) LiftHold(ctx context.Context, accountID string) error {
	var h privacy.Hold
	if err := st.get(ctx, holdsPK, accountID, &h); err != nil {
		return err
	}
	return st.del(ctx, holdsPK, accountID)
}

// Hold returns the subject's hold, or privacy.ErrNotFound.
func (st *Store) Hold(ctx context.Context, accountID string) (privacy.Hold, error) {
	var h privacy.Hold
	return h, st.get(ctx, holdsPK, accountID, &h)
}

// Holds lists every active hold.
func (st *Store) Holds(ctx context.Context) ([]privacy.Hold, error) {
	var out []privacy.Hold
	return out, st.query(ctx, holdsPK, "", &out)
}

// PutJob creates an erasure job unless one exists, and returns the job in force.
func (st *Store) PutJob(ctx context.Context, j privacy.ErasureJob) (privacy.ErasureJob, error) {
	err := st.put(ctx, jobsPK, j.AccountID, j, j.RequestedAt.Add(privacy.JobRetention), dynamo.NotExists)
	if errors.Is(err, privacy.ErrConflict) {
		return st.Job(ctx, j.AccountID)
	}
	return j, err
}

// Job returns an erasure job, or privacy.ErrNotFound.
func (st *Store) Job(ctx context.Context, accountID string) (privacy.ErasureJob, error) {
	var j privacy.ErasureJob
	return j, st.get(ctx, jobsPK, accountID, &j)
}

// SaveJob records progress if nobody else did meanwhile (privacy.ErrConflict
// otherwise).
func (st *Store) SaveJob(ctx context.Context, j privacy.ErasureJob) (privacy.ErasureJob, error) {
	prev := j.Version
	j.Version++
	err := st.put(ctx, jobsPK, j.AccountID, j, j.RequestedAt.Add(privacy.JobRetention),
		dynamo.Cond{Expr: "version = :v", Values: dynamo.Item{":v": dynamo.N(prev)}})
	return j, err
}

// Jobs lists erasure jobs.
func (st *Store) Jobs(ctx context.Context) ([]privacy.ErasureJob, error) {
	var out []privacy.ErasureJob
	return out, st.query(ctx, jobsPK, "", &out)
}

// Audit appends an admin action to the audit log: the entry under its month, and in
// the same transaction a copy under each person it names (subject and actor), which
// is what AuditFor reads. Every key follows from the entry, so a retried write
// overwrites what an earlier attempt wrote and never adds a second copy.
func (st *Store) Audit(ctx context.Context, e privacy.AuditEntry) error {
	at := e.At.UTC().Format(time.RFC3339Nano)
	ttl := e.At.Add(privacy.AuditRetention)
	ws := []dynamo.Write{{Key: dynamo.Key(auditPrefix+e.At.UTC().Format("2006-01"), at+"#"+e.Subject), V: monthEntry{AuditEntry: e, Copied: true}, Expires: ttl}}
	copySK := at + "#" + e.Action + "#" + e.Actor + "#" + e.Subject
	for _, id := range named(e) {
		ws = append(ws, dynamo.Write{Key: dynamo.Key(auditOfPrefix+id, copySK), V: e, Expires: ttl})
	}
	return st.table().Transact(ctx, ws...)
}

// named returns the persons an entry names, each once: its subject and its actor.
func named(e privacy.AuditEntry) []string {
	var out []string
	if e.Subject != "" {
		out = append(out, e.Subject)
	}
	if e.Actor != "" && e.Actor != e.Subject {
		out = append(out, e.Actor)
	}
	return out
}

// monthEntry is an audit entry as stored under its month. Copied marks an entry
// whose per-person copies exist; the sweep writes them for entries stored before
// there were copies.
type monthEntry struct {
	privacy.AuditEntry
	Copied bool `dynamodbav:"copied,omitempty"`
}

// AuditLog returns the audit entries of a month (yyyy-mm).
func (st *Store) AuditLog(ctx context.Context, month string) ([]privacy.AuditEntry, error) {
	var out []privacy.AuditEntry
	return out, st.query(ctx, auditPrefix+month, "", &out)
}

// PutReceipt stores a sweep receipt.
func (st *Store) PutReceipt(ctx context.Context, r privacy.Receipt) error {
	return st.put(ctx, receiptPrefix+r.At.UTC().Format("2006-01-02"), r.At.UTC().Format(time.RFC3339Nano), r, r.At.Add(privacy.ReceiptRetention), dynamo.Cond{})
}

// Receipts returns the receipts of a day (yyyy-mm-dd).
func (st *Store) Receipts(ctx context.Context, day string) ([]privacy.Receipt, error) {
	var out []privacy.Receipt
	return out, st.query(ctx, receiptPrefix+day, "", &out)
}

// AuditFor returns the audit entries that name a person as subject or actor, newest
// first, over the audit retention (an entry past it is skipped even before the sweep
// deletes it). It reads only the person's copies, under AUDITOF#<accountId>.
func (st *Store) AuditFor(ctx context.Context, accountID string, now time.Time) ([]privacy.AuditEntry, error) {
	out := []privacy.AuditEntry{}
	if err := st.table().QueryAll(ctx, auditOfPrefix+accountID, "", now, &out); err != nil {
		return nil, err
	}
	// The sort keys begin with the time in RFC 3339, whose trimmed fraction orders a
	// whole second after its fractions; the entries' own times order them exactly.
	slices.SortStableFunc(out, func(a, b privacy.AuditEntry) int { return b.At.Compare(a.At) })
	return out, nil
}

// SweepExpired deletes the privacy table's records past their TTL (erasure jobs,
// audit entries, receipts) and counts them by kind: an audit entry once, under its
// month; its per-person copies go with it uncounted. It also gives each audit entry
// stored before there were per-person copies its copies (Audit again, same keys).
func (st *Store) SweepExpired(ctx context.Context, now time.Time) (map[string]int, error) {
	counts := map[string]int{}
	expired := dynamo.ExpiredAt(now)
	filter := dynamo.Cond{
		Expr:   "(" + expired.Expr + ") OR (begins_with(#pk, :audit) AND attribute_not_exists(copied))",
		Names:  map[string]string{"#pk": dynamo.PK},
		Values: dynamo.Item{":audit": dynamo.S(auditPrefix)},
	}
	maps.Copy(filter.Names, expired.Names)
	maps.Copy(filter.Values, expired.Values)
	_, err := st.table().Sweep(ctx, dynamo.Sweep{Name: "expired"}, filter, func(it dynamo.Item) error {
		pk, sk := dynamo.String(it, dynamo.PK), dynamo.String(it, dynamo.SK)
		if !dynamo.Expired(it, now) {
			var e privacy.AuditEntry
			if err := dynamo.Unmarshal(it, &e); err != nil {
				return err
			}
			return st.Audit(ctx, e)
		}
		switch {
		case pk == jobsPK:
			counts["privacy.erasure"]++
		case strings.HasPrefix(pk, auditPrefix):
			counts["privacy.audit"]++
		case strings.HasPrefix(pk, auditOfPrefix):
			// A per-person copy: its entry counts under its month.
		default:
			counts["privacy.receipts"]++
		}
		return st.del(ctx, pk, sk)
	})
	return counts, err
}

// Record implements the identity module's Auditor on the audit log.
func (st *Store) Record(ctx context.Context, action, actor, subject, reason string) error {
	return st.Audit(ctx, privacy.AuditEntry{At: time.Now().UTC(), Action: action, Actor: actor, Subject: subject, Reason: reason})
}

// FromEnv returns the store on PRIVACY_TABLE.
func FromEnv(ctx context.Context) (*Store, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return nil, err
	}
	var r env.Reader
	st := &Store{DB: dynamodb.NewFromConfig(cfg), Table: r.String("PRIVACY_TABLE")}
	return st, r.Err()
}
