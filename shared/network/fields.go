package network

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"kontor/shared/identity"
	"kontor/shared/problem"
)

// Caps of a profile's details, in characters (docs/network.md). A body holding
// every detail at its cap fits MaxBody.
const (
	MaxShort     = 100  // names, role, city, industry
	MaxCompany   = 200  // company name, street
	MaxWebsite   = 300  // company website
	MaxLong      = 2000 // about, company description
	MaxListItems = 20   // entries of expertise and languages
	MaxListItem  = 60   // one entry
	// MaxBody bounds a profile change's JSON body, in bytes: every detail at its
	// cap with room for JSON escaping fits, so a detail over its cap is refused by
	// name (400) and only a body larger than any valid one gets 413.
	MaxBody = 64 << 10
)

// textField is one detail held as text: how it is checked and where it is kept.
type textField struct {
	name string
	max  int
	// mandatory details cannot be removed (HKC-3); the others can.
	mandatory, voluntary bool
	// multiline details keep line breaks.
	multiline bool
	check     func(string) problem.Code
	at        func(*Profile) *string
}

// textFields are the text details in the order of the form.
var textFields = []textField{
	{name: "firstName", max: MaxShort, mandatory: true, at: func(p *Profile) *string { return &p.FirstName }},
	{name: "lastName", max: MaxShort, mandatory: true, at: func(p *Profile) *string { return &p.LastName }},
	{name: "gender", max: MaxShort, mandatory: true, check: oneOf(Genders), at: func(p *Profile) *string { return &p.Gender }},
	{name: "company", max: MaxCompany, mandatory: true, at: func(p *Profile) *string { return &p.Company }},
	{name: "roleInCompany", max: MaxShort, mandatory: true, at: func(p *Profile) *string { return &p.RoleInCompany }},
	{name: "companyWebsite", max: MaxWebsite, mandatory: true, check: checkWebsite, at: func(p *Profile) *string { return &p.CompanyWebsite }},
	{name: "street", max: MaxCompany, mandatory: true, at: func(p *Profile) *string { return &p.Street }},
	{name: "houseNumber", max: 20, mandatory: true, at: func(p *Profile) *string { return &p.HouseNumber }},
	// The postal code is checked against the country once both are known (apply).
	{name: "postalCode", max: 12, mandatory: true, at: func(p *Profile) *string { return &p.PostalCode }},
	{name: "city", max: MaxShort, mandatory: true, at: func(p *Profile) *string { return &p.City }},
	{name: "country", max: 2, mandatory: true, check: checkCountry, at: func(p *Profile) *string { return &p.Country }},
	{name: "phone", max: 30, mandatory: true, check: checkPhone, at: func(p *Profile) *string { return &p.Phone }},
	{name: "fax", max: 30, mandatory: true, check: checkPhone, at: func(p *Profile) *string { return &p.Fax }},
	{name: "email", max: identity.MaxEmailLen, mandatory: true, check: checkEmail, at: func(p *Profile) *string { return &p.Email }},
	{name: "birthdate", max: 10, check: checkBirthdate, at: func(p *Profile) *string { return &p.Birthdate }},
	{name: "about", max: MaxLong, voluntary: true, multiline: true, at: func(p *Profile) *string { return &p.About }},
	{name: "companyDescription", max: MaxLong, voluntary: true, multiline: true, at: func(p *Profile) *string { return &p.CompanyDescription }},
	{name: "industry", max: MaxShort, voluntary: true, at: func(p *Profile) *string { return &p.Industry }},
	{name: "companySize", max: MaxShort, voluntary: true, check: oneOf(CompanySizes), at: func(p *Profile) *string { return &p.CompanySize }},
}

// listField is a voluntary detail held as a list of short texts.
type listField struct {
	name string
	at   func(*Profile) *[]string
}

var listFields = []listField{
	{name: "expertise", at: func(p *Profile) *[]string { return &p.Expertise }},
	{name: "languages", at: func(p *Profile) *[]string { return &p.Languages }},
}

