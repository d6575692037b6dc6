package privacy

import (
	"errors"
	"time"
)

// The privacy module's own records: the consent ledger, restriction and objection
// flags, legal holds, erasure jobs, the admin audit log and the sweeper's receipts.

// Errors of the privacy module's records.
var (
	// ErrNotFound is a missing record.
	ErrNotFound = errors.New("privacy: not found")
	// ErrConflict is a conditional write that lost a race.
	ErrConflict = errors.New("privacy: changed concurrently")
)

// ConsentState is the current state of one consent of a subject.
type ConsentState struct {
	Purpose     string     `dynamodbav:"purpose" json:"purpose"`
	Granted     bool       `dynamodbav:"granted" json:"granted"`
	TextVersion string     `dynamodbav:"textVersion" json:"textVersion"`
	GrantedAt   *time.Time `dynamodbav:"grantedAt,omitempty" json:"grantedAt,omitempty"`
	WithdrawnAt *time.Time `dynamodbav:"withdrawnAt,omitempty" json:"withdrawnAt,omitempty"`
}

// ConsentEvent is one entry of the consent history.
type ConsentEvent struct {
	Purpose     string    `dynamodbav:"purpose" json:"purpose"`
	Action      string    `dynamodbav:"action" json:"action"` // granted | withdrawn
	TextVersion string    `dynamodbav:"textVersion" json:"textVersion"`
	At          time.Time `dynamodbav:"at" json:"at"`
}

// Flag is a restriction (Art. 18) or an objection (Art. 21).
type Flag struct {
	Kind  string    `dynamodbav:"kind" json:"kind"` // restriction | objection-marketing | objection-all
	Since time.Time `dynamodbav:"since" json:"since"`
}

// Flag kinds.
const (
	FlagRestriction     = "restriction"
	FlagObjectMarketing = "objection-marketing"
	FlagObjectAll       = "objection-all"
)

// Hold is a legal hold on a subject's data.
type Hold struct {
	AccountID string    `dynamodbav:"accountId" json:"accountId"`
	Reason    string    `dynamodbav:"reason" json:"reason"`
	PlacedBy  string    `dynamodbav:"placedBy" json:"placedBy"`
	PlacedAt  time.Time `dynamodbav:"placedAt" json:"placedAt"`
	// NoticeID is the id of the mail that tells the person, so that placing the
	// same hold again queues no second notice.
	NoticeID string `dynamodbav:"noticeId,omitempty" json:"-"`
}

// ErasureJob is an erasure job; Done lists the modules already erased.
type ErasureJob struct {
	AccountID   string    `dynamodbav:"accountId" json:"accountId"`
	Email       string    `dynamodbav:"email,omitempty" json:"-"`
	Reason      string    `dynamodbav:"reason" json:"reason"` // deactivation | objection
	Status      string    `dynamodbav:"status" json:"status"` // running | held | done
	Done        []string  `dynamodbav:"done,stringset,omitempty" json:"done"`
	RequestedAt time.Time `dynamodbav:"requestedAt" json:"requestedAt"`
	UpdatedAt   time.Time `dynamodbav:"updatedAt" json:"updatedAt"`
	Version     int64     `dynamodbav:"version" json:"-"`
	// Kept counts, per kind, the records kept after the erasure under a legal
	// retention duty (privacy.Keeper): the receipt says so (HGK-16).
	Kept map[string]int `dynamodbav:"kept,omitempty" json:"kept,omitempty"`
}

// AuditEntry records an admin action: ids and reasons only.
type AuditEntry struct {
	At      time.Time `dynamodbav:"at" json:"at"`
	Action  string    `dynamodbav:"action" json:"action"`
	Actor   string    `dynamodbav:"actor" json:"actor"`
	Subject string    `dynamodbav:"subject" json:"subject"`
	Reason  string    `dynamodbav:"reason,omitempty" json:"reason,omitempty"`
}

// Receipt is what one sweep did: counts per kind, no personal data.
type Receipt struct {
	At      time.Time      `dynamodbav:"at" json:"at"`
	Counts  map[string]int `dynamodbav:"counts" json:"counts"`
	Resumed int            `dynamodbav:"resumed" json:"resumedErasures"`
	Skipped int            `dynamodbav:"skippedHeld" json:"skippedHeld"`
}

// Retention of what the privacy module keeps about the privacy process itself.
const (
	JobRetention     = 90 * 24 * time.Hour      // proof that an erasure happened (account id only)
	AuditRetention   = 3 * 365 * 24 * time.Hour // admin actions
	ReceiptRetention = 90 * 24 * time.Hour
)
