// Package requestlog keeps what browsers send automatically with every request
// (client IP, time, method and route, status, user agent, referrer) only as long as
// the deployment's mode allows, aggregates it into anonymous daily statistics, and
// deletes it (HGK-13, HGK-14, HKC-11, HKC-12, CP-2, H4U-1).
package requestlog

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"
)

// Modes: how long raw records live.
const (
	// ModeAggregate (default, HGK-14): aggregated within 24 hours, then deleted.
	ModeAggregate = "aggregate"
	// ModeSecurity (HKC-12): kept 60 days for security investigations, admin-only.
	ModeSecurity = "security"
	// ModeServerLog (H4U-1, CP-2): kept 12 months, never joined with other data.
	ModeServerLog = "server-log"
)

// Retention returns how long raw records live in a mode; an unknown mode is
// refused at start-up.
func Retention(mode string) (time.Duration, error) {
	switch mode {
	case ModeAggregate, "":
		return 24 * time.Hour, nil
	case ModeSecurity:
		return 60 * 24 * time.Hour, nil
	case ModeServerLog:
		return 365 * 24 * time.Hour, nil
	}
	return 0, fmt.Errorf("unknown request log mode %q", mode)
}

// Raw is one request's automatically transmitted data.
type Raw struct {
	At       time.Time `json:"at"`
	IP       string    `json:"ip"`
	Method   string    `json:"method"`
	Route    string    `json:"route"`
	Resource string    `json:"resource,omitempty"`
	Status   int       `json:"status"`
	UA       string    `json:"userAgent,omitempty"`
	Referrer string    `json:"referrer,omitempty"`
	ID       string    `json:"requestId"`
	Feature  string    `json:"feature,omitempty"`
}

// KeepsRaw reports whether a mode keeps raw records past their aggregation.
func KeepsRaw(mode string) bool { return mode != ModeAggregate && mode != "" }

// Recorder stores one raw record.
type Recorder interface {
	Record(ctx context.Context, raw Raw) error
}

// Day is the UTC date of t as stored.
func Day(t time.Time) string { return t.UTC().Format("2006-01-02") }

// StatusClass names an HTTP status by its class ("2xx").
func StatusClass(status int) string { return strconv.Itoa(status/100) + "xx" }

// CloseGrace is how long after midnight a day stays open, so a request of the day's
// last moments is captured before the day's totals are fixed.
const CloseGrace = 10 * time.Minute

// Visitor is a day-scoped pseudonym of a client: HMAC of IP and user agent with the
// day's random salt. Once the salt is deleted, no one can link it to a client.
func Visitor(salt, ip, ua string) string {
	m := hmac.New(sha256.New, []byte(salt))
	m.Write([]byte(ip + "|" + ua))
	return hex.EncodeToString(m.Sum(nil))[:32]
}

// Report counts what one aggregation run did; no personal data.
type Report struct {
	Counted      int `json:"counted"`
	Deleted      int `json:"deleted"`
	DaysClosed   int `json:"daysClosed"`
	SaltsDeleted int `json:"saltsDeleted"`
	// Late counts records counted after their day had closed (added to its totals).
	Late int `json:"late"`
}
