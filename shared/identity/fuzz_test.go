package identity

import (
	"testing"
	"time"

	"kontor/shared/ids"
)

// A device credential is read back only in the exact form credential writes it.
func FuzzParseCredential(f *testing.F) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	good := credential(Device{AccountID: ids.NewV7(now), ID: ids.NewV7(now)}, ids.NewToken())
	f.Add(good)
	f.Add(good + ".extra")
	f.Add("kd2." + good[len(credentialPrefix):])
	f.Add(credentialPrefix + "..")
	f.Fuzz(func(t *testing.T, c string) {
		account, device, secret, ok := parseCredential(c)
		if !ok {
			if account != "" || device != "" || secret != "" {
				t.Fatalf("refused %q but returned parts", c)
			}
			return
		}
		if again := credential(Device{AccountID: account, ID: device}, secret); again != c {
			t.Fatalf("parsed %q into parts that write %q", c, again)
		}
		if !ids.ValidV7(account) || !ids.ValidV7(device) || !ids.PlausibleToken(secret) {
			t.Fatalf("parsed %q into invalid parts", c)
		}
	})
}
