package identity

import (
	"strings"
	"testing"

	"kontor/shared/problem"
)

// The page a sign-in link leads to is a path of this site, never another origin.
func TestCheckNextAcceptsOnlyPathsOfThisSite(t *testing.T) {
	for next, want := range map[string]problem.Code{
		"":                                       {},
		"/de/":                                   {},
		"/en/account?tab=2#x":                    {},
		"/fr/":                                   problem.FieldInvalidValue,
		"//evil.example/de/":                     problem.FieldInvalidValue,
		"https://evil.example/de/":               problem.FieldInvalidValue,
		"/de/\\evil.example":                     problem.FieldInvalidValue,
		"/de/a\nb":                               problem.FieldInvalidValue,
		"/de/a b":                                problem.FieldInvalidValue,
		"/de/" + strings.Repeat("a", MaxNextLen): problem.FieldTooLong,
	} {
		if got := CheckNext(next); got != want {
			t.Errorf("CheckNext(%q) = %v, want %v", next, got, want)
		}
	}
}

func TestSignInLinkCarriesThePageToOpen(t *testing.T) {
	if got := signInLink("https://p.example/", "tok", ""); got != "https://p.example/login/link?token=tok" {
		t.Errorf("without next: %s", got)
	}
	if got := signInLink("https://p.example", "tok", "/de/account?a=1&b=2"); got != "https://p.example/login/link?next=%2Fde%2Faccount%3Fa%3D1%26b%3D2&token=tok" {
		t.Errorf("with next: %s", got)
	}
}
