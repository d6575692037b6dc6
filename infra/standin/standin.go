// Package standin lists the stand-ins a local stack serves: what the deployed
// stack finds outside itself, played on this machine (local.StandIn). Every place
// that starts a stack (kontor-local run and invoke, the integration tests, the
// benchmark) plugs in All.
package standin

import (
	"kontor/infra/local"
	"kontor/infra/standin/eid"
	"kontor/infra/standin/idp"
	"kontor/infra/standin/payments"
	"kontor/infra/standin/register"
	"kontor/infra/standin/site"
)

// All returns fresh instances of every stand-in, in the order `make run` lists
// them.
func All() []local.StandIn {
	return []local.StandIn{
		site.New(),
		eid.New(),
		register.New(),
		idp.New(),
		payments.New(),
	}
}
