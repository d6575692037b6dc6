package web

import (
	"fmt"
	"strings"

	"kontor/shared/logging"
	"kontor/shared/modules"
	"kontor/shared/privacy"
	"kontor/shared/privacy/rights"
)

// The record of processing and the privacy notice are rendered at build time from
// the privacy registry of the same code the API runs (shared/modules), so their
// text reads without JavaScript and cannot drift from what the API declares. Only
// what a deployment sets (its parameters in force and region) is read by the
// record's page from GET /v1/privacy/processing.

// kindView is one kind of personal data in one language.
type kindView struct {
	ID, Category, Fields, Purpose, LegalBasis, Retention, Recipients, Source string
	// Parameter names the deployment parameter that sets the retention period.
	Parameter string
}

// purposeView is one consent purpose in one language.
type purposeView struct {
	ID, Version, LegalBasis, Description string
}

// registryView is what the record and the notice show, in one language.
type registryView struct {
	Kinds    []kindView
	Logs     kindView
	Purposes []purposeView
	Backups  string
	// Operator is the controller; not Set until the operator sets Options.Operator.
	Operator Operator
	// PrivacyVersion is the version of the notice that sign-up accepts.
	PrivacyVersion string
}

// legalBases names each legal basis as a German or English reader knows it. A
// basis missing here fails the build.
var legalBases = map[privacy.LegalBasis]privacy.Text{
	privacy.Consent:            {DE: "Einwilligung (Art. 6 Abs. 1 lit. a DSGVO)", EN: "Consent (Art. 6(1)(a) GDPR)"},
	privacy.Contract:           {DE: "Vertrag (Art. 6 Abs. 1 lit. b DSGVO)", EN: "Contract (Art. 6(1)(b) GDPR)"},
	privacy.LegalObligation:    {DE: "Rechtliche Verpflichtung (Art. 6 Abs. 1 lit. c DSGVO)", EN: "Legal obligation (Art. 6(1)(c) GDPR)"},
	privacy.LegitimateInterest: {DE: "Berechtigtes Interesse (Art. 6 Abs. 1 lit. f DSGVO)", EN: "Legitimate interest (Art. 6(1)(f) GDPR)"},
	privacy.ExplicitConsent:    {DE: "Ausdrückliche Einwilligung (Art. 9 Abs. 2 lit. a DSGVO)", EN: "Explicit consent (Art. 9(2)(a) GDPR)"},
}

func pick(t privacy.Text, lang string) string {
	if lang == "de" {
		return t.DE
	}
	return t.EN
}

func basis(b privacy.LegalBasis, lang string) (string, error) {
	t, ok := legalBases[b]
	if !ok {
		return "", fmt.Errorf("legal basis %q has no name in web/registry.go", b)
	}
	return pick(t, lang), nil
}

func viewKind(k privacy.Kind, lang string) (kindView, error) {
	b, err := basis(k.LegalBasis, lang)
	if err != nil {
		return kindView{}, fmt.Errorf("kind %s: %w", k.ID, err)
	}
	return kindView{
		ID: k.ID, Category: pick(k.Category, lang), Fields: strings.Join(k.Fields, ", "), Purpose: pick(k.Purpose, lang),
		LegalBasis: b, Retention: pick(k.Retention.Rule, lang), Recipients: pick(k.Recipients, lang), Source: pick(k.Source, lang),
		Parameter: k.Retention.Parameter,
	}, nil
}

// registryData returns the page data of the record and the notice.
func registryData(o Options) func(lang string) (any, error) {
	return func(lang string) (any, error) {
		v := registryView{Backups: pick(rights.Backups, lang), PrivacyVersion: o.PrivacyVersion, Operator: o.Operator}
		for _, k := range modules.Kinds() {
			kv, err := viewKind(k, lang)
			if err != nil {
				return nil, err
			}
			v.Kinds = append(v.Kinds, kv)
		}
		logs, err := viewKind(logging.Declaration(), lang)
		if err != nil {
			return nil, err
		}
		v.Logs = logs
		for _, p := range modules.Purposes() {
			b, err := basis(p.LegalBasis, lang)
			if err != nil {
				return nil, fmt.Errorf("purpose %s: %w", p.ID, err)
			}
			v.Purposes = append(v.Purposes, purposeView{ID: p.ID, Version: p.Version, LegalBasis: b, Description: pick(p.Description, lang)})
		}
		return v, nil
	}
}
