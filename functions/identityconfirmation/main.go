// Command identityconfirmation serves the advertisers' identity confirmation
// (HGK-5): started signed in, finished by the identity provider's signed callback;
// only the fact and its date are kept (docs/classifieds.md).
package main

import (
	"kontor/shared/classifieds/classifiedswire"
	"kontor/shared/env"
	"kontor/shared/logging"
	"kontor/shared/serve"
)

func main() {
	log := logging.New("identityconfirmation")
	h := env.Must(log, classifiedswire.Identity)
	serve.HTTP(log, "identityconfirmation", h.Routes())
}
