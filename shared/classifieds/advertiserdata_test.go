package classifieds

import (
	"encoding/json"
	"testing"

	"kontor/shared/problem"
)

func patch(t *testing.T, raw string) AdvertiserPatch {
	t.Helper()
	var p AdvertiserPatch
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// fieldCode is the one field error's field and code of err, or "" when none.
func fieldCode(err error) string {
	p, ok := problem.As(err)
	if !ok || len(p.Fields) != 1 {
		return ""
	}
	return p.Fields[0].Field + "/" + p.Fields[0].Code.ID
}

func TestUsernameRules(t *testing.T) {
	for name, want := range map[string]string{
		"Skipper_Greta":   "",
		"kieler.sprotte":  "",
		"Ålands-Segler":   "",
		"ab":              "username/too_short",
		"a__b":            "username/username_format",
		"_greta":          "username/username_format",
		"greta ":          "", // trimmed
		"gre ta":          "username/username_format",
		"<b>x</b>":        "username/username_format",
		"Admin":           "username/username_reserved",
		"crew.ADMIN.kiel": "username/username_reserved",
		"Hand-Gegen-Koje": "username/username_reserved",
		"hgk_team":        "username/username_reserved",
		"sup.port":        "username/username_reserved",
	} {
		raw, _ := json.Marshal(map[string]string{"username": name})
		_, err := patch(t, string(raw)).Apply(AdvertiserData{})
		if got := fieldCode(err); got != want {
			t.Errorf("%q: %q (%v), want %q", name, got, err, want)
		}
	}
}

func TestPatchKeepsAbsentRemovesNullAndChecksEveryField(t *testing.T) {
	d := AdvertiserData{Username: "greta", Name: "Greta Segel", City: "Kiel", Country: "DE"}
	got, err := patch(t, `{"name": null, "city": " ", "country": "at", "salutation": "ms"}`).Apply(d)
	if err != nil || got.Username != "greta" || got.Name != "" || got.City != "" || got.Country != "AT" || got.Salutation != "ms" {
		t.Fatalf("%+v %v", got, err)
	}
	for raw, want := range map[string]string{
		`{"salutation": "king"}`:         "salutation/invalid_value",
		`{"country": "Germany"}`:         "country/invalid_value",
		`{"postalCode": "<1>"}`:          "postalCode/invalid_value",
		`{"name": "<script>x</script>"}`: "name/markup_not_allowed",
		`{"email": "x@example.org"}`:     "email/invalid_value",
		`{"name": 5}`:                    "name/invalid_value",
	} {
		if _, err := patch(t, raw).Apply(d); fieldCode(err) != want {
			t.Errorf("%s: %v, want %s", raw, err, want)
		}
	}
}

func TestSummaryRoundsToOneDecimal(t *testing.T) {
	if s := SummaryOf(AdvertiserRecord{RatingCount: 3, RatingSum: 14}); s.Count != 3 || s.Average != 4.7 {
		t.Fatalf("%+v", s)
	}
	if s := SummaryOf(AdvertiserRecord{}); s.Count != 0 || s.Average != 0 {
		t.Fatalf("%+v", s)
	}
}
