// Package registry assembles the privacy registry from every module. A kind can
// only be declared through a privacy.Module, which must export and erase it, so no
// kind lacks that behaviour; tests hold the registry to template.yaml.
package registry

import (
	"kontor/shared/privacy"
	"kontor/shared/privacy/privacywire"
)

// Modules returns every module of the deployment (declarations only: no tables).
func Modules() []privacy.Module { return privacywire.AllModules(nil, privacywire.Tables{}, nil) }

// All returns the deployment's privacy registry.
func All() privacy.Registry {
	var kinds []privacy.Kind
	for _, m := range Modules() {
		for _, k := range m.Kinds() {
			if k.Module != m.Name() {
				panic("privacy kind " + k.ID + " declared by module " + m.Name() + " names module " + k.Module)
			}
			kinds = append(kinds, k)
		}
	}
	return privacy.Registry{Kinds: kinds}
}
