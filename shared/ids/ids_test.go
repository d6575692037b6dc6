package ids

import (
	"strings"
	"testing"
	"time"
)

func TestNewV7IsValidAndSortsByTime(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	a := NewV7(t0)
	b := NewV7(t0.Add(time.Millisecond))
	if !ValidV7(a) || !ValidV7(b) {
		t.Fatalf("not valid v7: %q %q", a, b)
	}
	if !(a < b) {
		t.Fatalf("ids do not sort by time: %q !< %q", a, b)
	}
	if v := a[19]; !strings.ContainsRune("89ab", rune(v)) {
		t.Fatalf("variant nibble %c, want one of 89ab", v)
	}
}

func TestValidV7RejectsOtherShapes(t *testing.T) {
	for _, s := range []string{"", "not-a-uuid", "0190c8e2-7c1a-4abc-8def-0123456789ab", strings.Repeat("a", 36), "0190C8E2-7C1A-7ABC-8DEF-0123456789AB"} {
		if ValidV7(s) {
			t.Errorf("ValidV7(%q) = true", s)
		}
	}
}

func TestTokensAreUniqueAndDigestIsStable(t *testing.T) {
	a, b := NewToken(), NewToken()
	if a == b {
		t.Fatal("two tokens are equal")
	}
	if !PlausibleToken(a) || PlausibleToken(a+"x") || PlausibleToken("short") {
		t.Fatal("PlausibleToken misjudges")
	}
	if d := Digest(a); d != Digest(string([]byte(a))) || d == Digest(b) || len(d) != 64 {
		t.Fatal("Digest is not a stable sha256 hex")
	}
}
