package mail

import (
	"crypto/sha256"
	"encoding/hex"
)

// DerivedID is a mail id in the form of a UUID derived from seed, so that the
// same mail queued again (a run cut short and repeated) is the same id, which
// the outbox takes once.
func DerivedID(seed string) string {
	h := sha256.Sum256([]byte(seed))
	x := hex.EncodeToString(h[:16])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

// OneClick are the header fields of a mail one can stop with one click (RFC
// 8058): the link, and the statement that a POST to it unsubscribes.
func OneClick(link string) map[string]string {
	return map[string]string{"List-Unsubscribe": "<" + link + ">", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
}
