// Command idempotencyprivacy carries out export, erasure and the retention sweep on
// the idempotency module's kept answers for the privacy core, which invokes it: the
// privacy functions reach the idempotency table only through it.
package main

import (
	"kontor/shared/idempotency/idempotencywire"
	"kontor/shared/logging"
	"kontor/shared/serve"
)

func main() {
	serve.Privacy(logging.New("idempotencyprivacy"), idempotencywire.Privacy)
}
