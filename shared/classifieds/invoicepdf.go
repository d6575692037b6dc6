package classifieds

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The invoice PDF is written here, not by a library: one A4 page of text in the
// standard Helvetica fonts (every PDF reader has them, nothing is embedded) with
// WinAnsiEncoding, which holds the German letters. The output depends on the
// invoice alone (no clock, no random ids), so an invoice rendered again after an
// interrupted run is the same file byte for byte.

// pdfText is one line of text on the page: its position in points from the
// bottom left, its size and weight.
type pdfText struct {
	x, y float64
	size int
	bold bool
	text string
}

// invoiceLabels are the invoice's words in its language.
type invoiceLabels struct {
	title, number, date, period, paid, description, plan, net, vat, gross, settled, small, vatID, taxNumber string
}

var labelsByLang = map[string]invoiceLabels{
	"de": {title: "Rechnung", number: "Rechnungsnummer", date: "Rechnungsdatum", period: "Leistungszeitraum", paid: "Bezahlt am",
		description: "Leistung", plan: "Pauschale für Inserate", net: "Nettobetrag", vat: "Umsatzsteuer", gross: "Gesamtbetrag (brutto)",
		settled: "Der Betrag ist bereits bezahlt.", small: "Kleinbetragsrechnung (§ 33 UStDV)", vatID: "USt-IdNr.", taxNumber: "Steuernummer"},
	"en": {title: "Invoice", number: "Invoice number", date: "Invoice date", period: "Service period", paid: "Paid on",
		description: "Service", plan: "Flat rate for listings", net: "Net amount", vat: "VAT", gross: "Total (gross)",
		settled: "This amount has been paid.", small: "Small-amount invoice (§ 33 UStDV)", vatID: "VAT ID", taxNumber: "Tax number"},
}

// salutations are the words of the advertiser data's salutations ("mx" has none).
var salutations = map[string]map[string]string{
	"de": {"ms": "Frau", "mr": "Herr"},
	"en": {"ms": "Ms", "mr": "Mr"},
}

// InvoicePDF renders an invoice (§ 14(4) UStG: seller with address and VAT id or
// tax number, recipient, number, date, service period, description, net, VAT rate
// and amount, gross) in the invoice's language.
func InvoicePDF(inv Invoice) []byte {
	l := labelsByLang[invoiceLanguage(inv.Language)]
	lines := sellerLines(inv.Seller, l)
	lines = append(lines, recipientLines(inv, l)...)
	y := 560.0
	add := func(size int, bold bool, label, value string) {
		lines = append(lines, pdfText{x: 56, y: y, size: size, bold: bold, text: label})
		if value != "" {
			lines = append(lines, pdfText{x: 300, y: y, size: size, bold: bold, text: value})
		}
		y -= float64(size) + 8
	}
	add(16, true, l.title, "")
	add(10, false, l.number, inv.Number)
	add(10, false, l.date, formatDay(inv.IssuedOn, inv.Language))
	add(10, false, l.period, formatDay(inv.ValidFrom, inv.Language)+" – "+formatDay(inv.ValidUntil, inv.Language))
	add(10, false, l.paid, formatDay(inv.PaidAt.In(germany).Format(time.DateOnly), inv.Language))
	y -= 12
	add(10, false, l.description, l.plan+": "+inv.PlanName)
	add(10, false, l.net, formatMoney(inv.NetCents, inv.Currency, inv.Language))
	add(10, false, l.vat+" "+formatRate(inv.VATBasisPoints, inv.Language), formatMoney(inv.VATCents, inv.Currency, inv.Language))
	add(11, true, l.gross, formatMoney(inv.GrossCents, inv.Currency, inv.Language))
	y -= 12
	add(10, false, l.settled, "")
	return writePDF(inv.Number, inv.IssuedAt, lines)
}

