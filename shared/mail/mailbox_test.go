package mail

import "testing"

// Sub-addresses and case reach one mailbox, so they share its count of
// unsolicited mail; an address that is only a tag keeps its local part.
func TestMailboxFoldsSubAddressesAndCase(t *testing.T) {
	for in, want := range map[string]string{
		"anna@example.org":         "anna@example.org",
		" Anna+x@Example.org ":     "anna@example.org",
		"anna+reply+1@example.org": "anna@example.org",
		"+tag@example.org":         "+tag@example.org",
		"anna.seemann@example.org": "anna.seemann@example.org",
		"not-an-address":           "not-an-address",
	} {
		if got := Mailbox(in); got != want {
			t.Errorf("Mailbox(%q) = %q, want %q", in, got, want)
		}
	}
}
