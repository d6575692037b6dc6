// Package privacy is Kontor's privacy registry: every kind of personal data the
// platform stores is declared here once, with its purpose, legal basis, retention,
// recipients and source. Modules declare their kinds; the registry assembles them,
// and tests hold template.yaml and the declarations in step.
package privacy

import (
	"fmt"
	"sort"
	"strings"
)

// LegalBasis names the GDPR provision a processing rests on.
type LegalBasis string

// Legal bases used by Kontor.
const (
	Consent            LegalBasis = "Art. 6(1)(a) GDPR"
	Contract           LegalBasis = "Art. 6(1)(b) GDPR"
	LegalObligation    LegalBasis = "Art. 6(1)(c) GDPR"
	LegitimateInterest LegalBasis = "Art. 6(1)(f) GDPR"
	ExplicitConsent    LegalBasis = "Art. 9(2)(a) GDPR"
)

// Text is a sentence in German and English.
type Text struct {
	DE string `json:"de"`
	EN string `json:"en"`
}

// Retention says how long a kind of data is kept and what ends it.
type Retention struct {
	Rule Text `json:"rule"`
	// Parameter names the template parameter that sets the period, if any.
	Parameter string `json:"parameter,omitempty"`
}

// Kind is one kind of stored personal data.
type Kind struct {
	ID         string     `json:"id"`     // module.kind, stable
	Module     string     `json:"module"` // owning module
	Table      string     `json:"table"`  // logical id of the table or bucket in template.yaml
	Category   Text       `json:"category"`
	Fields     []string   `json:"fields"`
	Purpose    Text       `json:"purpose"`
	LegalBasis LegalBasis `json:"legalBasis"`
	Retention  Retention  `json:"retention"`
	Recipients Text       `json:"recipients"`
	Source     Text       `json:"source"`
}

// Purpose is something a person can consent to, in the text version they consent to.
type Purpose struct {
	ID          string     `json:"id"`
	Version     string     `json:"version"`
	LegalBasis  LegalBasis `json:"legalBasis"`
	Description Text       `json:"description"`
}

// NoPersonalData declares a table that holds no personal data, and why.
type NoPersonalData struct {
	Table  string
	Reason string
}

// Registry is the set of declared kinds.
type Registry struct {
	Kinds []Kind
	// Clean lists the tables that hold no personal data.
	Clean []NoPersonalData
}

// Validate checks that every kind is complete and ids are unique.
func (r Registry) Validate() error {
	seen := map[string]bool{}
	var problems []string
	for _, k := range r.Kinds {
		if seen[k.ID] {
			problems = append(problems, k.ID+": declared twice")
		}
		seen[k.ID] = true
		missing := []string{}
		for name, v := range map[string]string{
			"module": k.Module, "table": k.Table, "category.de": k.Category.DE, "category.en": k.Category.EN,
			"purpose.de": k.Purpose.DE, "purpose.en": k.Purpose.EN, "legalBasis": string(k.LegalBasis),
			"retention.de": k.Retention.Rule.DE, "retention.en": k.Retention.Rule.EN,
			"recipients.de": k.Recipients.DE, "recipients.en": k.Recipients.EN, "source.de": k.Source.DE, "source.en": k.Source.EN,
		} {
			if strings.TrimSpace(v) == "" {
				missing = append(missing, name)
			}
		}
		if len(k.Fields) == 0 {
			missing = append(missing, "fields")
		}
		if len(missing) > 0 {
			sort.Strings(missing)
			problems = append(problems, fmt.Sprintf("%s: missing %s", k.ID, strings.Join(missing, ", ")))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("privacy registry: %s", strings.Join(problems, "; "))
	}
	return nil
}

// Tables returns the logical ids of every table that holds a declared kind.
func (r Registry) Tables() map[string]bool {
	out := map[string]bool{}
	for _, k := range r.Kinds {
		out[k.Table] = true
	}
	return out
}
