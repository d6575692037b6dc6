package spam

import (
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Counts is how many training messages of each class held a token.
type Counts struct {
	Spam, Ham int
}

// Model is a trained token table: the number of spam and ham messages trained and,
// per token, how many of each held it.
type Model struct {
	Spam, Ham int
	Tokens    map[string]Counts
	// ID names the model: a hash of its serialised form, so that the record of
	// processing and every decision can say which model judged.
	ID string
	// tokenizer is the TokenizerVersion the model was trained with (when read).
	tokenizer int
}

// NewModel returns an empty model to train.
func NewModel() *Model {
	return &Model{Tokens: map[string]Counts{}}
}

// Learn adds one message's tokens (each once) to the model, as weight messages:
// the hand-written replies count more than a corpus mail, since they are few and
// they are what the filter sees in use.
func (m *Model) Learn(tokens []string, isSpam bool, weight int) {
	if isSpam {
		m.Spam += weight
	} else {
		m.Ham += weight
	}
	for _, tok := range tokens {
		c := m.Tokens[tok]
		if isSpam {
			c.Spam += weight
		} else {
			c.Ham += weight
		}
		m.Tokens[tok] = c
	}
}

// Prune drops the tokens that can never be a clue (their probability stays within
// minStrength of 0.5, exactly the tokens scoring ignores) and those seen in fewer than
// minCount messages, which keeps the shipped model small.
func (m *Model) Prune(minCount int) {
	for tok, c := range m.Tokens {
		if c.Spam+c.Ham < minCount || isWeak(m.probability(c)) {
			delete(m.Tokens, tok)
		}
	}
}

const (
	modelMagic = "kontor-spam-model 1"
	// headerLines: the magic line, the tokenizer version, the spam and ham counts.
	headerLines = 4
)

// Write serialises the model as gzip-compressed lines "token TAB spam TAB ham",
// sorted, after a header with the tokenizer version and the message counts; the same model gives the same
// bytes (the gzip header carries no time or name).
func (m *Model) Write(w io.Writer) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(zw)
	fmt.Fprintf(bw, "%s\ntokenizer\t%d\nspam\t%d\nham\t%d\n", modelMagic, TokenizerVersion, m.Spam, m.Ham)
	for _, tok := range slices.Sorted(maps.Keys(m.Tokens)) {
		c := m.Tokens[tok]
		fmt.Fprintf(bw, "%s\t%d\t%d\n", tok, c.Spam, c.Ham)
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return zw.Close()
}

// ReadModel reads a model written by Write; its ID is the SHA-256 of the bytes read.
// The whole text is read at once and the tokens are slices of it (one allocation, not
// one a line): the model loads at every Lambda instance's start.
func ReadModel(r io.Reader) (*Model, error) {
	h := sha256.New()
	zr, err := gzip.NewReader(io.TeeReader(r, h))
	if err != nil {
		return nil, fmt.Errorf("spam model: %w", err)
	}
	raw, err := io.ReadAll(io.LimitReader(zr, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("spam model: %w", err)
	}
	// Drain what gzip did not need (its trailer) so the hash covers the whole file.
	if _, err := io.Copy(io.Discard, r); err != nil {
		return nil, fmt.Errorf("spam model: %w", err)
	}
	text := string(raw)
	m := &Model{Tokens: make(map[string]Counts, strings.Count(text, "\n"))}
	line := 0
	for l := range strings.Lines(text) {
		line++
		if err := m.readLine(line, strings.TrimSuffix(l, "\n")); err != nil {
			return nil, err
		}
	}
	if m.tokenizer != TokenizerVersion {
		return nil, fmt.Errorf("spam model: trained with tokenizer version %d, this is version %d: retrain (make spam-model)", m.tokenizer, TokenizerVersion)
	}
	if m.Spam == 0 || m.Ham == 0 {
		return nil, errors.New("spam model: no messages trained")
	}
	m.ID = "chi2-" + hex.EncodeToString(h.Sum(nil))[:16]
	return m, nil
}

func (m *Model) readLine(line int, text string) error {
	name, rest, _ := strings.Cut(text, "\t")
	first, second, three := strings.Cut(rest, "\t")
	switch {
	case line == 1:
		if text != modelMagic {
			return errors.New("spam model: not a model file")
		}
		return nil
	case line <= headerLines && !three && (name == "tokenizer" || name == "spam" || name == "ham"):
		n, err := strconv.Atoi(first)
		if err != nil || n < 0 {
			return fmt.Errorf("spam model: line %d: bad number", line)
		}
		switch name {
		case "tokenizer":
			m.tokenizer = n
		case "spam":
			m.Spam = n
		default:
			m.Ham = n
		}
		return nil
	case line > headerLines && three && name != "":
		s, err1 := strconv.Atoi(first)
		h, err2 := strconv.Atoi(second)
		if err1 != nil || err2 != nil || s < 0 || h < 0 || s > m.Spam || h > m.Ham {
			return fmt.Errorf("spam model: line %d: bad counts", line)
		}
		m.Tokens[name] = Counts{Spam: s, Ham: h}
		return nil
	}
	return fmt.Errorf("spam model: line %d: malformed", line)
}
