package classifieds

import "kontor/shared/privacy"

// kindsOf joins the kinds each feature of the module declares in its own file.
func kindsOf(groups ...[]privacy.Kind) []privacy.Kind {
	var out []privacy.Kind
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}
