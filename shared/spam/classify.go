package spam

import (
	"bytes"
	_ "embed"
	"errors"
	"math"
	"slices"
	"sync"
)

// The constants of the token probabilities and of the clue selection, SpamBayes's
// defaults (its Options: unknown_word_strength, unknown_word_prob,
// minimum_prob_strength, max_discriminators).
const (
	// unknownStrength (Robinson's s) is how many messages' worth of weight the prior
	// unknownProb has against a token's own counts.
	unknownStrength = 0.45
	unknownProb     = 0.5
	// minStrength: a token whose probability is nearer 0.5 than this is no clue.
	minStrength = 0.1
	// maxClues: at most this many clues, the strongest, enter the score.
	maxClues = 150
	// topFeatures is how many clues a decision names to explain itself.
	topFeatures = 12
)

// Outcome is the filter's verdict.
type Outcome string

// The three outcomes: ham and unsure are delivered, only spam is withheld.
const (
	Ham    Outcome = "ham"
	Unsure Outcome = "unsure"
	Spam   Outcome = "spam"
)

// Thresholds are the cut-offs of the score: below Ham is ham, above Spam is spam
// (withheld), in between is unsure (delivered).
type Thresholds struct {
	Ham  float64 `json:"ham"`
	Spam float64 `json:"spam"`
}

// DefaultThresholds: SpamBayes's ham cut-off 0.20, and the spam cut-off chosen from
// the cross-validated scores (docs/spam.md): the lowest that keeps legitimate replies
// withheld well under 0.2 % while withholding at least 85 % of the hand-written spam.
var DefaultThresholds = Thresholds{Ham: 0.20, Spam: 0.85}

// Feature is one clue of a decision: a token and its spam probability.
type Feature struct {
	Token string  `json:"token"`
	Prob  float64 `json:"prob"`
}

// Decision is the filter's verdict on one reply with what explains it: the score,
// the strongest clues, and which model and thresholds judged.
type Decision struct {
	Outcome    Outcome    `json:"outcome"`
	Score      float64    `json:"score"`
	Features   []Feature  `json:"features"`
	Model      string     `json:"model"`
	Thresholds Thresholds `json:"thresholds"`
}

// Withheld says whether the reply is to be withheld (clear spam only).
func (d Decision) Withheld() bool { return d.Outcome == Spam }

// Identity is what the record of processing names: the model, what it was trained
// on, and the thresholds.
type Identity struct {
	Model       string     `json:"model"`
	Method      string     `json:"method"`
	SpamTrained int        `json:"spamTrained"`
	HamTrained  int        `json:"hamTrained"`
	Tokens      int        `json:"tokens"`
	Thresholds  Thresholds `json:"thresholds"`
}

// Filter classifies with one model and one pair of thresholds.
type Filter struct {
	model *Model
	th    Thresholds
}

// New returns a filter of a model and thresholds (0 <= Ham <= Spam <= 1).
func New(m *Model, th Thresholds) (*Filter, error) {
	if !(0 <= th.Ham && th.Ham <= th.Spam && th.Spam <= 1) {
		return nil, errors.New("spam: thresholds must satisfy 0 <= ham <= spam <= 1")
	}
	if m.Spam == 0 || m.Ham == 0 {
		return nil, errors.New("spam: model has no training")
	}
	// The probabilities are computed at each lookup (a few arithmetic operations)
	// rather than into a table here, which would add to every Lambda instance's start.
	return &Filter{model: m, th: th}, nil
}

//go:embed model.gz
var shippedModel []byte

// Shipped returns the filter of the model shipped in the package (trained by
// infra/cmd/kontor-spamtrain) with the given thresholds.
func Shipped(th Thresholds) (*Filter, error) {
	m, err := shippedOnce()
	if err != nil {
		return nil, err
	}
	return New(m, th)
}

var shippedOnce = sync.OnceValues(func() (*Model, error) {
	return ReadModel(bytes.NewReader(shippedModel))
})

var defaultFilter = sync.OnceValues(func() (*Filter, error) {
	return Shipped(DefaultThresholds)
})

// Classify judges a reply with the shipped model and the default thresholds.
func Classify(text string, meta Meta) (Decision, error) {
	f, err := defaultFilter()
	if err != nil {
		return Decision{}, err
	}
	return f.Classify(text, meta), nil
}

