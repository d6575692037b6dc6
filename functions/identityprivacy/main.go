// Command identityprivacy carries out export, erasure and the retention sweep on the
// identity module's data for the privacy core, which invokes it: no other function
// outside the module reaches its tables.
package main

import (
	"kontor/shared/identity/identitywire"
	"kontor/shared/logging"
	"kontor/shared/serve"
)

func main() {
	serve.Privacy(logging.New("identityprivacy"), identitywire.Privacy)
}
