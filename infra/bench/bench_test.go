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
