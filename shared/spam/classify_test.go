package spam

import (
	"bytes"
	"compress/gzip"
	"io"
	"math"
	"strings"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestChi2Q(t *testing.T) {
	// With 2 degrees of freedom Q(x) = exp(-x/2); with 4, exp(-x/2)(1 + x/2).
	for _, x := range []float64{0, 0.5, 3, 10, 40} {
		if got := chi2Q(x, 2); !near(got, math.Exp(-x/2)) {
			t.Errorf("chi2Q(%v, 2) = %v", x, got)
		}
		if got := chi2Q(x, 4); !near(got, math.Exp(-x/2)*(1+x/2)) {
			t.Errorf("chi2Q(%v, 4) = %v", x, got)
		}
	}
	// The median of chi-squared with 10 degrees of freedom is 9.342.
	if got := chi2Q(9.342, 10); math.Abs(got-0.5) > 1e-3 {
		t.Errorf("chi2Q(9.342, 10) = %v, want 0.5", got)
	}
	if got := chi2Q(3000, 300); got != 0 {
		t.Errorf("chi2Q(3000, 300) = %v, want 0 (no overflow into NaN)", got)
	}
}

func TestProbability(t *testing.T) {
	m := &Model{Spam: 10, Ham: 20}
	cases := []struct {
		c    Counts
		want float64
	}{
		// Never seen: the prior.
		{Counts{}, 0.5},
		// Once in spam, never in ham: p = 1 pulled to the prior by s = 0.45:
		// (0.45*0.5 + 1*1) / 1.45.
		{Counts{Spam: 1}, (0.225 + 1) / 1.45},
		// In 5 of 10 spams and 10 of 20 hams: the same share of each class, 0.5.
		{Counts{Spam: 5, Ham: 10}, 0.5},
		// 4 of 10 spams, 2 of 20 hams: ratios 0.4 and 0.1, p = 0.8, n = 6.
		{Counts{Spam: 4, Ham: 2}, (0.225 + 6*0.8) / 6.45},
	}
	for _, c := range cases {
		if got := m.probability(c.c); !near(got, c.want) {
			t.Errorf("probability(%+v) = %v, want %v", c.c, got, c.want)
		}
	}
}

func TestChiCombine(t *testing.T) {
	if got := chiCombine(nil); got != 0.5 {
		t.Errorf("no clues: %v, want 0.5", got)
	}
	// Opposite clues of equal strength cancel out.
	if got := chiCombine([]float64{0.99, 0.01, 0.8, 0.2}); !near(got, 0.5) {
		t.Errorf("balanced clues: %v, want 0.5", got)
	}
	spammy := chiCombine([]float64{0.99, 0.98, 0.95, 0.9, 0.99, 0.97})
	hammy := chiCombine([]float64{0.01, 0.02, 0.05, 0.1, 0.01, 0.03})
	if spammy < 0.99 || hammy > 0.01 || !near(spammy+hammy, 1) {
		t.Errorf("spammy %v, hammy %v: want near 1 and near 0, mirror images", spammy, hammy)
	}
	// Many strong clues do not underflow.
	many := make([]float64, 150)
	for i := range many {
		many[i] = 0.001
	}
	if got := chiCombine(many); got > 1e-9 || math.IsNaN(got) {
		t.Errorf("150 clues of 0.001: %v, want 0", got)
	}
}

// tinyModel is trained on four spam and four ham messages of a few words.
func tinyModel() *Model {
	m := NewModel()
	for _, s := range []string{"bitcoin profit guaranteed", "bitcoin wallet profit", "cheap loan guaranteed", "bitcoin loan offer"} {
		m.Learn(Tokenize(s, Meta{}), true, 1)
	}
	for _, s := range []string{"koje segeln juli", "segeln erfahrung koje", "crew berth juli", "koje crew erfahrung"} {
		m.Learn(Tokenize(s, Meta{}), false, 1)
	}
	return m
}

func TestClassifyTinyModel(t *testing.T) {
	f, err := New(tinyModel(), Thresholds{Ham: 0.2, Spam: 0.9})
	if err != nil {
		t.Fatal(err)
	}
	d := f.Classify("Bitcoin profit guaranteed, cheap loan!", Meta{})
	if d.Outcome != Spam || d.Score <= 0.9 || !d.Withheld() {
		t.Errorf("spam text: %+v", d)
	}
	if len(d.Features) == 0 || d.Features[0].Prob < 0.8 {
		t.Errorf("spam text's strongest clue: %+v", d.Features)
	}
	d = f.Classify("Koje im Juli? Erfahrung mit Segeln habe ich.", Meta{})
	if d.Outcome != Ham || d.Score >= 0.2 || d.Withheld() {
		t.Errorf("ham text: %+v", d)
	}
	// Nothing known: no clues, the score in the middle, delivered.
	d = f.Classify("Guten Tag zusammen", Meta{})
	if d.Outcome != Unsure || d.Score != 0.5 || len(d.Features) != 0 || d.Withheld() {
		t.Errorf("unknown text: %+v", d)
	}
	// One spam word and one ham word of the same strength: in doubt.
	d = f.Classify("bitcoin koje", Meta{})
	if d.Outcome != Unsure {
		t.Errorf("mixed text: %+v", d)
	}
	if d.Thresholds != (Thresholds{Ham: 0.2, Spam: 0.9}) {
		t.Errorf("thresholds reported %+v", d.Thresholds)
	}
}

func TestClassifyThresholdsAreParameters(t *testing.T) {
	text := "Bitcoin profit guaranteed, cheap loan!"
	strict, _ := New(tinyModel(), Thresholds{Ham: 0.2, Spam: 1})
	if d := strict.Classify(text, Meta{}); d.Outcome != Unsure {
		t.Errorf("spam cut-off 1 withholds nothing, got %+v", d)
	}
	for _, th := range []Thresholds{{Ham: 0.5, Spam: 0.4}, {Ham: -0.1, Spam: 0.9}, {Ham: 0.2, Spam: 1.1}} {
		if _, err := New(tinyModel(), th); err == nil {
			t.Errorf("thresholds %+v accepted", th)
		}
	}
	if _, err := New(NewModel(), DefaultThresholds); err == nil {
		t.Error("an untrained model accepted")
	}
}

func TestModelRoundTrip(t *testing.T) {
	m := tinyModel()
	m.Prune(1)
	var a, b bytes.Buffer
	if err := m.Write(&a); err != nil {
		t.Fatal(err)
	}
	if err := m.Write(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("the same model written twice gives different bytes")
	}
	read, err := ReadModel(bytes.NewReader(a.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if read.Spam != 4 || read.Ham != 4 || len(read.Tokens) != len(m.Tokens) || read.Tokens["bitcoin"] != (Counts{Spam: 3}) {
		t.Errorf("read back %d spam, %d ham, %d tokens, bitcoin %+v", read.Spam, read.Ham, len(read.Tokens), read.Tokens["bitcoin"])
	}
	if !strings.HasPrefix(read.ID, "chi2-") || len(read.ID) != 21 {
		t.Errorf("model ID %q", read.ID)
	}
	// Pruning dropped the tokens that are in both classes alike (no clue).
	if _, ok := read.Tokens["links:0"]; ok {
		t.Error("links:0 (in every message) kept")
	}
	var other bytes.Buffer
	if err := m.Write(&other); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadModel(bytes.NewReader(gzipText(t, strings.Replace(gunzipText(t, other.Bytes()), "tokenizer\t1", "tokenizer\t0", 1)))); err == nil || !strings.Contains(err.Error(), "tokenizer version 0") {
		t.Errorf("a model of another tokenizer version: %v", err)
	}
	for _, bad := range []string{"", "not gzip", "\x1f\x8b\x08\x00"} {
		if _, err := ReadModel(strings.NewReader(bad)); err == nil {
			t.Errorf("%q read as a model", bad)
		}
	}
}

func gunzipText(t *testing.T, b []byte) string {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	text, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return string(text)
}

func gzipText(t *testing.T, s string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := io.WriteString(zw, s); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestReadLabeled(t *testing.T) {
	got, err := ReadLabeled(strings.NewReader("# comment\n\nham\tde\tHallo\\nWelt\nspam\ten\tbuy now\n"))
	if err != nil || len(got) != 2 || got[0].Spam || got[0].Text != "Hallo\nWelt" || !got[1].Spam || got[1].Lang != "en" {
		t.Fatalf("%+v, %v", got, err)
	}
	if _, err := ReadLabeled(strings.NewReader("maybe\tde\ttext\n")); err == nil {
		t.Error("a line with an unknown label accepted")
	}
}

func TestTally(t *testing.T) {
	tl := NewTally()
	for range 998 {
		tl.Add(false, Ham)
	}
	tl.Add(false, Unsure)
	tl.Add(false, Spam)
	for range 85 {
		tl.Add(true, Spam)
	}
	for range 15 {
		tl.Add(true, Unsure)
	}
	if !near(tl.HamWithheld(), 0.001) || !near(tl.SpamWithheld(), 0.85) || !near(tl.Precision(), 85.0/86) || !near(tl.UnsureShare(), 16.0/1100) {
		t.Errorf("figures %v %v %v %v", tl.HamWithheld(), tl.SpamWithheld(), tl.Precision(), tl.UnsureShare())
	}
	if !tl.MeetsTargets() {
		t.Error("0.1 % and 85 % miss the targets")
	}
	tl.Add(false, Spam)
	tl.Add(false, Spam)
	if tl.MeetsTargets() {
		t.Error("0.3 % legitimate withheld meets the targets")
	}
}