// fieldErrors collects a change's field errors in the order of the form.
type fieldErrors []problem.FieldError

func (fe *fieldErrors) add(field string, c problem.Code) {
	*fe = append(*fe, problem.FieldError{Field: field, Code: c})
}

// apply changes p by patch, the details a change names with their JSON values
// (nil removes a removable detail, as does ""). Unknown names are refused by the
// caller before. It returns the changed profile, whether a voluntary detail gets a
// value, and the field errors.
func apply(p Profile, patch map[string]any) (Profile, bool, fieldErrors) {
	var fe fieldErrors
	voluntary := false
	for _, f := range textFields {
		raw, ok := patch[f.name]
		if !ok {
			continue
		}
		v, code := text(raw, f)
		if !code.IsZero() {
			fe.add(f.name, code)
			continue
		}
		voluntary = voluntary || (f.voluntary && v != "")
		*f.at(&p) = v
	}
	for _, f := range listFields {
		raw, ok := patch[f.name]
		if !ok {
			continue
		}
		v, code := list(raw)
		if !code.IsZero() {
			fe.add(f.name, code)
			continue
		}
		voluntary = voluntary || len(v) > 0
		*f.at(&p) = v
	}
	if raw, ok := patch["birthdateVisible"]; ok {
		if b, isBool := raw.(bool); isBool {
			p.BirthdateVisible = b
		} else {
			fe.add("birthdateVisible", problem.FieldInvalidValue)
		}
	}
	_, pc := patch["postalCode"]
	_, cc := patch["country"]
	if (pc || cc) && p.PostalCode != "" && !validPostalCode(p.Country, p.PostalCode) && !fe.names("postalCode") {
		fe.add("postalCode", FieldInvalidPostalCode)
	}
	return p, voluntary, fe
}

// names reports whether field has an error already.
func (fe fieldErrors) names(field string) bool {
	return slices.ContainsFunc(fe, func(e problem.FieldError) bool { return e.Field == field })
}

// text checks one text detail's JSON value: a string (trimmed) within its cap,
// without control characters (line breaks only in multi-line details), passing the
// detail's own check; "" and null remove a removable detail.
func text(raw any, f textField) (string, problem.Code) {
	if raw == nil {
		raw = ""
	}
	s, ok := raw.(string)
	if !ok {
		return "", problem.FieldInvalidValue
	}
	if f.multiline {
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	s = strings.TrimSpace(s)
	switch f.name {
	case "email":
		s = strings.ToLower(s)
	case "country", "postalCode":
		s = strings.ToUpper(s)
	}
	switch {
	case s == "" && f.mandatory:
		return "", problem.FieldRequired
	case s == "":
		return "", problem.Code{}
	case !utf8.ValidString(s):
		return "", problem.FieldInvalidValue
	case utf8.RuneCountInString(s) > f.max:
		return "", problem.FieldTooLong
	case hasControl(s, f.multiline):
		return "", problem.FieldControlChars
	case f.check != nil:
		if c := f.check(s); !c.IsZero() {
			return "", c
		}
	}
	return s, problem.Code{}
}

// list checks a list detail's JSON value: up to MaxListItems distinct short
// texts; null or [] removes it.
func list(raw any) ([]string, problem.Code) {
	if raw == nil {
		return nil, problem.Code{}
	}
	items, ok := raw.([]any)
	if !ok {
		return nil, problem.FieldInvalidValue
	}
	if len(items) > MaxListItems {
		return nil, problem.FieldTooLong
	}
	out := make([]string, 0, len(items))
	for _, it := range items {
		s, ok := it.(string)
		s = strings.TrimSpace(s)
		switch {
		case !ok || s == "" || !utf8.ValidString(s):
			return nil, problem.FieldInvalidValue
		case utf8.RuneCountInString(s) > MaxListItem:
			return nil, problem.FieldTooLong
		case hasControl(s, false):
			return nil, problem.FieldControlChars
		case slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, s) }):
			return nil, problem.FieldDuplicate
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, problem.Code{}
	}
	return out, problem.Code{}
}

