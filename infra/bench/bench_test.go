package bench

import (
	"testing"
	"time"
)

func TestQuantile(t *testing.T) {
	ds := []time.Duration{5, 1, 4, 2, 3}
	if quantile(ds, 0.5) != 3 || quantile(ds, 0.9) != 5 || quantile(ds, 0) != 1 {
		t.Fatal("quantile wrong")
	}
	if ds[0] != 5 {
		t.Fatal("quantile sorted its input in place")
	}
}

func TestSummarize(t *testing.T) {
	var ds []time.Duration
	for i := 1; i <= 100; i++ {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	l := summarize(ds, 5, 10*time.Second)
	if l.Requests != 105 || l.Errors != 5 || l.P50 != 51*time.Millisecond || l.P95 != 95*time.Millisecond || l.P99 != 99*time.Millisecond || l.PerSec != 10.5 {
		t.Fatalf("%+v", l)
	}
	if l := summarize(nil, 3, time.Second); l.Requests != 3 || l.P50 != 0 {
		t.Fatalf("%+v", l)
	}
}
