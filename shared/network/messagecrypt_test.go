package network

import (
	"bytes"
	"crypto/rand"
	"testing"
)

// HKC-7: a copy opens only with its side's key and its own key, at its own
// place (conversation, side, message); the ciphertext never holds the text.
func TestSealedMessageOpensOnlyAtItsPlaceWithItsKeys(t *testing.T) {
	side := make([]byte, 32)
	other := make([]byte, 32)
	_, _ = rand.Read(side)
	_, _ = rand.Read(other)
	text := "Vertraulich: Angebot bis Freitag"
	ct, key, err := sealMessage(side, "c1", "a", "m1", text)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(ct, []byte("Vertraulich")) || bytes.Contains(key, []byte("Vertraulich")) {
		t.Fatal("the sealed values hold the text")
	}
	if got, err := openMessage(side, "c1", "a", "m1", key, ct); err != nil || got != text {
		t.Fatalf("open: %q, %v", got, err)
	}
	ct2, key2, _ := sealMessage(side, "c1", "a", "m2", text)
	for name, try := range map[string]func() (string, error){
		"another side key":     func() (string, error) { return openMessage(other, "c1", "a", "m1", key, ct) },
		"another side":         func() (string, error) { return openMessage(side, "c1", "b", "m1", key, ct) },
		"another conversation": func() (string, error) { return openMessage(side, "c2", "a", "m1", key, ct) },
		"another message":      func() (string, error) { return openMessage(side, "c1", "a", "m2", key, ct) },
		"another message's key": func() (string, error) {
			return openMessage(side, "c1", "a", "m1", key2, ct)
		},
		"a ciphertext moved": func() (string, error) { return openMessage(side, "c1", "a", "m1", key, ct2) },
		"truncated":          func() (string, error) { return openMessage(side, "c1", "a", "m1", key[:5], ct) },
	} {
		if got, err := try(); err == nil {
			t.Errorf("%s opened it: %q", name, got)
		}
	}
}
