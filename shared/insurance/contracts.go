package insurance

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"kontor/shared/identity"
	"kontor/shared/problem"
)

// Money is an amount in cents of a currency.
type Money struct {
	Cents    int64  `dynamodbav:"cents" json:"cents"`
	Currency string `dynamodbav:"currency" json:"currency"`
}

// Address is where activation letters go.
type Address struct {
	Street     string `dynamodbav:"street" json:"street"`
	PostalCode string `dynamodbav:"postalCode" json:"postalCode"`
	City       string `dynamodbav:"city" json:"city"`
}

// Holder is the policyholder as the operator's records know them.
type Holder struct {
	CustomerNumber string  `dynamodbav:"customerNumber" json:"customerNumber"`
	FirstName      string  `dynamodbav:"firstName" json:"firstName"`
	LastName       string  `dynamodbav:"lastName" json:"lastName"`
	Birthdate      string  `dynamodbav:"birthdate" json:"birthdate"`
	Address        Address `dynamodbav:"address" json:"address"`
	Email          string  `dynamodbav:"email,omitempty" json:"email,omitempty"`
	Phone          string  `dynamodbav:"phone,omitempty" json:"phone,omitempty"`
}

// Contract is one insurance contract (H4U-2).
type Contract struct {
	Number            string    `dynamodbav:"number" json:"number"`
	Holder            Holder    `dynamodbav:"holder" json:"holder"`
	Kind              string    `dynamodbav:"kind" json:"kind"`
	InsuranceNumber   string    `dynamodbav:"insuranceNumber" json:"insuranceNumber"`
	Premium           Money     `dynamodbav:"premium" json:"premium"`
	PaymentInterval   string    `dynamodbav:"paymentInterval" json:"paymentInterval"`
	StartsOn          string    `dynamodbav:"startsOn" json:"startsOn"`
	EndsOn            string    `dynamodbav:"endsOn,omitempty" json:"endsOn,omitempty"`
	ContributionsPaid Money     `dynamodbav:"contributionsPaid" json:"contributionsPaid"`
	ImportedAt        time.Time `dynamodbav:"importedAt" json:"importedAt"`
}

// Kinds of insurance and payment intervals the import accepts.
var (
	ContractKinds    = []string{"health", "supplementary-health", "dental", "long-term-care", "travel-health", "hospital-daily-allowance"}
	PaymentIntervals = []string{"monthly", "quarterly", "half-yearly", "yearly"}
)

// importHeader maps each column of an import's header to its index. A file whose
// header is ambiguous is refused as a whole, each column named: a column given twice
// (which of the two holds the value?), a column the import does not know (a
// misspelt optional column would be dropped silently), an empty column name, and a
// required column missing.
func importHeader(header []string) (map[string]int, []problem.FieldError) {
	col := map[string]int{}
	var bad []problem.FieldError
	known := map[string]bool{}
	for _, c := range ImportColumns {
		known[c] = true
	}
	for i, h := range header {
		name := strings.TrimSpace(h)
		switch _, twice := col[name]; {
		case name == "":
			bad = append(bad, problem.FieldError{Field: "header." + strconv.Itoa(i+1), Code: problem.FieldRequired})
		case twice:
			bad = append(bad, problem.FieldError{Field: "header." + name, Code: problem.FieldDuplicate})
		case !known[name]:
			bad = append(bad, problem.FieldError{Field: "header." + name, Code: problem.FieldInvalidValue})
		default:
			col[name] = i
		}
	}
	for _, c := range ImportColumns {
		if _, ok := col[c]; !ok && !optionalColumns[c] && !slices.ContainsFunc(bad, func(f problem.FieldError) bool { return f.Field == "header."+c }) {
			bad = append(bad, problem.FieldError{Field: "header." + c, Code: problem.FieldRequired})
		}
	}
	return col, bad
}

// ImportColumns is the header an import file must have, in any order.
var ImportColumns = []string{"contractNumber", "customerNumber", "firstName", "lastName", "birthdate", "street", "postalCode", "city",
	"email", "phone", "kind", "insuranceNumber", "premium", "currency", "paymentInterval", "startsOn", "endsOn", "contributionsPaid"}

var optionalColumns = map[string]bool{"email": true, "phone": true, "endsOn": true}

// Import limits.
const (
	MaxImportBytes = 2 << 20
	MaxImportRows  = 5000
	// MaxReportedRows bounds the rejected rows an import report lists: 5000 rows of
	// 18 bad fields each made a report over Lambda's 6 MB answer limit.
	MaxReportedRows = 500
)

var ()

