// Command classifiedsprivacy carries out export, erasure and the sweep on the
// classifieds module's data for the privacy core, which invokes it: no other
// function outside the module reaches its table.
package main

import (
	"kontor/shared/classifieds/classifiedswire"
	"kontor/shared/logging"
	"kontor/shared/serve"
)

func main() {
	serve.Privacy(logging.New("classifiedsprivacy"), classifiedswire.Privacy)
}