func sellerLines(s Seller, l invoiceLabels) []pdfText {
	out := []pdfText{{x: 56, y: 790, size: 12, bold: true, text: s.Name}}
	y := 774.0
	for _, a := range s.Address {
		out = append(out, pdfText{x: 56, y: y, size: 9, text: a})
		y -= 12
	}
	if s.VATID != "" {
		out = append(out, pdfText{x: 56, y: y, size: 9, text: l.vatID + ": " + s.VATID})
		y -= 12
	}
	if s.TaxNumber != "" {
		out = append(out, pdfText{x: 56, y: y, size: 9, text: l.taxNumber + ": " + s.TaxNumber})
	}
	return out
}

// recipientLines is the address field, or the small-amount note without one.
func recipientLines(inv Invoice, l invoiceLabels) []pdfText {
	a := inv.Recipient
	if a == nil {
		return []pdfText{{x: 56, y: 660, size: 10, text: l.small}}
	}
	texts := []string{}
	if s := salutations[invoiceLanguage(inv.Language)][a.Salutation]; s != "" {
		texts = append(texts, s)
	}
	texts = append(texts, a.Name, a.Street, a.PostalCode+" "+a.City)
	if a.Country != "" && a.Country != "DE" {
		texts = append(texts, a.Country)
	}
	out := make([]pdfText, 0, len(texts))
	for i, t := range texts {
		out = append(out, pdfText{x: 56, y: 680 - float64(i)*13, size: 10, text: t})
	}
	return out
}

// formatDay writes a YYYY-MM-DD day as 30.11.2026 (German) or 30 Nov 2026.
func formatDay(day, lang string) string {
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	if lang == "en" {
		return d.Format("2 Jan 2006")
	}
	return d.Format("02.01.2006")
}

// formatMoney writes cents as 1.234,56 EUR (German) or 1,234.56 EUR.
func formatMoney(cents int64, currency, lang string) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	dec, group := ",", "."
	if lang == "en" {
		dec, group = ".", ","
	}
	units := strconv.FormatInt(cents/100, 10)
	var b strings.Builder
	for i, r := range units {
		if i > 0 && (len(units)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(r)
	}
	return fmt.Sprintf("%s%s%s%02d %s", sign, b.String(), dec, cents%100, currency)
}

// formatRate writes basis points as a percentage: 19 %, 7 %, 5,5 %.
func formatRate(bp int64, lang string) string {
	s := strconv.FormatInt(bp/100, 10)
	if bp%100 != 0 {
		frac := strings.TrimRight(fmt.Sprintf("%02d", bp%100), "0")
		sep := ","
		if lang == "en" {
			sep = "."
		}
		s += sep + frac
	}
	return s + " %"
}

// writePDF writes one A4 page holding the lines, with the title and creation date
// in its document information.
func writePDF(title string, created time.Time, lines []pdfText) []byte {
	var content bytes.Buffer
	for _, t := range lines {
		font := "F1"
		if t.bold {
			font = "F2"
		}
		fmt.Fprintf(&content, "BT /%s %d Tf %s %s Td (%s) Tj ET\n", font, t.size, num(t.x), num(t.y), pdfString(t.text))
	}
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
		fmt.Sprintf("<< /Title (%s) /Producer (Kontor) /CreationDate (D:%s) >>", pdfString(title), created.UTC().Format("20060102150405Z")),
	}
	var out bytes.Buffer
	out.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, len(objects), xref)
	return out.Bytes()
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// winAnsi are the characters of WinAnsiEncoding outside Latin-1 that invoices use.
var winAnsi = map[rune]byte{'€': 0x80, '‚': 0x82, '„': 0x84, '…': 0x85, '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94, '–': 0x96, '—': 0x97}

// pdfString encodes text in WinAnsiEncoding as the inside of a PDF literal string:
// parentheses and backslashes escaped, control characters as spaces, and what the
// encoding lacks as "?".
func pdfString(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			b.WriteByte(' ')
		case r < 0x80:
			b.WriteRune(r)
		case r >= 0xa0 && r <= 0xff:
			fmt.Fprintf(&b, "\\%03o", r)
		case winAnsi[r] != 0:
			fmt.Fprintf(&b, "\\%03o", winAnsi[r])
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}
