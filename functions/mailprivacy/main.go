// Command mailprivacy carries out export, erasure and the retention sweep on the
// mail module's data for the privacy core, which invokes it: no other function
// outside the module reaches its tables.
package main

import (
	"kontor/shared/logging"
	"kontor/shared/mail/mailwire"
	"kontor/shared/serve"
)

func main() {
	serve.Privacy(logging.New("mailprivacy"), mailwire.Privacy)
}
