package spam

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Labeled is a message whose class is known: training and measurement data.
type Labeled struct {
	Spam bool
	Lang string // "de", "en" or "" (corpus)
	Text string
	Meta Meta
	// Source names where it came from (a corpus group or "replies").
	Source string
}

// ReadLabeled reads the hand-written reply set: one message a line, "ham" or
// "spam", a tab, the language, a tab, the text with "\n" for a line break; lines
// starting with # and empty lines are comments.
func ReadLabeled(r io.Reader) ([]Labeled, error) {
	var out []Labeled
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		fields := strings.SplitN(text, "\t", 3)
		if len(fields) != 3 || (fields[0] != "ham" && fields[0] != "spam") || strings.TrimSpace(fields[2]) == "" {
			return nil, fmt.Errorf("line %d: want ham|spam TAB lang TAB text", line)
		}
		out = append(out, Labeled{
			Spam:   fields[0] == "spam",
			Lang:   fields[1],
			Text:   strings.ReplaceAll(fields[2], `\n`, "\n"),
			Source: "replies",
		})
	}
	return out, sc.Err()
}

// Tally is a confusion matrix over the three outcomes.
type Tally struct {
	// Ham and Spam count the messages of each true class by outcome.
	Ham, Spam map[Outcome]int
}

// NewTally returns an empty tally.
func NewTally() Tally {
	return Tally{Ham: map[Outcome]int{}, Spam: map[Outcome]int{}}
}

// Add counts one decision on a message of a known class.
func (t Tally) Add(isSpam bool, o Outcome) {
	if isSpam {
		t.Spam[o]++
	} else {
		t.Ham[o]++
	}
}

// Merge adds another tally's counts.
func (t Tally) Merge(o Tally) {
	for k, v := range o.Ham {
		t.Ham[k] += v
	}
	for k, v := range o.Spam {
		t.Spam[k] += v
	}
}

func total(m map[Outcome]int) int { return m[Ham] + m[Unsure] + m[Spam] }

// HamWithheld is the share of legitimate messages withheld (false positives).
func (t Tally) HamWithheld() float64 { return ratio(t.Ham[Spam], total(t.Ham)) }

// SpamWithheld is the share of spam withheld (the recall of the spam outcome).
func (t Tally) SpamWithheld() float64 { return ratio(t.Spam[Spam], total(t.Spam)) }

// Precision is the share of withheld messages that are spam.
func (t Tally) Precision() float64 { return ratio(t.Spam[Spam], t.Spam[Spam]+t.Ham[Spam]) }

// UnsureShare is the share of all messages judged unsure.
func (t Tally) UnsureShare() float64 {
	return ratio(t.Ham[Unsure]+t.Spam[Unsure], total(t.Ham)+total(t.Spam))
}

// SpamDelivered is the share of spam judged ham (delivered without doubt).
func (t Tally) SpamDelivered() float64 { return ratio(t.Spam[Ham], total(t.Spam)) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Matrix renders the confusion matrix and the figures derived from it.
func (t Tally) Matrix() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-12s %8s %8s %8s %8s\n", "true \\ out", "ham", "unsure", "spam", "total")
	fmt.Fprintf(&b, "%-12s %8d %8d %8d %8d\n", "ham", t.Ham[Ham], t.Ham[Unsure], t.Ham[Spam], total(t.Ham))
	fmt.Fprintf(&b, "%-12s %8d %8d %8d %8d\n", "spam", t.Spam[Ham], t.Spam[Unsure], t.Spam[Spam], total(t.Spam))
	fmt.Fprintf(&b, "legitimate withheld %.2f %% (target <= 0.2 %%), spam withheld %.2f %% (recall, target >= 85 %%), precision %.2f %%, unsure %.2f %%, spam judged ham %.2f %%\n",
		100*t.HamWithheld(), 100*t.SpamWithheld(), 100*t.Precision(), 100*t.UnsureShare(), 100*t.SpamDelivered())
	return b.String()
}

// MeetsTargets says whether legitimate messages withheld are at most 0.2 % and spam
// withheld at least 85 % (HGK-10's figures).
func (t Tally) MeetsTargets() bool {
	return t.HamWithheld() <= 0.002 && t.SpamWithheld() >= 0.85
}
