// Package registry assembles the privacy registry from the module list. A kind can
// only be declared by a module of the list, whose privacy function must export and
// erase it, so no kind lacks that behaviour; tests hold the registry to
// template.yaml.
package registry

import (
	"kontor/shared/modules"
	"kontor/shared/privacy"
)

// clean are the template's stores that hold no personal data.
var clean = []privacy.NoPersonalData{
	{Table: "SiteBucket", Reason: "the web portal's static pages, scripts and styles: the same files for everyone, built from the code"},
}

// All returns the deployment's privacy registry.
func All() privacy.Registry {
	var kinds []privacy.Kind
	for _, m := range modules.List() {
		for _, k := range m.Kinds() {
			if k.Module != m.Name {
				panic("privacy kind " + k.ID + " declared by module " + m.Name + " names module " + k.Module)
			}
			kinds = append(kinds, k)
		}
	}
	return privacy.Registry{Kinds: kinds, Clean: clean}
}
