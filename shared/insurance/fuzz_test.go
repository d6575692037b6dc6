package insurance_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"kontor/shared/insurance"
	"kontor/shared/problem"
)

var fuzzNow = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// An import yields only contracts that pass every rule, each number once; every
// other row is reported by its line; rows are bounded; a file that cannot be read is
// a 400 or 413 problem.
func FuzzParseImport(f *testing.F) {
	row := "KV-1000;C-1001;Anna;Berg;1984-03-09;Weg 1;06108;Halle;anna@example.org;+49 345 1234567;health;H1;412.50;EUR;monthly;2020-01-01;;27225.00"
	f.Add([]byte(row+"\n"+strings.Replace(row, "KV-1000", "kv-1001", 1)+"\n"+row), true, true)
	f.Add([]byte(strings.ReplaceAll(row, ";", ",")+"\n"), true, false)
	f.Add([]byte("kv-1;C-1;\"An\"\"na\";Berg\n\"open"), true, true)
	f.Add([]byte("\xef\xbb\xbfcontractNumber,firstName\nKV-1,Anna\n"), false, false)
	f.Add([]byte(strings.Repeat("a\"\n", insurance.MaxImportRows+1)), true, false) // unreadable rows count
	f.Fuzz(func(t *testing.T, data []byte, withHeader, semicolon bool) {
		if withHeader {
			sep := ","
			if semicolon {
				sep = ";"
			}
			data = append([]byte(strings.Join(insurance.ImportColumns, sep)+"\n"), data...)
		}
		cs, rep, err := insurance.ParseImport(data, fuzzNow)
		if err != nil {
			if p, ok := problem.As(err); !ok || (p.Status != http.StatusBadRequest && p.Status != http.StatusRequestEntityTooLarge) {
				t.Fatalf("error %v is not a 400 or 413 problem", err)
			}
			return
		}
		if rep.Rows != len(cs)+rep.RejectedRows || rep.Rows > insurance.MaxImportRows || len(rep.Rejected) > insurance.MaxReportedRows {
			t.Fatalf("%d rows, %d contracts, %d rejected", rep.Rows, len(cs), len(rep.Rejected))
		}
		last := 1
		for _, r := range rep.Rejected {
			if r.Line <= last || len(r.Errors) == 0 {
				t.Fatalf("rejected row %+v after line %d", r, last)
			}
			last = r.Line
		}
		seen := map[string]bool{}
		for _, c := range cs {
			checkContract(t, c)
			if seen[c.Number] {
				t.Fatalf("contract %s imported twice", c.Number)
			}
			seen[c.Number] = true
		}
	})
}

func checkContract(t *testing.T, c insurance.Contract) {
	t.Helper()
	for _, s := range []string{c.Number, c.InsuranceNumber, c.Holder.CustomerNumber, c.Holder.FirstName, c.Holder.LastName,
		c.Holder.Address.Street, c.Holder.Address.City, c.Holder.Email, c.Holder.Phone} {
		if !utf8.ValidString(s) || strings.TrimSpace(s) != s || strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }) {
			t.Fatalf("contract %+v: field %q", c, s)
		}
	}
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatalf("contract %+v: date %q", c, s)
		}
		return d
	}
	switch {
	case c.Number == "" || strings.ToUpper(c.Number) != c.Number || c.Holder.CustomerNumber == "" || c.InsuranceNumber == "":
		t.Fatalf("contract %+v: numbers", c)
	case c.Holder.FirstName == "" || c.Holder.LastName == "" || len(c.Holder.Address.PostalCode) != 5:
		t.Fatalf("contract %+v: holder", c)
	case !slices.Contains(insurance.ContractKinds, c.Kind) || !slices.Contains(insurance.PaymentIntervals, c.PaymentInterval):
		t.Fatalf("contract %+v: kind or interval", c)
	case c.Premium.Currency != "EUR" || c.Premium.Cents < 0 || c.ContributionsPaid.Currency != "EUR" || c.ContributionsPaid.Cents < 0:
		t.Fatalf("contract %+v: money", c)
	case !day(c.Holder.Birthdate).Before(fuzzNow) || (c.EndsOn != "" && day(c.EndsOn).Before(day(c.StartsOn))):
		t.Fatalf("contract %+v: dates", c)
	case !c.ImportedAt.Equal(fuzzNow):
		t.Fatalf("contract %+v: import time", c)
	}
}

// A callback counts only when its header carries, for a timestamp within the
// tolerance, the HMAC-SHA256 of "<t>.<body>" under the shared secret; a header the
// provider signed counts exactly while it is fresh, and for that body only.
func FuzzVerify(f *testing.F) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	body := []byte(`{"pseudonym":"p","result":"verified"}`)
	signed := insurance.Sign(secret, body, fuzzNow)
	f.Add(signed, body, int64(0))
	f.Add(strings.ToUpper(signed), body, int64(299))
	f.Add(" "+strings.ReplaceAll(signed, ",", " , ")+",v1=00", body, int64(-301))
	f.Add("t=9223372036854775807,v1="+strings.Repeat("0", 64), []byte{}, int64(1<<40))
	f.Add("v1=,t=,t", []byte("x"), int64(-1))
	f.Fuzz(func(t *testing.T, header string, body []byte, skew int64) {
		at := fuzzNow.Add(time.Duration(skew%900) * time.Second)
		fresh := fuzzNow.Sub(at).Abs() <= insurance.SignatureTolerance
		h := insurance.Sign(secret, body, at)
		if insurance.Verify(secret, h, body, fuzzNow) != fresh {
			t.Fatalf("own signature from %s: accepted %v, fresh %v", at, !fresh, fresh)
		}
		if insurance.Verify(secret, h, append(body[:len(body):len(body)], ' '), at) || insurance.Verify([]byte("another secret, 32 bytes long..."), h, body, at) {
			t.Fatal("a signature counted for another body or secret")
		}
		if !insurance.Verify(secret, header, body, fuzzNow) {
			return
		}
		for _, part := range strings.Split(header, ",") {
			k, ts, _ := strings.Cut(strings.TrimSpace(part), "=")
			sec, err := strconv.ParseInt(ts, 10, 64)
			if k != "t" || err != nil || fuzzNow.Sub(time.Unix(sec, 0)).Abs() > insurance.SignatureTolerance {
				continue
			}
			m := hmac.New(sha256.New, secret)
			m.Write([]byte(ts + "."))
			m.Write(body)
			if strings.Contains(strings.ToLower(header), "v1="+hex.EncodeToString(m.Sum(nil))) {
				return
			}
		}
		t.Fatalf("accepted %q for %q without a fresh signature of it", header, body)
	})
}
