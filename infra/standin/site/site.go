// Package site plugs the portal's web site (package web) into the local stack as
// a stand-in for the CloudFront distribution of template.yaml: the site, built
// once at start (with the template parameters TermsVersion, PrivacyNoticeVersion and
// OperatorDetails, as make deploy builds it), on every GET outside /v1/ with the
// headers the distribution sets, and AppBaseUrl the stack's own address, so that mailed links lead to it.
// The upload pages may also connect to the emulator, where the functions'
// presigned URLs lead (deployed: the invoice bucket's origin).
package site

import (
	"fmt"

	"kontor/infra/local"
	"kontor/web"
)

// BaseURLParameter is the template parameter that says where the portal is; mailed
// links are built from it.
const BaseURLParameter = "AppBaseUrl"

// New returns the site as a stand-in.
func New() local.StandIn { return standIn{} }

type standIn struct{}

func (standIn) Name() string { return "site" }

func (standIn) Plug(s local.Socket) (local.Plugged, error) {
	terms, err := s.Param("TermsVersion")
	if err != nil {
		return local.Plugged{}, err
	}
	privacy, err := s.Param("PrivacyNoticeVersion")
	if err != nil {
		return local.Plugged{}, err
	}
	raw, err := s.Param(web.OperatorParameter)
	if err != nil {
		return local.Plugged{}, err
	}
	operator, err := web.ParseOperator(raw)
	if err != nil {
		return local.Plugged{}, err
	}
	built, err := web.Build(web.Options{TermsVersion: terms, PrivacyVersion: privacy, Operator: operator})
	if err != nil {
		return local.Plugged{}, fmt.Errorf("build the site: %w", err)
	}
	built.Storage = s.EmulatorURL
	return local.Plugged{
		Handler:    built.Handler(),
		Site:       true,
		Parameters: map[string]string{BaseURLParameter: s.APIURL},
		Banner:     s.APIURL + "/   (the web portal: every path outside /v1/, as CloudFront serves it; " + BaseURLParameter + ")",
	}, nil
}
