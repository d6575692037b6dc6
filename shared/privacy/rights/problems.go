package rights

import "kontor/shared/problem"

// Problem codes of the privacy module. Clients act on them; never rename one.
var (
	CodeUnknownPurpose = problem.Define("unknown_purpose",
		"Diesen Einwilligungszweck gibt es nicht.",
		"There is no such consent purpose.")
	CodeConsentNotGranted = problem.Define("consent_not_granted",
		"Diese Einwilligung ist nicht erteilt.",
		"This consent is not given.")
	CodeHoldExists = problem.Define("hold_exists",
		"Für diese Person besteht bereits eine Aufbewahrung.",
		"A legal hold already exists for this person.")
)

// Problems lists the module's own problem codes, for the module list.
func Problems() []problem.Code {
	return []problem.Code{CodeUnknownPurpose, CodeConsentNotGranted, CodeHoldExists}
}
