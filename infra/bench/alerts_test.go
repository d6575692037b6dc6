package bench

import "testing"

// The projection counts what the delivery does: a partition of fewer alerts than
// a page is one Query, and every listing has candidates and some matches in the
// spread the bench seeds.
func TestProjectAlerts(t *testing.T) {
	p := ProjectAlerts(2000, 3)
	if len(p.Listings) != 3 {
		t.Fatalf("listings %d", len(p.Listings))
	}
	for i, l := range p.Listings {
		if l.Candidates == 0 || l.Matched == 0 || l.Matched > l.Candidates || l.Requests < 5+4+3 {
			t.Errorf("listing %d: %+v", i, l)
		}
	}
}
