package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// OperatorParameter is the template parameter (template.yaml) that carries the
// operator's details as JSON (Operator); make deploy's site upload and the local
// stack's site build read it. Empty: not set yet.
const OperatorParameter = "OperatorDetails"

// Operator is who runs the site: the controller in the privacy notice (Art. 13(1)(a)
// GDPR) and the provider in the imprint (§ 5 DDG: name, address, a quick electronic
// contact, the representatives of a legal person, register and number, VAT id).
type Operator struct {
	// Name is the operator's full name, a company's with its legal form.
	Name string `json:"name"`
	// Address is the postal address for service, one line each.
	Address []string `json:"address"`
	Email   string   `json:"email"`
	Phone   string   `json:"phone,omitempty"`
	// Representatives are who may represent a legal person ("Geschäftsführerin …").
	Representatives string `json:"representatives,omitempty"`
	// Register is the register court and number ("Amtsgericht Halle (Saale), HRB 1234").
	Register string `json:"register,omitempty"`
	// VATID is the VAT identification number under § 27a UStG, if there is one.
	VATID string `json:"vatId,omitempty"`
}

// Set says whether the operator's details are given.
func (o Operator) Set() bool { return o.Name != "" }

// ParseOperator reads the parameter OperatorDetails: "" (nothing set yet, the pages
// then show the marked gap) or a JSON object with at least name, address and email,
// and no field Operator lacks, so that a typo fails the build instead of leaving a
// legally required detail out of the imprint.
func ParseOperator(raw string) (Operator, error) {
	var o Operator
	if strings.TrimSpace(raw) == "" {
		return o, nil
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&o); err != nil {
		return Operator{}, fmt.Errorf("%s: %w", OperatorParameter, err)
	}
	o.Name, o.Email = strings.TrimSpace(o.Name), strings.TrimSpace(o.Email)
	var lines []string
	for _, l := range o.Address {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	o.Address = lines
	var missing []string
	if o.Name == "" {
		missing = append(missing, "name")
	}
	if len(o.Address) == 0 {
		missing = append(missing, "address")
	}
	if !strings.Contains(o.Email, "@") {
		missing = append(missing, "email")
	}
	if len(missing) > 0 {
		return Operator{}, fmt.Errorf("%s: %s missing: %w", OperatorParameter, strings.Join(missing, ", "), errIncompleteOperator)
	}
	return o, nil
}

var errIncompleteOperator = errors.New("name, address and email are required")
