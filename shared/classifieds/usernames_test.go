package classifieds

import "testing"

// Look-alike usernames: mixed scripts and styled letters are refused; names of
// one script that look alike share a key, whatever the case.
func TestUsernameLookalikes(t *testing.T) {
	for _, u := range []string{"Аnna", "ａｎｎａ", "Anna𝟏", "paypаl", "ﬁsh"} {
		if !lookalike(u) {
			t.Errorf("%q passes as a username of one script", u)
		}
	}
	for _, u := range []string{"Anna", "Матрос", "Ναύτης", "船長さん", "Kapitän_1", "שלום"} {
		if lookalike(u) {
			t.Errorf("%q refused as a look-alike", u)
		}
	}
	same := [][2]string{{"Ace", "Асе"}, {"ace", "АСЕ"}, {"Annl", "AnnI"}, {"g0ld", "gold"}, {"Seb1", "sebl"}, {"KOCH", "косн"}}
	for _, p := range same {
		if UsernameKey(p[0]) != UsernameKey(p[1]) {
			t.Errorf("%q and %q have different keys %q, %q", p[0], p[1], UsernameKey(p[0]), UsernameKey(p[1]))
		}
	}
	if UsernameKey("Bob") == UsernameKey("Rob") || UsernameKey("Anna") == UsernameKey("Anne") {
		t.Error("different names share a key")
	}
}
