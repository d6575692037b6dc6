package identity

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed" // the list of common passwords
	"strings"
	"sync"
)

// commonPasswordsGz is the 49,233 most common passwords, most common first,
// lower-case, one a line (ASVS 5.0 6.2.4 asks for at least the top 3,000). It is the
// list "passwords" of the npm package @zxcvbn-ts/language-common 4.1.3 (MIT licence,
// common-passwords.LICENSE beside this file), drawn from leaked-password corpora
// ranked by frequency. Made with:
//
//	npm pack @zxcvbn-ts/language-common@4.1.3
//	tar xzf zxcvbn-ts-language-common-4.1.3.tgz package/src/passwords.json
//	python3 -c 'import json; print("\n".join(json.load(open("package/src/passwords.json"))))' | gzip -9n > common-passwords.txt.gz
//
//go:embed common-passwords.txt.gz
var commonPasswordsGz []byte

var (
	commonOnce sync.Once
	common     map[string]struct{}
)

// commonPasswords returns the set, read once on first use, so functions that never
// set a password do not pay for it at start-up.
func commonPasswords() map[string]struct{} {
	commonOnce.Do(func() {
		common = map[string]struct{}{}
		zr, err := gzip.NewReader(bytes.NewReader(commonPasswordsGz))
		if err != nil {
			panic("identity: common password list: " + err.Error())
		}
		sc := bufio.NewScanner(zr)
		for sc.Scan() {
			if p := strings.TrimSpace(sc.Text()); p != "" {
				common[p] = struct{}{}
			}
		}
		if err := sc.Err(); err != nil {
			panic("identity: common password list: " + err.Error())
		}
	})
	return common
}

// IsCommonPassword reports whether pw, compared case-insensitively and without
// surrounding spaces, is on the list of common passwords.
func IsCommonPassword(pw string) bool {
	_, ok := commonPasswords()[strings.ToLower(strings.TrimSpace(pw))]
	return ok
}
