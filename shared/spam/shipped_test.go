package spam

import (
	"os"
	"strings"
	"testing"
)

// HGK-10: the shipped model, with the default thresholds, withholds at most 0.2 % of
// the hand-written legitimate replies (none of 70) and at least 85 % of the
// hand-written spam. The model learnt from this set too, so this is the floor it
// must keep (a retrained model or a tokenizer change that loses it fails here); the
// cross-validated figures, which score each reply by a model that did not learn it,
// are `make bench`'s.
func TestShippedModelMeetsTargetsOnHandWrittenReplies(t *testing.T) {
	f, err := os.Open("replies.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	set, err := ReadLabeled(f)
	if err != nil {
		t.Fatal(err)
	}
	filter, err := Shipped(DefaultThresholds)
	if err != nil {
		t.Fatal(err)
	}
	tally := NewTally()
	langs := map[string]int{}
	for _, m := range set {
		d := filter.Classify(m.Text, m.Meta)
		tally.Add(m.Spam, d.Outcome)
		langs[m.Lang]++
		if !m.Spam && d.Withheld() {
			t.Errorf("legitimate reply withheld (%.3f, %v): %q", d.Score, d.Features, m.Text)
		}
	}
	if tally.Ham[Ham]+tally.Ham[Unsure]+tally.Ham[Spam] < 60 || tally.Spam[Ham]+tally.Spam[Unsure]+tally.Spam[Spam] < 60 || langs["de"] < 30 || langs["en"] < 30 {
		t.Errorf("the set has too few replies: %+v, languages %v", tally, langs)
	}
	t.Logf("shipped model %s on the hand-written replies:\n%s", filter.Identity().Model, tally.Matrix())
	if !tally.MeetsTargets() {
		t.Errorf("targets missed:\n%s", tally.Matrix())
	}
}

func TestShippedIdentityAndClassify(t *testing.T) {
	f, err := Shipped(DefaultThresholds)
	if err != nil {
		t.Fatal(err)
	}
	id := f.Identity()
	if !strings.HasPrefix(id.Model, "chi2-") || id.Thresholds != DefaultThresholds || id.Tokens < 1000 || id.SpamTrained == 0 || id.HamTrained == 0 {
		t.Errorf("identity %+v", id)
	}
	if len(ShippedModelFile()) > 1<<20 {
		t.Errorf("shipped model %d bytes, want under 1 MiB", len(ShippedModelFile()))
	}
	d, err := Classify("Hallo, ist die Koje für den Törn nach Bornholm im Juli noch frei? Ich habe den SKS.", Meta{Name: "Jana", Email: "jana@example.de"})
	if err != nil {
		t.Fatal(err)
	}
	if d.Withheld() || d.Model != id.Model || d.Thresholds != DefaultThresholds {
		t.Errorf("decision %+v", d)
	}
	d, err = Classify("Bcc: all@example.com\nSubject: WIN\nEARN $5,000 A WEEK WITH BITCOIN!!! http://crypto-profit.top/join http://crypto-profit.top/win", Meta{})
	if err != nil {
		t.Fatal(err)
	}
	if !d.Withheld() || len(d.Features) == 0 {
		t.Errorf("decision %+v", d)
	}
}