// RowError is one rejected row of an import, by line number (1 is the header).
type RowError struct {
	Line           int                  `json:"line"`
	ContractNumber string               `json:"contractNumber,omitempty"`
	Errors         []problem.FieldError `json:"errors"`
}

// ImportReport says what an import did. Rejected lists the first MaxReportedRows
// rejected rows; RejectedRows counts them all, and Truncated says the list is cut.
type ImportReport struct {
	Rows         int        `json:"rows"`
	Imported     int        `json:"imported"`
	RejectedRows int        `json:"rejectedRows"`
	Truncated    bool       `json:"truncated"`
	Rejected     []RowError `json:"rejected"`
}

// reject counts a rejected row and lists it while the list has room.
func (rep *ImportReport) reject(e RowError) {
	rep.RejectedRows++
	if len(rep.Rejected) >= MaxReportedRows {
		rep.Truncated = true
		return
	}
	rep.Rejected = append(rep.Rejected, e)
}

// ParseImport reads an import file (CSV, UTF-8, comma or semicolon separated, with
// a header row) into contracts; rows that fail validation are reported and left
// out. A file that cannot be read at all is a problem.
func ParseImport(data []byte, now time.Time) ([]Contract, ImportReport, error) {
	rep := ImportReport{Rejected: []RowError{}}
	if len(data) > MaxImportBytes {
		return nil, rep, problem.New(http.StatusRequestEntityTooLarge, problem.CodeBodyTooLarge)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, rep, problem.Invalid(problem.FieldError{Field: "file", Code: problem.FieldInvalidValue})
	}
	r := csv.NewReader(bytes.NewReader(data))
	if first, _, _ := bytes.Cut(data, []byte("\n")); bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		r.Comma = ';'
	}
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, rep, problem.Invalid(problem.FieldError{Field: "header", Code: problem.FieldRequired})
	}
	col, bad := importHeader(header)
	if len(bad) > 0 {
		return nil, rep, problem.Invalid(bad...)
	}
	seen := map[string]bool{}
	var out []Contract
	for line := 2; ; line++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				rep.Rows++ // unreadable rows count too: 2 MB of them made a report larger than a Lambda response
				if rep.Rows > MaxImportRows {
					return nil, ImportReport{Rejected: []RowError{}}, problem.New(http.StatusRequestEntityTooLarge, problem.CodeBodyTooLarge)
				}
				rep.reject(RowError{Line: line, Errors: []problem.FieldError{{Field: "row", Code: problem.FieldInvalidValue}}})
				continue
			}
			return nil, rep, fmt.Errorf("read import: %w", err)
		}
		rep.Rows++
		if rep.Rows > MaxImportRows {
			return nil, ImportReport{Rejected: []RowError{}}, problem.New(http.StatusRequestEntityTooLarge, problem.CodeBodyTooLarge)
		}
		if len(rec) > len(header) {
			// A row with more fields than the header: which value belongs to which
			// column is a guess, so the row is refused, not read. (A shorter row lacks
			// its last values, which the row's checks name.)
			rep.reject(RowError{Line: line, Errors: []problem.FieldError{{Field: "row", Code: problem.FieldInvalidValue}}})
			continue
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		c, fe := rowContract(get, now)
		if seen[c.Number] && c.Number != "" {
			fe = append(fe, problem.FieldError{Field: "contractNumber", Code: problem.FieldDuplicate})
		}
		if len(fe) > 0 {
			rep.reject(RowError{Line: line, ContractNumber: c.Number, Errors: fe})
			continue
		}
		seen[c.Number] = true
		out = append(out, c)
	}
	return out, rep, nil
}

