package insurance

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"kontor/shared/access"
	"kontor/shared/problem"
)

var now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func TestParseImportReportsEachRejectedRow(t *testing.T) {
	file := strings.Join([]string{
		"contractNumber;customerNumber;firstName;lastName;birthdate;street;postalCode;city;kind;insuranceNumber;premium;currency;paymentInterval;startsOn;contributionsPaid",
		"kv-1000;C-1001;Anna;Berg;1984-03-09;Weg 1;06108;Halle;health;H1;412.50;eur;monthly;2020-01-01;27225",
		"KV-1001;C-1001;Anna;Berg;2030-01-01;Weg 1;06108;Halle;health;H1;412.5;EUR;monthly;2020-01-01;0",
		"KV-1000;C-1002;Otto;Ost;1970-01-01;Weg 2;06108;Halle;dental;H2;1.00;EUR;yearly;2020-01-01;0",
		`KV-1002;C-1003;"Anna` + "\x07" + `";Berg;1984-03-09;Weg 1;06108;Halle;health;H1;1.00;EUR;monthly;2020-01-01;0`,
	}, "\n")
	cs, rep, err := ParseImport([]byte("\xef\xbb\xbf"+file), now)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || rep.Rows != 4 || len(rep.Rejected) != 3 {
		t.Fatalf("contracts %+v report %+v", cs, rep)
	}
	c := cs[0]
	if c.Number != "KV-1000" || c.Premium != (Money{41250, "EUR"}) || c.ContributionsPaid.Cents != 2722500 || c.Holder.Address.PostalCode != "06108" {
		t.Fatalf("contract %+v", c)
	}
	want := map[int]string{3: "birthdate", 4: "duplicate", 5: "control_characters"}
	for _, r := range rep.Rejected {
		if !strings.Contains(problemCodes(r.Errors), want[r.Line]) {
			t.Errorf("line %d: %+v, want %s", r.Line, r.Errors, want[r.Line])
		}
	}
	// Line 3 also has a premium with one decimal.
	if !strings.Contains(problemCodes(rep.Rejected[0].Errors), "premium") {
		t.Errorf("premium 412.5 accepted: %+v", rep.Rejected[0])
	}
}

func problemCodes(fe []problem.FieldError) string {
	var b strings.Builder
	for _, e := range fe {
		b.WriteString(e.Field + ":" + e.Code.ID + " ")
	}
	return b.String()
}

func TestParseImportRefusesFilesWithoutTheColumns(t *testing.T) {
	_, _, err := ParseImport([]byte("contractNumber,firstName\nKV-1,Anna\n"), now)
	if p, ok := problem.As(err); !ok || p.Status != http.StatusBadRequest || len(p.Fields) < 5 {
		t.Fatalf("err %v", err)
	}
	big := make([]byte, MaxImportBytes+1)
	if _, _, err := ParseImport(big, now); err == nil {
		t.Fatal("oversized file accepted")
	}
}

