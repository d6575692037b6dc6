package classifieds

import "time"

// Advertiser is what the module keeps of an advertiser's account beyond their
// listings: created with their first published listing (HGK-2).
type Advertiser struct {
	AccountID      string    `dynamodbav:"accountId" json:"-"`
	FirstListingAt time.Time `dynamodbav:"firstListingAt" json:"firstListingAt"`
	CreatedAt      time.Time `dynamodbav:"createdAt" json:"createdAt"`
}
