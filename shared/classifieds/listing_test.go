package classifieds

import (
	"testing"
	"time"

	"kontor/shared/problem"
)

func valid(now time.Time) Input {
	d := func(n int) string { return now.AddDate(0, 0, n).Format(dateLayout) }
	return Input{Kind: KindOffer, Area: "baltic", BoatType: "catamaran", From: d(1), To: d(3), Title: " Törn ", Text: "Koje frei", ExpiresOn: d(0)}
}

func TestValidateExpiresAtMidnightAfterTheLastDay(t *testing.T) {
	now := time.Date(2027, 3, 10, 23, 59, 0, 0, time.UTC)
	in, exp, err := valid(now).Validate(now, 90)
	if err != nil || in.Title != "Törn" || !exp.Equal(time.Date(2027, 3, 11, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("%+v %v %v", in, exp, err)
	}
	l := Listing{Status: StatusPublished, ExpiresAt: exp, PublishedAt: &now}
	if !l.Public(exp.Add(-time.Nanosecond)) || l.Public(exp) || !l.Template(exp) {
		t.Fatal("not public exactly from ExpiresAt on")
	}
}

func TestValidateRefusesMarkupAndBadDates(t *testing.T) {
	now := time.Date(2027, 3, 10, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		change func(*Input)
		field  string
		code   problem.Code
	}{
		{func(in *Input) { in.Text = "<img src=x onerror=alert(1)>" }, "text", CodeMarkup},
		{func(in *Input) { in.Text = "<!-- x -->" }, "text", CodeMarkup},
		{func(in *Input) { in.Title = "</title>" }, "title", CodeMarkup},
		{func(in *Input) { in.Text = "JavaScript :alert(1)" }, "text", CodeMarkup},
		{func(in *Input) { in.Title = "a\nb" }, "title", problem.FieldControlChars},
		{func(in *Input) { in.From = "2027-03-09" }, "from", CodeDateInPast},
		{func(in *Input) { in.ExpiresOn = "2027-06-08" }, "expiresOn", CodeDateTooFar},
		{func(in *Input) { in.To = "2027-03-10" }, "to", CodeDateOrder},
		{func(in *Input) { in.Kind = "sale" }, "kind", problem.FieldInvalidValue},
	} {
		in := valid(now)
		c.change(&in)
		_, _, err := in.Validate(now, 90)
		p, ok := problem.As(err)
		if !ok || len(p.Fields) != 1 || p.Fields[0].Field != c.field || p.Fields[0].Code != c.code {
			t.Errorf("%+v: %v", in, err)
		}
	}
	in := valid(now)
	in.Text = "Crew <3, Länge > 10 m\nab Kiel"
	in.ExpiresOn = "2027-06-07" // the 90th public day
	if _, _, err := in.Validate(now, 90); err != nil {
		t.Fatal(err)
	}
}

func TestWordsAndTerms(t *testing.T) {
	w := Words(Listing{Title: "Törn nach Bornholm", Text: "Bornholm, Ostsee! a"})
	if w != " bornholm nach ostsee törn " {
		t.Fatalf("%q", w)
	}
	if ts, ok := Terms("Ostsee Törn"); !ok || len(ts) != 2 || ts[1] != "törn" {
		t.Fatal(ts)
	}
	if _, ok := Terms("a b c d e f g h ij kl mn op qr st"); ok {
		t.Fatal("too many terms accepted")
	}
}
