// Command contact serves the contact form (with and without an account) and the
// staff's handling of contact requests.
package main

import (
	"kontor/shared/contact/contactwire"
	"kontor/shared/env"
	"kontor/shared/logging"
	"kontor/shared/serve"
)

func main() {
	log := logging.New("contact")
	h := env.Must(log, contactwire.Handlers)
	serve.HTTP(log, "contact", h.Routes())
}
