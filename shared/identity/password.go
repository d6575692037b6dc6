package identity

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"kontor/shared/problem"
)

// Password policy.
const (
	MinPasswordLen = 12
	MaxPasswordLen = 128 // bounds the hashing work an attacker can ask for
)

// argon2id parameters: the OWASP baseline (19 MiB, 2 passes, 1 lane), which fits a
// 256 MB Lambda and takes tens of milliseconds.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
	// maxArgonKeyLen bounds the key length a stored hash may ask VerifyPassword to
	// derive (room to raise argonKeyLen later).
	maxArgonKeyLen = 64
)

// CheckPassword applies the password policy wherever a password is set (first
// password, reset, change): 12 to 128 characters, not the account's address (email),
// not one of the common passwords (ASVS 5.0 6.2.4).
func CheckPassword(pw, email string) problem.Code {
	n := utf8.RuneCountInString(pw)
	switch {
	case !utf8.ValidString(pw):
		return problem.FieldInvalidValue
	case n < MinPasswordLen:
		return problem.FieldTooShort
	case n > MaxPasswordLen:
		return problem.FieldTooLong
	case email != "" && strings.EqualFold(strings.TrimSpace(pw), email):
		return FieldPasswordEmail
	case email != "" && strings.EqualFold(strings.TrimSpace(pw), strings.SplitN(email, "@", 2)[0]) && n < 2*MinPasswordLen:
		return FieldPasswordEmail
	case IsCommonPassword(pw):
		return FieldPasswordCommon
	}
	return problem.Code{}
}

// HashPassword returns an argon2id hash in PHC string form.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// VerifyPassword reports whether pw matches the PHC-encoded argon2id hash. A
// malformed hash never matches.
func VerifyPassword(pw, encoded string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var mem, iters uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &iters, &threads); err != nil || mem == 0 || mem > 1<<20 || iters == 0 || iters > 10 || threads == 0 {
		return false
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil {
		return false
	}
	keyLen := len(want)
	if keyLen < 1 || keyLen > maxArgonKeyLen {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, iters, mem, threads, uint32(keyLen))
	return subtle.ConstantTimeCompare(got, want) == 1
}

var (
	dummyOnce sync.Once
	dummyHash string
)

// burnPasswordCheck spends the time of one password verification, so that signing
// in with an unknown address takes as long as with a known one.
func burnPasswordCheck(pw string) {
	dummyOnce.Do(func() { dummyHash, _ = HashPassword("kontor-timing-equaliser") })
	_ = VerifyPassword(pw, dummyHash)
}

// temporaryAlphabet avoids look-alike characters (0/O, 1/l/I) in mailed passwords.
const temporaryAlphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

// TemporaryPassword returns an individual random password of 16 characters for an
// invited member, who must change it at first login (HKC-2).
func TemporaryPassword() (string, error) {
	// Rejection sampling keeps every character equally likely.
	limit := byte(256 - 256%len(temporaryAlphabet))
	out := make([]byte, 0, 16)
	buf := make([]byte, 32)
	for len(out) < 16 {
		if _, err := rand.Read(buf); err != nil {
			return "", fmt.Errorf("temporary password: %w", err)
		}
		for _, c := range buf {
			if c < limit && len(out) < 16 {
				out = append(out, temporaryAlphabet[int(c)%len(temporaryAlphabet)])
			}
		}
	}
	return string(out), nil
}
