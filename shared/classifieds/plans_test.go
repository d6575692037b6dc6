package classifieds

import (
	"testing"
	"time"
)

func TestParsePlansReadsTheParameterAndRefusesNonsense(t *testing.T) {
	ps, err := ParsePlans(DefaultPlans)
	if err != nil || len(ps) != 2 || ps[0] != (Plan{ID: "flat-3m", Months: 3, AmountCents: 1900, Currency: "EUR",
		NameDE: "Flatrate für Kojenangebote, 3 Monate", NameEN: "Flat rate for berth offers, 3 months"}) || ps[1].Months != 12 {
		t.Fatalf("%+v %v", ps, err)
	}
	for _, bad := range []string{"", "a:3", "a:0:100", "a:25:100", "a:3:0", "a:3:1000001", "A:3:100", "a:3:100,a:6:200", "a:x:100"} {
		if _, err := ParsePlans(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestExtendStartsTodayOrAfterAValidPlan(t *testing.T) {
	now := time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC)
	// 30 November + 3 months is 2 March: time.AddDate normalises 30 February.
	for _, c := range []struct{ current, from, until string }{
		{"", "2026-11-30", "2027-03-02"},
		{"2026-01-01", "2026-11-30", "2027-03-02"}, // expired: from today
		{"2026-11-30", "2026-12-01", "2027-03-02"}, // valid today: from tomorrow
		{"2027-01-15", "2027-01-16", "2027-04-15"},
		{"garbage", "2026-11-30", "2027-03-02"},
	} {
		if from, until := Extend(c.current, 3, now); from != c.from || until != c.until {
			t.Errorf("Extend(%q) = %s..%s, want %s..%s", c.current, from, until, c.from, c.until)
		}
	}
}

func TestPlanValidIncludesItsLastDay(t *testing.T) {
	now := time.Date(2026, 11, 30, 23, 59, 0, 0, time.UTC)
	if !PlanValid("2026-11-30", now) || PlanValid("2026-11-29", now) || PlanValid("", now) || !PlanValid("2027-01-01", now) {
		t.Fatal("validity")
	}
}

func TestOrderViewShowsExpiryAndHidesTheCheckout(t *testing.T) {
	now := time.Now()
	o := Order{Status: OrderOpen, ExpiresAt: now.Add(-time.Second), CheckoutURL: "https://x"}
	if v := o.View(now); v.Status != OrderExpired || v.CheckoutURL != "" {
		t.Fatalf("%+v", v)
	}
	o.ExpiresAt = now.Add(time.Minute)
	if v := o.View(now); v.Status != OrderOpen || v.CheckoutURL == "" {
		t.Fatalf("%+v", v)
	}
	o.Status = OrderPaid
	if v := o.View(now); v.CheckoutURL != "" {
		t.Fatalf("%+v", v)
	}
}
