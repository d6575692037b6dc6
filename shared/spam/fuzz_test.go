package spam

import (
	"math"
	"slices"
	"testing"
)

// Replies come from anyone: no text or sender makes the filter panic or give a score
// outside [0, 1], the outcome always follows the score and the thresholds, and every
// clue named is a token of the reply.
func FuzzClassify(f *testing.F) {
	f.Add("Hallo, ist die Koje im Juli noch frei?", "Jana", "jana@example.de")
	f.Add("Bcc: a@b.c\nSubject: WIN $5,000!!! http://x.top/a http://1.2.3.4:80/@b", "", "x1@y")
	f.Add("\xff\xfe ÄÖÜß www. http:// @@ 0x52908400098527886E0F7030069857D2E4169EE7", "ß", "@")
	filter, err := Shipped(DefaultThresholds)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text, name, email string) {
		meta := Meta{Name: name, Email: email}
		d := filter.Classify(text, meta)
		if math.IsNaN(d.Score) || d.Score < 0 || d.Score > 1 {
			t.Fatalf("score %v", d.Score)
		}
		want := Unsure
		if d.Score < DefaultThresholds.Ham {
			want = Ham
		} else if d.Score > DefaultThresholds.Spam {
			want = Spam
		}
		if d.Outcome != want || len(d.Features) > topFeatures {
			t.Fatalf("decision %+v", d)
		}
		tokens := Tokenize(text, meta)
		for _, c := range d.Features {
			if !slices.Contains(tokens, c.Token) {
				t.Fatalf("clue %q is no token of the reply", c.Token)
			}
		}
	})
}
