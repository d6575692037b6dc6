package bench

import (
	"sort"
	"time"
)

// Latency summarises one series of request latencies.
type Latency struct {
	Requests int           `json:"requests"`
	Errors   int           `json:"errors"`
	P50      time.Duration `json:"p50Ns"`
	P95      time.Duration `json:"p95Ns"`
	P99      time.Duration `json:"p99Ns"`
	PerSec   float64       `json:"requestsPerSec"`
}

// summarize computes exact percentiles of ds over a run that took wall.
func summarize(ds []time.Duration, errors int, wall time.Duration) Latency {
	l := Latency{Requests: len(ds) + errors, Errors: errors}
	if wall > 0 {
		l.PerSec = float64(len(ds)+errors) / wall.Seconds()
	}
	if len(ds) == 0 {
		return l
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	at := func(q float64) time.Duration { return s[int(q*float64(len(s)-1)+0.5)] }
	l.P50, l.P95, l.P99 = at(0.50), at(0.95), at(0.99)
	return l
}

// Ms formats a duration in milliseconds.
func Ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
