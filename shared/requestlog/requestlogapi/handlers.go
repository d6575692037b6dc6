// Package requestlogapi serves the admin's view of the request log and the evidence
// log: anonymous daily statistics, raw records (security mode only) and sign-in
// evidence, every read of personal data audited.
package requestlogapi

import (
	"context"
	"net/http"
	"time"

	"kontor/shared/access"
	"kontor/shared/evidence"
	"kontor/shared/httpapi"
	"kontor/shared/ids"
	"kontor/shared/privacy"
	"kontor/shared/privacy/privacydb"
	"kontor/shared/problem"
	"kontor/shared/requestlog"
	"kontor/shared/requestlog/requestlogdb"
)

// Handlers serves the routes.
type Handlers struct {
	Agg      *requestlogdb.Aggregator
	Evidence *evidence.Log
	Audit    *privacydb.Store
	Now      func() time.Time
}

func parseDay(s, field string) (time.Time, error) {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		return time.Time{}, problem.Invalid(problem.FieldError{Field: field, Code: problem.FieldInvalidValue})
	}
	return d, nil
}

// Stats is the answer of GET /v1/admin/stats.
type Stats struct {
	Mode string                `json:"mode"`
	Days []requestlog.DayStats `json:"days"`
}

// GetStats serves GET /v1/admin/stats?from=YYYY-MM-DD&to=YYYY-MM-DD (at most 92 days;
// default: today).
func (h Handlers) GetStats(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	q := r.Event.QueryStringParameters
	today := h.Now().UTC().Truncate(24 * time.Hour)
	from, to := today, today
	var err error
	if v := q["from"]; v != "" {
		if from, err = parseDay(v, "from"); err != nil {
			return httpapi.Response{}, err
		}
	}
	if v := q["to"]; v != "" {
		if to, err = parseDay(v, "to"); err != nil {
			return httpapi.Response{}, err
		}
	}
	if to.Before(from) || to.Sub(from) > (requestlog.MaxStatsDays-1)*24*time.Hour {
		return httpapi.Response{}, problem.Invalid(problem.FieldError{Field: "to", Code: problem.FieldInvalidValue})
	}
	days, err := h.Agg.Stats(ctx, from, to)
	if err != nil {
		return httpapi.Response{}, err
	}
	mode := h.Agg.Mode
	if mode == "" {
		mode = requestlog.ModeAggregate
	}
	return httpapi.JSON(http.StatusOK, Stats{Mode: mode, Days: days}), nil
}

// RawRecords is the answer of GET /v1/admin/request-logs.
type RawRecords struct {
	Day     string           `json:"day"`
	Records []requestlog.Raw `json:"records"`
}

// GetRawRecords serves GET /v1/admin/request-logs?day=YYYY-MM-DD: in security mode
// only (HKC-12), every read audited; in the other modes raw records are not kept for
// reading and the route answers 404.
func (h Handlers) GetRawRecords(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	if h.Agg.Mode != requestlog.ModeSecurity {
		return httpapi.Response{}, problem.New(http.StatusNotFound, problem.CodeNotFound)
	}
	d, err := parseDay(r.Event.QueryStringParameters["day"], "day")
	if err != nil {
		return httpapi.Response{}, err
	}
	if err := h.Audit.Audit(ctx, privacy.AuditEntry{At: h.Now(), Action: "requestlog.read", Actor: r.Principal.AccountID, Subject: "day:" + requestlog.Day(d)}); err != nil {
		return httpapi.Response{}, err
	}
	recs, err := h.Agg.RawRecords(ctx, requestlog.Day(d))
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, RawRecords{Day: requestlog.Day(d), Records: recs}), nil
}

// EvidenceList is the answer of GET /v1/admin/evidence/{accountId}.
type EvidenceList struct {
	AccountID string            `json:"accountId"`
	Records   []evidence.Record `json:"records"`
}

// GetEvidence serves GET /v1/admin/evidence/{accountId} (HGK-12); every read is
// audited before anything is shown.
func (h Handlers) GetEvidence(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	id := r.Event.PathParameters["accountId"]
	if !ids.ValidV7(id) {
		return httpapi.Response{}, problem.New(http.StatusNotFound, problem.CodeNotFound)
	}
	if err := h.Audit.Audit(ctx, privacy.AuditEntry{At: h.Now(), Action: "evidence.read", Actor: r.Principal.AccountID, Subject: id}); err != nil {
		return httpapi.Response{}, err
	}
	recs, err := h.Evidence.For(ctx, id, h.Now())
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, EvidenceList{AccountID: id, Records: recs}), nil
}

// Routes are served by the stats function (admin role).
func (h Handlers) Routes() map[string]httpapi.Route {
	return map[string]httpapi.Route{
		"GET /v1/admin/stats":                {Handler: h.GetStats, Access: httpapi.Signed, Role: access.RoleAdmin},
		"GET /v1/admin/request-logs":         {Handler: h.GetRawRecords, Access: httpapi.Signed, Role: access.RoleAdmin},
		"GET /v1/admin/evidence/{accountId}": {Handler: h.GetEvidence, Access: httpapi.Signed, Role: access.RoleAdmin},
	}
}
