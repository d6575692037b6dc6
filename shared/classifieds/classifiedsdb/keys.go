// Package classifiedsdb stores the classifieds module in the classifieds table.
// Every key prefix and index of the table is in this file; docs/classifieds.md
// shows the schema.
//
//	LISTING#<id>        / LISTING     a listing (pending ones with a ttl)
//	ACCOUNT#<accountId> / ADVERTISER  an advertiser: created with their first
//	                                  published listing (firstListingAt)
//	CONFIRM#<digest>    / CONFIRM     a pending listing's confirmation, by its
//	                                  token's digest: address, language (ttl 48 h)
//
// Indexes (attributes of the listing item):
//
//	byAdvertiser  advertiser (account id) + id           an advertiser's listings, newest
//	                                                     first (UUIDv7 ids sort by time)
//	browseNew     pub ("PUB") + pubNew (publishedAt#id)  public browsing, newest first
//	browseStart   pub ("PUB") + pubStart (from#id)       public browsing by start date
//
// browseNew and browseStart are sparse: only a published listing that has not
// ended carries pub, and they project what a browse page shows and filters by.
// A listing past its expiry may still be in them until the sweep takes it out;
// every read filters on exp, so it is not public from its expiry on.
package classifiedsdb

import "kontor/shared/dynamo"

// Key prefixes and sort keys.
const (
	listingPrefix    = "LISTING#"
	listingSK        = "LISTING"
	accountPrefix    = "ACCOUNT#"
	confirmPrefix    = "CONFIRM#"
	confirmSK        = "CONFIRM"
	advertiserSK     = "ADVERTISER"
	browsePartition  = "PUB"
	attrPub          = "pub"
	attrPubNew       = "pubNew"
	attrPubStart     = "pubStart"
	attrAdvertiser   = "advertiser"
	attrExp          = "exp"
	attrWords        = "words"
	attrID           = "id"
	attrStatus       = "status"
	attrEndedAt      = "endedAt"
	attrKind         = "kind"
	attrArea         = "area"
	attrBoatType     = "boatType"
	attrFrom         = "from"
	attrTo           = "to"
	attrFirstListing = "firstListingAt"
)

// Indexes of the table.
var (
	ByAdvertiser = dynamo.Index{Name: "byAdvertiser", Attr: attrAdvertiser}
	BrowseNew    = dynamo.Index{Name: "browseNew", Attr: attrPub}
	BrowseStart  = dynamo.Index{Name: "browseStart", Attr: attrPub}
)

func listingKey(id string) dynamo.Item { return dynamo.Key(listingPrefix+id, listingSK) }

func advertiserKey(accountID string) dynamo.Item {
	return dynamo.Key(accountPrefix+accountID, advertiserSK)
}

func confirmKey(digest string) dynamo.Item { return dynamo.Key(confirmPrefix+digest, confirmSK) }
