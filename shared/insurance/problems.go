package insurance

import "kontor/shared/problem"

// Problem codes of the insurance portal. Clients act on them; never rename one.
var (
	CodeContractMismatch = problem.Define("contract_mismatch",
		"Die Angaben passen zu keinem Vertrag. Bitte prüfen Sie Name, Geburtsdatum und Vertragsnummer.",
		"The details match no contract. Please check name, birthdate and contract number.")
	CodeActivationInvalid = problem.Define("activation_invalid",
		"Die Aktivierung ist ungültig oder abgelaufen.",
		"The activation is invalid or has expired.")
	CodeEIDPending = problem.Define("eid_pending",
		"Die Identifizierung ist noch nicht abgeschlossen.",
		"The identification is not finished yet.")
	CodeEIDUnavailable = problem.Define("eid_unavailable",
		"Der eID-Dienst ist gerade nicht erreichbar. Bitte versuchen Sie es später oder wählen Sie die Aktivierung per Brief.",
		"The eID service is unavailable. Please try later or choose activation by letter.")
	CodeEIDSignature = problem.Define("eid_signature_invalid",
		"Die Signatur der Rückmeldung ist ungültig.",
		"The callback's signature is invalid.")
	CodeProcessingConsentRequired = problem.Define("processing_consent_required",
		"Bitte willigen Sie zuerst in die Verarbeitung Ihrer Angaben im Portal ein.",
		"Please first consent to the processing of what you submit through the portal.")
	CodeHealthConsentRequired = problem.Define("health_consent_required",
		"Rechnungen können Gesundheitsdaten enthalten. Bitte erteilen Sie zuerst die ausdrückliche Einwilligung (Art. 9 Abs. 2 lit. a DSGVO).",
		"Invoices may contain health data. Please first give your explicit consent (Art. 9(2)(a) GDPR).")
	CodeInvoiceType = problem.Define("invoice_type_not_allowed",
		"Erlaubt sind nur PDF-, JPEG- und PNG-Dateien.",
		"Only PDF, JPEG and PNG files are allowed.")
	CodeInvoiceTooLarge = problem.Define("invoice_too_large",
		"Die Datei ist größer als 10 MB.",
		"The file is larger than 10 MB.")
	CodeInvoiceNotUploaded = problem.Define("invoice_not_uploaded",
		"Die Rechnung wurde noch nicht hochgeladen.",
		"The invoice has not been uploaded yet.")
	CodeInvoiceNotEncrypted = problem.Define("invoice_not_encrypted",
		"Die Datei wurde nicht wie vorgegeben verschlüsselt hochgeladen und wurde gelöscht.",
		"The file was not uploaded encrypted as required and was deleted.")
	CodeClaimClosed = problem.Define("claim_closed",
		"Dieser Antrag wird bereits bearbeitet; Rechnungen können nicht mehr ergänzt werden.",
		"This claim is already being processed; invoices can no longer be added.")
	CodeTooManyInvoices = problem.Define("too_many_invoices",
		"Ein Antrag kann höchstens 10 Rechnungen haben.",
		"A claim can have at most 10 invoices.")
	CodeInvoiceSizeMismatch = problem.Define("invoice_size_mismatch",
		"Die hochgeladene Datei hat nicht die angegebene Größe und wurde gelöscht. Bitte laden Sie sie erneut hoch.",
		"The uploaded file does not have the declared size and was deleted. Please upload it again.")
	CodeOwnClaimDecision = problem.Define("own_claim_decision",
		"Über einen eigenen Antrag können Sie nicht entscheiden; das übernimmt eine Kollegin oder ein Kollege.",
		"You cannot decide on your own claim; a colleague has to decide on it.")
	CodeInvalidTransition = problem.Define("invalid_transition",
		"Dieser Statuswechsel ist nicht möglich.",
		"This status change is not possible.")
	CodeCSVExpected = problem.Define("csv_expected",
		"Erwartet wird eine CSV-Datei (text/csv, UTF-8).",
		"A CSV file (text/csv, UTF-8) is expected.")
)

// Problems lists the module's own problem codes, for the module list.
func Problems() []problem.Code {
	return []problem.Code{CodeContractMismatch, CodeActivationInvalid, CodeEIDPending, CodeEIDUnavailable, CodeEIDSignature, CodeProcessingConsentRequired, CodeHealthConsentRequired, CodeInvoiceType, CodeInvoiceTooLarge, CodeInvoiceNotUploaded, CodeInvoiceNotEncrypted, CodeClaimClosed, CodeTooManyInvoices, CodeInvoiceSizeMismatch, CodeOwnClaimDecision, CodeInvalidTransition, CodeCSVExpected}
}
