package main

import (
	"bytes"
	"fmt"
	"slices"
	"testing"
	"time"

	"kontor/shared/spam"
)

// scored is a message's class, source and cross-validated score.
type scored struct {
	spam   bool
	source string
	score  float64
	text   string
}

func evaluate(corpus, hand []spam.Labeled, k int, th spam.Thresholds) error {
	all := tokenizeAll(append(slices.Clone(corpus), hand...))
	fmt.Printf("Spam filter (HGK-10): Robinson token probabilities, chi-squared combining; thresholds ham < %.2f, spam > %.2f\n", th.Ham, th.Spam)
	fmt.Printf("%d-fold cross-validation (stratified, fixed seed) on the SpamAssassin public corpus (%d mails) and the hand-written replies (%d)\n\n", k, len(corpus), len(hand))
	scores, err := crossValidate(all, k, th)
	if err != nil {
		return err
	}
	total, corpusTally, handTally := spam.NewTally(), spam.NewTally(), spam.NewTally()
	for _, s := range scores {
		o := outcome(s.score, th)
		total.Add(s.spam, o)
		if s.source == "replies" {
			handTally.Add(s.spam, o)
		} else {
			corpusTally.Add(s.spam, o)
		}
	}
	fmt.Printf("\nAll folds, corpus and replies:\n%s\nCorpus mails only:\n%s\nHand-written replies only (each scored by the fold model not trained on it):\n%s\n",
		total.Matrix(), corpusTally.Matrix(), handTally.Matrix())
	fmt.Println("Spam cut-off on the same cross-validated scores, all messages:")
	sweep(scores, th.Ham)
	misjudged(scores, th)
	fmt.Println("The same, hand-written replies only:")
	sweep(slices.DeleteFunc(slices.Clone(scores), func(s scored) bool { return s.source != "replies" }), th.Ham)

	if err := transfer(all, th); err != nil {
		return err
	}
	return shippedFigures(hand, th)
}

// crossValidate trains k models, each without one fold, scores that fold, and
// prints a line per fold.
func crossValidate(all []tokenized, k int, th spam.Thresholds) ([]scored, error) {
	folds := stratifiedFolds(all, k)
	var out []scored
	fmt.Printf("%-5s %6s %6s %10s %15s %15s %9s\n", "fold", "ham", "spam", "ham->spam", "spam withheld", "ham withheld", "unsure")
	for i := range folds {
		var trainSet []tokenized
		for j, f := range folds {
			if j != i {
				trainSet = append(trainSet, f...)
			}
		}
		f, err := spam.New(trainModel(trainSet), th)
		if err != nil {
			return nil, err
		}
		t := spam.NewTally()
		for _, m := range folds[i] {
			d := f.Classify(m.Text, m.Meta)
			t.Add(m.Spam, d.Outcome)
			out = append(out, scored{spam: m.Spam, source: m.Source, score: d.Score, text: m.Text})
		}
		fmt.Printf("%-5d %6d %6d %10d %14.2f%% %14.2f%% %8.2f%%\n", i+1, t.Ham[spam.Ham]+t.Ham[spam.Unsure]+t.Ham[spam.Spam],
			t.Spam[spam.Ham]+t.Spam[spam.Unsure]+t.Spam[spam.Spam], t.Ham[spam.Spam], 100*t.SpamWithheld(), 100*t.HamWithheld(), 100*t.UnsureShare())
	}
	return out, nil
}

func outcome(score float64, th spam.Thresholds) spam.Outcome {
	switch {
	case score < th.Ham:
		return spam.Ham
	case score > th.Spam:
		return spam.Spam
	}
	return spam.Unsure
}

// sweep shows what other spam cut-offs would have given on the same scores: the
// figures the default threshold was chosen from.
func sweep(scores []scored, hamCut float64) {
	fmt.Printf("%-8s %14s %15s %9s %10s\n", "cut-off", "ham withheld", "spam withheld", "unsure", "precision")
	for _, cut := range []float64{0.80, 0.85, 0.90, 0.95, 0.98, 0.99} {
		t := spam.NewTally()
		for _, s := range scores {
			t.Add(s.spam, outcome(s.score, spam.Thresholds{Ham: hamCut, Spam: cut}))
		}
		fmt.Printf("%-8.3f %13.2f%% %14.2f%% %8.2f%% %9.2f%%\n", cut, 100*t.HamWithheld(), 100*t.SpamWithheld(), 100*t.UnsureShare(), 100*t.Precision())
	}
	fmt.Println()
}

// misjudged lists the legitimate messages withheld and the hand-written spam judged
// ham, by the start of their text (the subject, for a corpus mail).
func misjudged(scores []scored, th spam.Thresholds) {
	fmt.Println("Legitimate messages withheld, and hand-written spam judged ham:")
	for _, s := range scores {
		o := outcome(s.score, th)
		if (!s.spam && o == spam.Spam) || (s.spam && o == spam.Ham && s.source == "replies") {
			fmt.Printf("  %-10s %.3f %.60q\n", s.source, s.score, s.text)
		}
	}
	fmt.Println()
}

// transfer measures the hand-written replies with a model trained on the corpus
// alone: how far English mail of 2002 carries to short German and English replies.
func transfer(all []tokenized, th spam.Thresholds) error {
	var corpus, hand []tokenized
	for _, m := range all {
		if m.Source == "replies" {
			hand = append(hand, m)
		} else {
			corpus = append(corpus, m)
		}
	}
	f, err := spam.New(trainModel(corpus), th)
	if err != nil {
		return err
	}
	t := spam.NewTally()
	for _, m := range hand {
		t.Add(m.Spam, f.Classify(m.Text, m.Meta).Outcome)
	}
	fmt.Printf("Hand-written replies, model trained on the corpus alone:\n%s\n", t.Matrix())
	return nil
}

// shippedFigures reports the shipped model: its identity and size, the hand-written
// set under it (a training-set figure: the shipped model learnt from that set), the
// time to load it and the time to classify one reply.
func shippedFigures(hand []spam.Labeled, th spam.Thresholds) error {
	raw := spam.ShippedModelFile()
	f, err := spam.Shipped(th)
	if err != nil {
		return err
	}
	id := f.Identity()
	fmt.Printf("Shipped model %s: %d spam and %d ham trained, %d tokens, %d bytes (gzip)\n", id.Model, id.SpamTrained, id.HamTrained, id.Tokens, len(raw))
	t := spam.NewTally()
	for _, m := range hand {
		t.Add(m.Spam, f.Classify(m.Text, m.Meta).Outcome)
	}
	fmt.Printf("Hand-written replies under the shipped model (trained on them too):\n%s\n", t.Matrix())

	loads := make([]time.Duration, 20)
	for i := range loads {
		start := time.Now()
		m, err := spam.ReadModel(bytes.NewReader(raw))
		if err == nil {
			_, err = spam.New(m, th)
		}
		if err != nil {
			return err
		}
		loads[i] = time.Since(start)
	}
	slices.Sort(loads)
	res := testing.Benchmark(func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			m := hand[i%len(hand)]
			f.Classify(m.Text, m.Meta)
		}
	})
	fmt.Printf("Model load (gunzip, parse), median of %d: %s\n", len(loads), loads[len(loads)/2].Round(time.Microsecond))
	fmt.Printf("Classification per reply (hand-written set, tokenizing included): %d ns/op, %d B/op, %d allocs/op (%d runs)\n",
		res.NsPerOp(), res.AllocedBytesPerOp(), res.AllocsPerOp(), res.N)
	return nil
}
