package classifieds

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// cp1252 decodes the WinAnsiEncoding bytes the writer uses.
var cp1252 = map[byte]rune{0x80: '€', 0x82: '‚', 0x84: '„', 0x85: '…', 0x91: '‘', 0x92: '’', 0x93: '“', 0x94: '”', 0x96: '–', 0x97: '—'}

// pdfTexts checks the file's structure (header, every xref offset pointing at its
// object, trailer, startxref, %%EOF) and returns the strings of its text objects,
// decoded.
func pdfTexts(t *testing.T, pdf []byte) []string {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-1.4\n")) || !bytes.HasSuffix(pdf, []byte("%%EOF\n")) {
		t.Fatal("not a PDF file")
	}
	m := regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`).FindSubmatch(pdf)
	if m == nil {
		t.Fatal("no startxref")
	}
	xref, _ := strconv.Atoi(string(m[1]))
	if !bytes.HasPrefix(pdf[xref:], []byte("xref\n0 ")) {
		t.Fatalf("startxref %d points at %q", xref, pdf[xref:xref+10])
	}
	var n int
	if _, err := fmt.Sscanf(string(pdf[xref:]), "xref\n0 %d\n", &n); err != nil || n != 8 {
		t.Fatalf("xref size %d %v", n, err)
	}
	entries := regexp.MustCompile(`(\d{10}) 00000 n \n`).FindAllSubmatch(pdf[xref:], -1)
	if len(entries) != n-1 {
		t.Fatalf("%d xref entries", len(entries))
	}
	for i, e := range entries {
		off, _ := strconv.Atoi(string(e[1]))
		if !bytes.HasPrefix(pdf[off:], fmt.Appendf(nil, "%d 0 obj\n", i+1)) {
			t.Fatalf("object %d not at %d", i+1, off)
		}
	}
	if !bytes.Contains(pdf, []byte("trailer\n<< /Size 8 /Root 1 0 R /Info 7 0 R >>")) {
		t.Fatal("no trailer")
	}
	s := regexp.MustCompile(`(?s)<< /Length (\d+) >>\nstream\n(.*?)endstream`).FindSubmatch(pdf)
	if s == nil {
		t.Fatal("no content stream")
	}
	if l, _ := strconv.Atoi(string(s[1])); l != len(s[2]) {
		t.Fatalf("stream length %d, is %d", l, len(s[2]))
	}
	var out []string
	for _, tj := range regexp.MustCompile(`BT /F[12] \d+ Tf [\d.]+ [\d.]+ Td \(((?:\\.|[^\\)])*)\) Tj ET`).FindAllSubmatch(s[2], -1) {
		out = append(out, unescape(tj[1]))
	}
	return out
}

func unescape(b []byte) string {
	var r strings.Builder
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == '\\' {
			i++
			if b[i] >= '0' && b[i] <= '7' {
				v, _ := strconv.ParseUint(string(b[i:i+3]), 8, 8)
				c, i = byte(v), i+2
			} else {
				c = b[i]
			}
		}
		if d, ok := cp1252[c]; ok {
			r.WriteRune(d)
		} else {
			r.WriteRune(rune(c))
		}
	}
	return r.String()
}

func testInvoice(lang string, addr *BillingAddress) Invoice {
	at := time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC) // already 1 December in Germany
	d := InvoiceDue{OrderID: "o1", AccountID: "a1", Plan: "month", PlanName: "Monat (Prüfung)", ValidFrom: "2026-12-01", ValidUntil: "2026-12-31",
		AmountCents: 1190, Currency: "EUR", PaidAt: at.Add(-time.Hour), Language: lang}
	seller := Seller{Name: "HandGegenKoje GmbH", Address: []string{"Hafenstraße 1", "24103 Kiel"}, VATID: "DE123456789"}
	var a BillingAddress
	if addr != nil {
		a = *addr
	}
	inv, err := NewInvoice(d, InvoiceNumber("KOJ", 2026, 42), a, seller, 1900, at)
	if err != nil {
		panic(err)
	}
	return inv
}

// HGK-4: the invoice is a valid PDF stating what § 14(4) UStG asks, in the
// order's language, with the billing address given.
func TestInvoicePDFStatesTheRequiredFields(t *testing.T) {
	addr := &BillingAddress{Salutation: "ms", Name: "Jördis Müller-Øst (Büro)", Street: "Großer Kamp 3", PostalCode: "20095", City: "Hamburg", Country: "DE"}
	de := strings.Join(pdfTexts(t, InvoicePDF(testInvoice("de", addr))), "\n")
	for _, want := range []string{"HandGegenKoje GmbH", "Hafenstraße 1", "24103 Kiel", "USt-IdNr.: DE123456789",
		"Frau", "Jördis Müller-Øst (Büro)", "Großer Kamp 3", "20095 Hamburg",
		"Rechnung", "Rechnungsnummer\nKOJ-2026-000042", "Rechnungsdatum\n01.12.2026", "Leistungszeitraum\n01.12.2026 – 31.12.2026",
		"Pauschale für Inserate: Monat (Prüfung)", "Nettobetrag\n10,00 EUR", "Umsatzsteuer 19 %\n1,90 EUR", "Gesamtbetrag (brutto)\n11,90 EUR"} {
		if !strings.Contains(de, want) {
			t.Errorf("German invoice lacks %q:\n%s", want, de)
		}
	}
	en := strings.Join(pdfTexts(t, InvoicePDF(testInvoice("en", addr))), "\n")
	for _, want := range []string{"Invoice number\nKOJ-2026-000042", "Invoice date\n1 Dec 2026", "Net amount\n10.00 EUR", "VAT 19 %\n1.90 EUR", "Total (gross)\n11.90 EUR", "Ms"} {
		if !strings.Contains(en, want) {
			t.Errorf("English invoice lacks %q:\n%s", want, en)
		}
	}
}

// A small amount without an address is a small-amount invoice; a larger one waits.
func TestInvoiceWithoutAddress(t *testing.T) {
	texts := strings.Join(pdfTexts(t, InvoicePDF(testInvoice("de", nil))), "\n")
	if !strings.Contains(texts, "Kleinbetragsrechnung (§ 33 UStDV)") {
		t.Fatalf("no small-amount note:\n%s", texts)
	}
	d := InvoiceDue{AmountCents: SmallAmountCents + 1, Currency: "EUR"}
	if _, err := NewInvoice(d, "KOJ-2026-000001", BillingAddress{Name: "X"}, Seller{}, 1900, time.Now()); err != ErrNoBillingAddress {
		t.Fatalf("above the small amount without address: %v", err)
	}
}

// The render depends on the invoice alone: the same bytes every time.
func TestInvoicePDFIsDeterministic(t *testing.T) {
	inv := testInvoice("de", &BillingAddress{Name: "A", Street: "B 1", PostalCode: "1", City: "C"})
	if !bytes.Equal(InvoicePDF(inv), InvoicePDF(inv)) {
		t.Fatal("two renders differ")
	}
	// Bytes a PDF string cannot hold are escaped or replaced.
	inv.Recipient.Name = "a)b(c\\d\r\n/Type ☃"
	if got := pdfTexts(t, InvoicePDF(inv)); !strings.Contains(strings.Join(got, "|"), "a)b(c\\d  /Type ?") {
		t.Fatalf("escaping: %q", got)
	}
}

func TestSplitGrossAddsUp(t *testing.T) {
	for _, g := range []int64{0, 1, 99, 119, 1190, 2500, 99999, 25000} {
		net, vat := SplitGross(g, 1900)
		if net+vat != g || net < 0 || vat < 0 {
			t.Fatalf("%d: %d + %d", g, net, vat)
		}
	}
	if net, vat := SplitGross(1190, 1900); net != 1000 || vat != 190 {
		t.Fatalf("11.90: %d %d", net, vat)
	}
	if got := RetentionEnd(2026); !got.Equal(time.Date(2036, 12, 31, 23, 0, 0, 0, time.UTC)) {
		t.Fatalf("retention end %v", got)
	}
}
