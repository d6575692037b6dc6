package contact

import "kontor/shared/problem"

// Problem codes of the contact module. Clients act on them; never rename one.
var (
	// CodeQueueFull refuses a request without an account while MaxOpen requests wait
	// for staff (503 with Retry-After).
	CodeQueueFull = problem.Define("contact_queue_full",
		"Derzeit warten zu viele Anfragen auf Bearbeitung. Bitte versuchen Sie es später erneut oder melden Sie sich an.",
		"Too many requests are waiting to be handled right now. Please try again later, or sign in.")
)

// Problems lists the module's problem codes.
func Problems() []problem.Code { return []problem.Code{CodeQueueFull} }