// Promise: H4U-5 — only a callback signed with the shared secret, and fresh, counts.
func TestCallbackSignatures(t *testing.T) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	body := []byte(`{"pseudonym":"p","result":"verified"}`)
	h := Sign(secret, body, now)
	if !Verify(secret, h, body, now.Add(time.Minute)) {
		t.Fatal("valid signature refused")
	}
	for name, ok := range map[string]bool{
		"other secret": Verify([]byte("another secret, another provider"), h, body, now),
		"other body":   Verify(secret, h, []byte(`{"pseudonym":"p","result":"failed"}`), now),
		"too old":      Verify(secret, h, body, now.Add(SignatureTolerance+time.Second)),
		"from future":  Verify(secret, h, body, now.Add(-SignatureTolerance-time.Second)),
		"no header":    Verify(secret, "", body, now),
		"garbage":      Verify(secret, "t=x,v1=zz", body, now),
	} {
		if ok {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestActivationCodesAreRandomAndForgiving(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		c, err := activationCode()
		if err != nil {
			t.Fatal(err)
		}
		if len(c) != 14 || c[4] != '-' || c[9] != '-' || strings.ContainsAny(c, "01IO") || seen[c] {
			t.Fatalf("code %q", c)
		}
		seen[c] = true
	}
	if normalizeCode(" abcd-efgh jkLM ") != "ABCDEFGHJKLM" {
		t.Fatal("codes are compared without case, dashes and spaces")
	}
}

// Promise: H4U-10 — only a person with the staff role decides; the check does not
// depend on the router having run.
func TestOnlyStaffDecide(t *testing.T) {
	c := &Review{Claims: &Claims{Now: func() time.Time { return now }}}
	for _, p := range []access.Principal{{}, {AccountID: "a1", Roles: []string{access.RoleMember}}, {Roles: []string{access.RoleStaff}}} {
		_, err := c.Decide(context.Background(), p, "x", DecisionInput{Status: StatusRejected, Note: "n", Version: 1})
		if pr, ok := problem.As(err); !ok || pr.Status != http.StatusForbidden {
			t.Fatalf("%+v decided: %v", p, err)
		}
	}
}

func TestFieldValidators(t *testing.T) {
	for s, want := range map[string]bool{"KV-2026-1": true, "AB12": true, "-ABC": false, "AB1": false, "kv-1234": false, "KV 1234": false, strings.Repeat("A", 33): false} {
		if validNumber(s) != want {
			t.Errorf("validNumber(%q) != %v", s, want)
		}
	}
	for s, want := range map[string]bool{"+49 345 123456": true, "0345/123-456": true, "+(0)30 1234": true, "12345": false, "+49 345 12a456": false, "++49 3451234": false} {
		if validPhone(s) != want {
			t.Errorf("validPhone(%q) != %v", s, want)
		}
	}
	for s, want := range map[string]bool{"0": true, "412.50": true, "412.5": false, ".50": false, "1234567890": false, "12.345": false, "12,50": false} {
		if validAmount(s) != want {
			t.Errorf("validAmount(%q) != %v", s, want)
		}
	}
	for s, want := range map[string]bool{"06108": true, "6108": false, "0610a": false} {
		if validPostalCode(s) != want {
			t.Errorf("validPostalCode(%q) != %v", s, want)
		}
	}
}

func TestParseImportRefusesTooManyRows(t *testing.T) {
	var b strings.Builder
	b.WriteString(strings.Join(ImportColumns, ",") + "\n")
	for range MaxImportRows + 1 {
		b.WriteString("x\n")
	}
	if _, _, err := ParseImport([]byte(b.String()), now); err == nil {
		t.Fatal("5001 rows accepted")
	}
}

// Promise: H4U-5 — an eID identification activates only when the identified person
// is the contract's holder.
func TestEIDIdentityMatchesOnlyTheHolder(t *testing.T) {
	holder := Holder{FirstName: "Jürgen", LastName: "Groß-Müller", Birthdate: "1971-05-30"}
	cases := []struct {
		name string
		id   EIDIdentity
		want bool
	}{
		{"as on the card", EIDIdentity{GivenNames: "JÜRGEN", FamilyNames: "GROSS-MÜLLER", DateOfBirth: "1971-05-30"}, true},
		{"all given names", EIDIdentity{GivenNames: "Jürgen Karl", FamilyNames: "Groß Müller", DateOfBirth: "1971-05-30"}, true},
		{"umlauts spelled out", EIDIdentity{GivenNames: "Juergen", FamilyNames: "Gross-Mueller", DateOfBirth: "1971-05-30"}, true},
		{"another person", EIDIdentity{GivenNames: "Mallory", FamilyNames: "Stranger", DateOfBirth: "1990-01-01"}, false},
		{"same name, other birthdate", EIDIdentity{GivenNames: "Jürgen", FamilyNames: "Groß-Müller", DateOfBirth: "1971-05-31"}, false},
		{"other family name", EIDIdentity{GivenNames: "Jürgen", FamilyNames: "Groß", DateOfBirth: "1971-05-30"}, false},
		{"other given name", EIDIdentity{GivenNames: "Karl", FamilyNames: "Groß-Müller", DateOfBirth: "1971-05-30"}, false},
		{"nothing read", EIDIdentity{}, false},
	}
	for _, c := range cases {
		if got := c.id.Matches(holder); got != c.want {
			t.Errorf("%s: Matches = %v, want %v", c.name, got, c.want)
		}
	}
	accented := Holder{FirstName: "Zoë", LastName: "Čapek", Birthdate: "1980-01-02"}
	if !(EIDIdentity{GivenNames: "ZOE", FamilyNames: "CAPEK", DateOfBirth: "1980-01-02"}).Matches(accented) {
		t.Error("accents are not folded")
	}
}

// An import whose shape is ambiguous is refused as a whole, naming each column: a
// column given twice, an unknown (perhaps misspelt) column, an empty column name;
// a row with more fields than the header is refused, not guessed; a shorter one is
// refused for the values it lacks.
func TestParseImportRefusesAmbiguousShapes(t *testing.T) {
	head := "contractNumber;customerNumber;firstName;lastName;birthdate;street;postalCode;city;kind;insuranceNumber;premium;currency;paymentInterval;startsOn;contributionsPaid"
	row := "KV-1000;C-1002;Otto;Ost;1970-01-01;Weg 2;06108;Halle;dental;H2;1.00;EUR;yearly;2020-01-01;0"
	for name, c := range map[string]struct{ header, field, code string }{
		"twice":   {head + ";lastName", "header.lastName", "duplicate"},
		"unknown": {head + ";emial", "header.emial", "invalid_value"},
		"empty":   {head + "; ", "header.16", "required"},
	} {
		_, _, err := ParseImport([]byte(c.header+"\n"+row+";x\n"), now)
		p, ok := problem.As(err)
		if !ok || p.Status != http.StatusBadRequest || !strings.Contains(problemCodes(p.Fields), c.field+":"+c.code) {
			t.Errorf("%s: %v %+v", name, err, p)
		}
	}
	cs, rep, err := ParseImport([]byte(head+"\n"+row+"\n"+row+";extra\n"+strings.TrimSuffix(row, ";0")+"\n"), now)
	if err != nil || len(cs) != 1 || len(rep.Rejected) != 2 || rep.Rejected[0].Line != 3 || rep.Rejected[1].Line != 4 ||
		problemCodes(rep.Rejected[0].Errors) != "row:invalid_value " || !strings.Contains(problemCodes(rep.Rejected[1].Errors), "contributionsPaid:required") {
		t.Fatalf("rows with the wrong number of fields: %v %+v %+v", err, cs, rep)
	}
}