func hasControl(s string, multiline bool) bool {
	for _, r := range s {
		if (unicode.IsControl(r) && !(multiline && r == '\n')) || r == '\u2028' || r == '\u2029' {
			return true
		}
	}
	return false
}

func oneOf(values []string) func(string) problem.Code {
	return func(s string) problem.Code {
		if !slices.Contains(values, s) {
			return problem.FieldInvalidValue
		}
		return problem.Code{}
	}
}

// checkWebsite allows an absolute http or https address of a named host: no
// javascript:, data: or other scheme, no credentials, no spaces.
func checkWebsite(s string) problem.Code {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Opaque != "" || u.User != nil ||
		!strings.Contains(u.Hostname(), ".") || strings.ContainsAny(s, " \\\"<>") {
		return FieldInvalidURL
	}
	return problem.Code{}
}

func checkEmail(s string) problem.Code {
	_, c := identity.NormalizeEmail(s)
	return c
}

var phonePattern = regexp.MustCompile(`^\+?[0-9 ()/.\-]+$`)

// checkPhone allows 5 to 20 digits, a leading + and the usual separators.
func checkPhone(s string) problem.Code {
	digits := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	if !phonePattern.MatchString(s) || digits < 5 || digits > 20 {
		return FieldInvalidPhone
	}
	return problem.Code{}
}

var countryPattern = regexp.MustCompile(`^[A-Z]{2}$`)

func checkCountry(s string) problem.Code {
	if !countryPattern.MatchString(s) || !strings.Contains(" "+countries+" ", " "+s+" ") {
		return FieldInvalidCountry
	}
	return problem.Code{}
}

// checkBirthdate allows a date from 1900 up to today.
func checkBirthdate(s string) problem.Code {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil || d.Year() < 1900 || d.After(time.Now().UTC()) {
		return FieldInvalidDate
	}
	return problem.Code{}
}

// postalCodes are the postal code formats of some countries; any other country's
// code is checked against genericPostalCode.
var postalCodes = map[string]*regexp.Regexp{
	"DE": regexp.MustCompile(`^[0-9]{5}$`),
	"AT": regexp.MustCompile(`^[0-9]{4}$`),
	"CH": regexp.MustCompile(`^[0-9]{4}$`),
	"LI": regexp.MustCompile(`^[0-9]{4}$`),
	"BE": regexp.MustCompile(`^[0-9]{4}$`),
	"DK": regexp.MustCompile(`^[0-9]{4}$`),
	"LU": regexp.MustCompile(`^[0-9]{4}$`),
	"NL": regexp.MustCompile(`^[0-9]{4} ?[A-Z]{2}$`),
	"FR": regexp.MustCompile(`^[0-9]{5}$`),
	"IT": regexp.MustCompile(`^[0-9]{5}$`),
	"ES": regexp.MustCompile(`^[0-9]{5}$`),
	"PL": regexp.MustCompile(`^[0-9]{2}-[0-9]{3}$`),
	"GB": regexp.MustCompile(`^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$`),
	"US": regexp.MustCompile(`^[0-9]{5}(-[0-9]{4})?$`),
}

var genericPostalCode = regexp.MustCompile(`^[A-Z0-9][A-Z0-9 -]{1,10}$`)

// validPostalCode checks a postal code against the country's format (upper case
// letters), or a generic one when the country has none here or is not set yet.
func validPostalCode(country, code string) bool {
	if re, ok := postalCodes[country]; ok {
		return re.MatchString(code)
	}
	return genericPostalCode.MatchString(code)
}

// countries are the officially assigned ISO 3166-1 alpha-2 codes (249).
const countries = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ " +
	"CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR " +
	"GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP " +
	"KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ " +
	"NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW " +
	"SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ " +
	"UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"