func rowContract(get func(string) string, now time.Time) (Contract, []problem.FieldError) {
	var fe []problem.FieldError
	bad := func(field string, code problem.Code) { fe = append(fe, problem.FieldError{Field: field, Code: code}) }
	need := func(field string) string {
		v := get(field)
		switch {
		case v == "" && !optionalColumns[field]:
			bad(field, problem.FieldRequired)
		case utf8.RuneCountInString(v) > 200:
			bad(field, problem.FieldTooLong)
		case !identity.CheckName(v).IsZero():
			bad(field, problem.FieldControlChars)
		}
		return v
	}
	c := Contract{
		Number: strings.ToUpper(need("contractNumber")), InsuranceNumber: need("insuranceNumber"), Kind: need("kind"),
		PaymentInterval: need("paymentInterval"), StartsOn: need("startsOn"), EndsOn: need("endsOn"), ImportedAt: now,
		Holder: Holder{
			CustomerNumber: strings.ToUpper(need("customerNumber")), FirstName: need("firstName"), LastName: need("lastName"),
			Birthdate: need("birthdate"), Phone: need("phone"),
			Address: Address{Street: need("street"), PostalCode: need("postalCode"), City: need("city")},
		},
	}
	if c.Number != "" && !validNumber(c.Number) {
		bad("contractNumber", problem.FieldInvalidValue)
	}
	if c.Holder.CustomerNumber != "" && !validNumber(c.Holder.CustomerNumber) {
		bad("customerNumber", problem.FieldInvalidValue)
	}
	if b := c.Holder.Birthdate; b != "" && !validDate(b, now, true) {
		bad("birthdate", problem.FieldInvalidValue)
	}
	if p := c.Holder.Address.PostalCode; p != "" && !validPostalCode(p) {
		bad("postalCode", problem.FieldInvalidValue)
	}
	if e := get("email"); e != "" {
		n, code := identity.NormalizeEmail(e)
		if !code.IsZero() {
			bad("email", code)
		}
		c.Holder.Email = n
	}
	if p := c.Holder.Phone; p != "" && !validPhone(p) {
		bad("phone", problem.FieldInvalidValue)
	}
	if c.Kind != "" && !oneOf(c.Kind, ContractKinds) {
		bad("kind", problem.FieldInvalidValue)
	}
	if c.PaymentInterval != "" && !oneOf(c.PaymentInterval, PaymentIntervals) {
		bad("paymentInterval", problem.FieldInvalidValue)
	}
	if s := c.StartsOn; s != "" && !validDate(s, now, false) {
		bad("startsOn", problem.FieldInvalidValue)
	}
	if e := c.EndsOn; e != "" && (!validDate(e, now, false) || (c.StartsOn != "" && e < c.StartsOn)) {
		bad("endsOn", problem.FieldInvalidValue)
	}
	cur := strings.ToUpper(need("currency"))
	if cur != "" && cur != "EUR" {
		bad("currency", problem.FieldInvalidValue)
	}
	var ok bool
	if c.Premium, ok = money(need("premium"), cur); !ok {
		bad("premium", problem.FieldInvalidValue)
	}
	if c.ContributionsPaid, ok = money(need("contributionsPaid"), cur); !ok {
		bad("contributionsPaid", problem.FieldInvalidValue)
	}
	return c, fe
}

func oneOf(v string, set []string) bool {
	for _, s := range set {
		if v == s {
			return true
		}
	}
	return false
}

// validDate accepts YYYY-MM-DD; a birthdate must lie in the past and after 1900.
func validDate(s string, now time.Time, past bool) bool {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil || d.Year() < 1900 || d.Year() > 2200 {
		return false
	}
	return !past || d.Before(now)
}

func money(s, cur string) (Money, bool) {
	if s == "" {
		return Money{}, true // reported as required already
	}
	if !validAmount(s) {
		return Money{}, false
	}
	whole, frac, _ := strings.Cut(s, ".")
	w, _ := strconv.ParseInt(whole, 10, 64)
	f := int64(0)
	if frac != "" {
		f, _ = strconv.ParseInt(frac, 10, 64)
	}
	return Money{Cents: w*100 + f, Currency: cur}, true
}

// The validators below are plain loops rather than package-level regular
// expressions: compiling those cost every cold start about 0.25 ms.

// validNumber accepts contract and customer numbers: 4 to 32 of A–Z, 0–9 and "-",
// not starting with "-".
func validNumber(s string) bool {
	if len(s) < 4 || len(s) > 32 || s[0] == '-' {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'A' && c <= 'Z' || isDigit(c) || c == '-') {
			return false
		}
	}
	return true
}

// validPostalCode accepts five digits.
func validPostalCode(s string) bool { return len(s) == 5 && allDigits(s) }

// validPhone accepts 6 to 24 of digits, spaces, "(", ")", "/", "-", optionally
// after a leading "+".
func validPhone(s string) bool {
	s = strings.TrimPrefix(s, "+")
	if len(s) < 6 || len(s) > 24 {
		return false
	}
	for _, c := range []byte(s) {
		if !isDigit(c) && !strings.ContainsRune(" ()/-", rune(c)) {
			return false
		}
	}
	return true
}

// validAmount accepts 1 to 9 digits, optionally with exactly two decimals after ".".
func validAmount(s string) bool {
	whole, frac, dot := strings.Cut(s, ".")
	if len(whole) < 1 || len(whole) > 9 || !allDigits(whole) {
		return false
	}
	return !dot || (len(frac) == 2 && allDigits(frac))
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func allDigits(s string) bool {
	for _, c := range []byte(s) {
		if !isDigit(c) {
			return false
		}
	}
	return true
}
