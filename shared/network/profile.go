// Package network is the members' network of the chamber of commerce: member
// profiles with mandatory business contact details visible to the other members
// (HKC-3), a birthdate shown only when its owner switches it on (HKC-4), and
// voluntary details given on consent (HKC-5, HKC-16). Only accounts with the
// network role (access.RoleNetwork) take part; docs/network.md.
package network

import (
	"slices"
	"time"
)

// Profile is a member's profile as stored and as its owner sees it.
type Profile struct {
	AccountID string `dynamodbav:"accountId" json:"id"`
	// Mandatory details (HKC-3): all visible to the other members. The profile
	// is shown to others only once all are set (Complete).
	FirstName      string `dynamodbav:"firstName,omitempty" json:"firstName"`
	LastName       string `dynamodbav:"lastName,omitempty" json:"lastName"`
	Gender         string `dynamodbav:"gender,omitempty" json:"gender"`
	Company        string `dynamodbav:"company,omitempty" json:"company"`
	RoleInCompany  string `dynamodbav:"roleInCompany,omitempty" json:"roleInCompany"`
	CompanyWebsite string `dynamodbav:"companyWebsite,omitempty" json:"companyWebsite"`
	Street         string `dynamodbav:"street,omitempty" json:"street"`
	HouseNumber    string `dynamodbav:"houseNumber,omitempty" json:"houseNumber"`
	PostalCode     string `dynamodbav:"postalCode,omitempty" json:"postalCode"`
	City           string `dynamodbav:"city,omitempty" json:"city"`
	Country        string `dynamodbav:"country,omitempty" json:"country"`
	Phone          string `dynamodbav:"phone,omitempty" json:"phone"`
	Fax            string `dynamodbav:"fax,omitempty" json:"fax"`
	// Email is the business contact address shown to the members, not the
	// sign-in address of the account.
	Email string `dynamodbav:"email,omitempty" json:"email"`
	// Birthdate (YYYY-MM-DD) is shown to others only while BirthdateVisible is on
	// (HKC-4); off by default.
	Birthdate        string `dynamodbav:"birthdate,omitempty" json:"birthdate"`
	BirthdateVisible bool   `dynamodbav:"birthdateVisible" json:"birthdateVisible"`
	// Voluntary details (HKC-5), given on the consent PurposeVoluntary.
	Voluntary
	// Version counts the stored changes; a change names the version it was made
	// on, and one made on an older version is refused (409 conflict).
	Version   int        `dynamodbav:"version" json:"version"`
	UpdatedAt *time.Time `dynamodbav:"updatedAt,omitempty" json:"updatedAt,omitempty"`
}

// Voluntary are the voluntary details of a profile, each removable on its own.
type Voluntary struct {
	About              string   `dynamodbav:"about,omitempty" json:"about,omitempty"`
	Expertise          []string `dynamodbav:"expertise,omitempty" json:"expertise,omitempty"`
	Languages          []string `dynamodbav:"languages,omitempty" json:"languages,omitempty"`
	CompanyDescription string   `dynamodbav:"companyDescription,omitempty" json:"companyDescription,omitempty"`
	Industry           string   `dynamodbav:"industry,omitempty" json:"industry,omitempty"`
	CompanySize        string   `dynamodbav:"companySize,omitempty" json:"companySize,omitempty"`
}

// Empty reports whether no voluntary detail is given.
func (v Voluntary) Empty() bool {
	return v.About == "" && len(v.Expertise) == 0 && len(v.Languages) == 0 && v.CompanyDescription == "" && v.Industry == "" && v.CompanySize == ""
}

// Genders are the values of Profile.Gender.
var Genders = []string{"female", "male", "diverse", "unspecified"}

// CompanySizes are the values of Voluntary.CompanySize, by employees: micro
// (fewer than 10), small (10–49), medium (50–249), large (250 or more), as the
// EU's definition of small and medium-sized enterprises counts them.
var CompanySizes = []string{"micro", "small", "medium", "large"}

// Complete reports whether every mandatory detail is set: only then do other
// members see the profile.
func (p Profile) Complete() bool {
	for _, f := range textFields {
		if f.mandatory && *f.at(&p) == "" {
			return false
		}
	}
	return true
}

// View is a profile as another member sees it: the mandatory details, the
// voluntary ones, and the birthdate only while its owner shows it.
type View struct {
	ID             string `json:"id"`
	FirstName      string `json:"firstName"`
	LastName       string `json:"lastName"`
	Gender         string `json:"gender"`
	Company        string `json:"company"`
	RoleInCompany  string `json:"roleInCompany"`
	CompanyWebsite string `json:"companyWebsite"`
	Street         string `json:"street"`
	HouseNumber    string `json:"houseNumber"`
	PostalCode     string `json:"postalCode"`
	City           string `json:"city"`
	Country        string `json:"country"`
	Phone          string `json:"phone"`
	Fax            string `json:"fax"`
	Email          string `json:"email"`
	Birthdate      string `json:"birthdate,omitempty"`
	Voluntary
}

// ViewFor is what another member sees of p.
func (p Profile) ViewFor() View {
	v := View{ID: p.AccountID, FirstName: p.FirstName, LastName: p.LastName, Gender: p.Gender, Company: p.Company,
		RoleInCompany: p.RoleInCompany, CompanyWebsite: p.CompanyWebsite, Street: p.Street, HouseNumber: p.HouseNumber,
		PostalCode: p.PostalCode, City: p.City, Country: p.Country, Phone: p.Phone, Fax: p.Fax, Email: p.Email,
		Voluntary: p.Voluntary}
	if p.BirthdateVisible {
		v.Birthdate = p.Birthdate
	}
	v.Expertise, v.Languages = slices.Clone(v.Expertise), slices.Clone(v.Languages)
	return v
}
