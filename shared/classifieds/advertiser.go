package classifieds

import "time"

// Advertiser is what the module keeps of an advertiser's account beyond their
// listings: created with their first published listing (HGK-2).
type Advertiser struct {
	AccountID      string    `dynamodbav:"accountId" json:"-"`
	FirstListingAt time.Time `dynamodbav:"firstListingAt" json:"firstListingAt"`
	CreatedAt      time.Time `dynamodbav:"createdAt" json:"createdAt"`
	// IdentityConfirmedAt is when the advertiser confirmed their identity (HGK-5;
	// identity.go): the fact and the date, nothing else; exported as its own kind.
	IdentityConfirmedAt *time.Time `dynamodbav:"identityConfirmedAt,omitempty" json:"-"`
}
