// Command contactprivacy carries out export, erasure and the retention sweep on the
// contact module's data for the privacy core, which invokes it: no other function
// outside the module reaches its tables.
package main

import (
	"kontor/shared/contact/contactwire"
	"kontor/shared/logging"
	"kontor/shared/serve"
)

func main() {
	serve.Privacy(logging.New("contactprivacy"), contactwire.Privacy)
}
