// Package ids makes the identifiers Kontor stores: UUIDv7 record ids (RFC 9562) and
// opaque random tokens whose SHA-256 digest is what gets stored.
package ids

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"
)

// NewV7 returns a UUIDv7 string for the given time: 48 bits of Unix milliseconds,
// then version and variant bits around 74 random bits, so ids sort by creation time.
func NewV7(now time.Time) string {
	var b [16]byte
	if _, err := rand.Read(b[6:]); err != nil {
		panic(fmt.Sprintf("ids: crypto/rand failed: %v", err))
	}
	ms := uint64(now.UnixMilli())
	var ts [8]byte
	binary.BigEndian.PutUint64(ts[:], ms)
	copy(b[0:6], ts[2:8])
	b[6] = (b[6] & 0x0f) | 0x70 // version 7
	b[8] = (b[8] & 0x3f) | 0x80 // RFC 9562 variant
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// ValidV7 reports whether s has the canonical shape of a UUIDv7 as NewV7 writes it:
// lower-case hex, version 7, the RFC 9562 variant.
func ValidV7(s string) bool {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' || s[14] != '7' {
		return false
	}
	switch s[19] {
	case '8', '9', 'a', 'b':
	default:
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if i == 8 || i == 13 || i == 18 || i == 23 {
			continue
		}
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// NewToken returns 32 random bytes as unpadded base64url: the secret that goes into a
// cookie or a mailed link. Only its Digest is ever stored.
func NewToken() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(fmt.Sprintf("ids: crypto/rand failed: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// Digest returns the hex SHA-256 of a token: the form in which tokens are stored and
// looked up, so a leaked table holds no usable secret.
func Digest(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// PlausibleToken reports whether s could be a token made by NewToken, so garbage is
// rejected before any lookup.
func PlausibleToken(s string) bool {
	if len(s) != 43 {
		return false
	}
	// The decoder skips '\r' and '\n', so 43 characters with line breaks among them
	// decode without error to fewer bytes: only 32 bytes are a token.
	b, err := base64.RawURLEncoding.Strict().DecodeString(s)
	return err == nil && len(b) == 32
}
