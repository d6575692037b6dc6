package problem

import (
	"errors"
	"fmt"
	"testing"
)

func TestEveryCodeHasGermanAndEnglishText(t *testing.T) {
	for _, c := range Codes() {
		de, en := Message(c, "de"), Message(c, "en")
		if de == "" || en == "" || de == en || de == c || en == c {
			t.Errorf("code %s: de=%q en=%q", c, de, en)
		}
	}
}

func TestRenderCarriesCodeStatusAndFieldMessages(t *testing.T) {
	p := Invalid(FieldError{Field: "email", Code: FieldInvalidEmail})
	b := p.Render("de", "req-1")
	if b.Status != 400 || b.Code != CodeValidation || b.Type != "urn:kontor:problem:validation_failed" || b.Title != "Bad Request" {
		t.Fatalf("unexpected body %+v", b)
	}
	if len(b.Errors) != 1 || b.Errors[0].Message != "Dies ist keine gültige E-Mail-Adresse." {
		t.Fatalf("unexpected field errors %+v", b.Errors)
	}
}

func TestAsFindsWrappedProblem(t *testing.T) {
	err := fmt.Errorf("login: %w", New(429, CodeTooManyAttempts))
	p, ok := As(err)
	if !ok || p.Code != CodeTooManyAttempts {
		t.Fatalf("As = %v, %v", p, ok)
	}
	if _, ok := As(errors.New("plain")); ok {
		t.Fatal("plain error taken for a problem")
	}
}
