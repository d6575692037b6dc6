package problem

import (
	"errors"
	"fmt"
	"testing"
)

func TestEveryCodeHasGermanAndEnglishText(t *testing.T) {
	for _, c := range append(Codes(), FieldCodes()...) {
		if c.ID == "" || c.DE == "" || c.EN == "" || c.DE == c.EN {
			t.Errorf("code %s: de=%q en=%q", c.ID, c.DE, c.EN)
		}
	}
}

func TestRenderCarriesCodeStatusAndFieldMessages(t *testing.T) {
	p := Invalid(FieldError{Field: "email", Code: FieldInvalidEmail})
	b := p.Render("de", "req-1")
	if b.Status != 400 || b.Code != CodeValidation.ID || b.Type != "urn:kontor:problem:validation_failed" || b.Title != "Bad Request" {
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