// Identity describes the filter for the record of processing.
func (f *Filter) Identity() Identity {
	return Identity{
		Model:       f.model.ID,
		Method:      "Bayesian token probabilities (Robinson), chi-squared combining (Fisher), as SpamBayes",
		SpamTrained: f.model.Spam,
		HamTrained:  f.model.Ham,
		Tokens:      len(f.model.Tokens),
		Thresholds:  f.th,
	}
}

// Classify judges a reply's text and sender.
func (f *Filter) Classify(text string, meta Meta) Decision {
	clues := f.clues(Tokenize(text, meta))
	probs := make([]float64, len(clues))
	for i, c := range clues {
		probs[i] = c.Prob
	}
	score := chiCombine(probs)
	d := Decision{Score: score, Model: f.model.ID, Thresholds: f.th, Outcome: Unsure}
	switch {
	case score < f.th.Ham:
		d.Outcome = Ham
	case score > f.th.Spam:
		d.Outcome = Spam
	}
	d.Features = clues[:min(len(clues), topFeatures)]
	return d
}

// clues are the tokens whose probability is at least minStrength from 0.5, the
// maxClues strongest, strongest first (ties in token order, so a decision is
// reproducible).
func (f *Filter) clues(tokens []string) []Feature {
	var clues []Feature
	for _, tok := range tokens {
		c, ok := f.model.Tokens[tok]
		if !ok {
			continue
		}
		p := f.model.probability(c)
		if isWeak(p) {
			continue
		}
		clues = append(clues, Feature{Token: tok, Prob: p})
	}
	slices.SortStableFunc(clues, func(a, b Feature) int {
		da, db := math.Abs(a.Prob-0.5), math.Abs(b.Prob-0.5)
		switch {
		case da > db:
			return -1
		case da < db:
			return 1
		}
		return 0
	})
	return clues[:min(len(clues), maxClues)]
}

// probability is Robinson's f(w): the share of spam among the messages holding the
// token, each class's count relative to its size (so the classes' sizes don't bias
// it), pulled towards unknownProb by unknownStrength when the token is rare.
func (m *Model) probability(c Counts) float64 {
	spamRatio := float64(c.Spam) / float64(max(m.Spam, 1))
	hamRatio := float64(c.Ham) / float64(max(m.Ham, 1))
	p := unknownProb
	if spamRatio+hamRatio > 0 {
		p = spamRatio / (spamRatio + hamRatio)
	}
	n := float64(c.Spam + c.Ham)
	return (unknownStrength*unknownProb + n*p) / (unknownStrength + n)
}

func isWeak(p float64) bool { return math.Abs(p-0.5) < minStrength }

// chiCombine is Fisher's combining of the clues' probabilities as SpamBayes does it:
// S and H are how surely the clues are not a random draw in favour of spam and of ham
// (1 - chi2Q of -2 ln of the products, 2n degrees of freedom), and the score is
// (S - H + 1) / 2: near 1 spam, near 0 ham, near 0.5 when both or neither are sure.
// The products are summed as logarithms, so no underflow.
func chiCombine(probs []float64) float64 {
	if len(probs) == 0 {
		return 0.5
	}
	var lnS, lnH float64
	for _, p := range probs {
		lnS += math.Log(1 - p)
		lnH += math.Log(p)
	}
	v := 2 * len(probs)
	s := 1 - chi2Q(-2*lnS, v)
	h := 1 - chi2Q(-2*lnH, v)
	return (s - h + 1) / 2
}

// chi2Q is the probability that a chi-squared variable with v (even) degrees of
// freedom is at least x2: the series exp(-m) * sum m^i/i! for i < v/2, m = x2/2.
func chi2Q(x2 float64, v int) float64 {
	m := x2 / 2
	term := math.Exp(-m)
	sum := term
	for i := 1; i < v/2; i++ {
		term *= m / float64(i)
		sum += term
	}
	return min(sum, 1)
}

// ShippedModelFile returns the shipped model's file (for its size and load time in
// the benchmark).
func ShippedModelFile() []byte { return bytes.Clone(shippedModel) }
