package insuranceapi

import (
	"testing"

	"kontor/shared/insurance"
)

// Promise: H4U-3 — the processing consent comes first, on every customer route;
// H4U-7 — the claim routes then need the explicit health-data consent, and add
// nothing while processing is restricted. The gate's behaviour is tested with the
// router (httpapi); this holds each route to its gate.
func TestCustomerRoutesCarryTheirGates(t *testing.T) {
	for key, r := range (Claims{}).Routes() {
		if r.Gate != insurance.ClaimsGate {
			t.Errorf("%s: gate %v, want the claims gate", key, r.Gate)
		}
	}
	for key, r := range (Contracts{}).Routes() {
		if r.Gate != insurance.PortalGate {
			t.Errorf("%s: gate %v, want the portal gate", key, r.Gate)
		}
	}
	g := insurance.ClaimsGate
	if len(g.Consents) != 2 || g.Consents[0].Purpose != insurance.PurposeProcessing || g.Consents[0].Missing != insurance.CodeProcessingConsentRequired ||
		g.Consents[1].Purpose != insurance.PurposeHealth || g.Consents[1].Missing != insurance.CodeHealthConsentRequired || !g.WritesStopWhenRestricted {
		t.Fatalf("claims gate: %+v", g)
	}
	p := insurance.PortalGate
	if len(p.Consents) != 1 || p.Consents[0].Purpose != insurance.PurposeProcessing || p.Consents[0].Missing != insurance.CodeProcessingConsentRequired {
		t.Fatalf("portal gate: %+v", p)
	}
}
