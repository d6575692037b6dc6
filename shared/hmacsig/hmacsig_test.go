package hmacsig

import (
	"testing"
	"time"
)

func TestVerifyTakesOnlyItsOwnFreshSignature(t *testing.T) {
	secret, body := []byte("a shared secret of thirty-two bytes"), []byte(`{"state":"s"}`)
	now := time.Unix(1_800_000_000, 0)
	h := Sign(secret, body, now)
	if !Verify(secret, h, body, now.Add(time.Minute), 5*time.Minute) {
		t.Fatal("own signature refused")
	}
	for name, c := range map[string]struct {
		secret []byte
		header string
		body   []byte
		at     time.Time
	}{
		"other secret": {[]byte("another secret of thirty-two byte"), h, body, now},
		"other body":   {secret, h, []byte(`{"state":"t"}`), now},
		"too old":      {secret, h, body, now.Add(6 * time.Minute)},
		"from future":  {secret, h, body, now.Add(-6 * time.Minute)},
		"no signature": {secret, "t=1800000000", body, now},
		"not hex":      {secret, "t=1800000000,v1=zz", body, now},
		"empty":        {secret, "", body, now},
	} {
		if Verify(c.secret, c.header, c.body, c.at, 5*time.Minute) {
			t.Errorf("%s: accepted", name)
		}
	}
}
