package ids

import (
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
	"time"
)

// A plausible token is exactly what NewToken makes: 32 bytes in canonical unpadded
// base64url, so one token has one spelling (and one digest).
func FuzzPlausibleToken(f *testing.F) {
	f.Add(NewToken())
	f.Add(strings.Repeat("A", 43))
	f.Add(strings.Repeat("_", 42) + "B") // non-zero padding bits
	f.Add(strings.Repeat("+", 43))
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		if !PlausibleToken(s) {
			return
		}
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || len(b) != 32 {
			t.Fatalf("plausible %q decodes to %d bytes, %v", s, len(b), err)
		}
		if again := base64.RawURLEncoding.EncodeToString(b); again != s {
			t.Fatalf("plausible %q is not canonical (%q)", s, again)
		}
	})
}

// A valid id is exactly what NewV7 writes: canonical lower-case hex with dashes,
// version 7 and the RFC 9562 variant.
func FuzzValidV7(f *testing.F) {
	f.Add(NewV7(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)))
	f.Add("0190c8e2-7c1a-7abc-8def-0123456789ab")
	f.Add("0190C8E2-7C1A-7ABC-8DEF-0123456789AB")
	f.Add("0190c8e2-7c1a-4abc-8def-0123456789ab")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		if !ValidV7(s) {
			return
		}
		raw, err := hex.DecodeString(strings.ReplaceAll(s, "-", ""))
		if err != nil || len(raw) != 16 || strings.ToLower(s) != s {
			t.Fatalf("valid %q is not 16 bytes of lower-case hex: %v", s, err)
		}
		h := hex.EncodeToString(raw)
		if canon := h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]; canon != s {
			t.Fatalf("valid %q is not in canonical form %q", s, canon)
		}
		if raw[6]>>4 != 7 || raw[8]>>6 != 0b10 {
			t.Fatalf("valid %q: version %d, variant bits %02b", s, raw[6]>>4, raw[8]>>6)
		}
	})
}
