// Package classifiedsdb stores the classifieds module in the classifieds table.
// Every key prefix and index of the table is in this file; docs/classifieds.md
// shows the schema.
//
//	LISTING#<id>        / LISTING     a listing (pending ones with a ttl)
//	ACCOUNT#<accountId> / ADVERTISER  an advertiser: created with their first
//	                                  published listing (firstListingAt)
//	                                  or their first advertiser data; holds
//	                                  the data, pubId, the rating summary and
//	                                  the date of an identity confirmation
//	                                  (identityConfirmedAt)
//	LISTING#<id>        / PHOTOS      a listing's photos (photos.go): a map by photo
//	                                  id and their count
//	IDCONFIRM#<state>   / IDCONFIRM   an identity confirmation under way (identity.go;
//	                                  single use, with a ttl)
//	WATCH#<digest>      / WATCH       an anonymous watch list (HGK-11), under the
//	                                  SHA-256 of its cookie's token; ttl 60 days
//	                                  after its last use
//	USERNAME#<skeleton> / USERNAME    the claim of a username (accountId; usernames.go)
//	RATING#<id>         / RATING      a rating (rated, rater: account ids)
//	ACCOUNT#<rated>     / RATER#<rater>  the claim of a rater's one rating of
//	                                  that advertiser (ratingId)
//	PENDINGRATING#<digest> / PENDING  a rating sent without an account, until
//	                                  its address is confirmed (ttl 48 h)
//	CONFIRM#<digest>    / CONFIRM     a pending listing's confirmation, by its
//	                                  token's digest: address, language (ttl 48 h)
//	INVOICEDUE          / <orderId>   a paid order waiting for its invoice
//	                                  (classifieds.InvoiceDue)
//	INVOICE             / <number>    an invoice, the record under the legal
//	                                  retention duty (invoices.go)
//	ACCOUNT#<accountId> / INVOICE#<number>  the account's access to its invoice
//	                                  (the summary); the erasure deletes it
//	INVOICESEQ          / <prefix>-<year>  the last invoice number issued (last)
//	INVOICEPDF          / <number>    an invoice whose PDF is not stored yet
//
// Indexes (attributes of the listing item):
//
//	byAdvertiser  advertiser (account id) + id           an advertiser's listings, newest
//	                                                     first (UUIDv7 ids sort by time)
//	browseNew     pub ("PUB") + pubNew (publishedAt#id)  public browsing, newest first
//	browseStart   pub ("PUB") + pubStart (from#id)       public browsing by start date
//
//	byPublicId    pubId (advertiser item, keys only)     the account of a public id
//	byRated       rated + id                             the ratings an advertiser received
//	byRater       rater + id                             the ratings a rater gave
//	byPendingEmail pendingEmail (keys only)              pending ratings and listing
//	                                                     confirmations of an address
//
// browseNew and browseStart are sparse: only a published listing that has not
// ended carries pub, and they project what a browse page shows and filters by.
// A listing past its expiry may still be in them until the sweep takes it out;
// every read filters on exp, so it is not public from its expiry on.
package classifiedsdb

import (
	"fmt"

	"kontor/shared/dynamo"
)

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

// Keys of the watch list (watchlist.go).
const (
	watchPrefix  = "WATCH#"
	watchSK      = "WATCH"
	attrEntries  = "entries"
	attrLastUsed = "usedAt"
)

// Keys and attributes of advertiser data and ratings.
const (
	usernamePrefix = "USERNAME#"
	usernameSK     = "USERNAME"
	ratingPrefix   = "RATING#"
	ratingSK       = "RATING"
	raterSKPrefix  = "RATER#"
	attrPubID      = "pubId"
	attrRated      = "rated"
	attrRater      = "rater"
	pendingPrefix  = "PENDINGRATING#"
	pendingSK      = "PENDING"
)

// Indexes of advertiser data and ratings.
var (
	ByPublicID = dynamo.Index{Name: "byPublicId", Attr: attrPubID}
	ByRated    = dynamo.Index{Name: "byRated", Attr: attrRated}
	ByRater    = dynamo.Index{Name: "byRater", Attr: attrRater}
	// ByPendingEmail finds the pending ratings and pending listings of an address
	// (export, erasure).
	ByPendingEmail = dynamo.Index{Name: "byPendingEmail", Attr: "pendingEmail"}
)

func pendingKey(digest string) dynamo.Item { return dynamo.Key(pendingPrefix+digest, pendingSK) }

func usernameKey(u string) dynamo.Item { return dynamo.Key(usernamePrefix+u, usernameSK) }

func ratingKey(id string) dynamo.Item { return dynamo.Key(ratingPrefix+id, ratingSK) }

func raterClaimKey(rated, rater string) dynamo.Item {
	return dynamo.Key(accountPrefix+rated, raterSKPrefix+rater)
}

// Indexes of the table.
var (
	ByAdvertiser = dynamo.Index{Name: "byAdvertiser", Attr: attrAdvertiser}
	BrowseNew    = dynamo.Index{Name: "browseNew", Attr: attrPub}
	BrowseStart  = dynamo.Index{Name: "browseStart", Attr: attrPub}
)

// Photos and identity confirmations (photos.go, identity.go).
const (
	photosSK        = "PHOTOS"
	attrPhotos      = "photos"
	attrPhotoCount  = "n"
	idConfirmPrefix = "IDCONFIRM#"
	idConfirmSK     = "IDCONFIRM"
	attrIdentityAt  = "identityConfirmedAt"
)

func photosKey(listingID string) dynamo.Item { return dynamo.Key(listingPrefix+listingID, photosSK) }

func idConfirmKey(state string) dynamo.Item { return dynamo.Key(idConfirmPrefix+state, idConfirmSK) }

func listingKey(id string) dynamo.Item { return dynamo.Key(listingPrefix+id, listingSK) }

func advertiserKey(accountID string) dynamo.Item {
	return dynamo.Key(accountPrefix+accountID, advertiserSK)
}

func watchKey(digest string) dynamo.Item   { return dynamo.Key(watchPrefix+digest, watchSK) }
func confirmKey(digest string) dynamo.Item { return dynamo.Key(confirmPrefix+digest, confirmSK) }

// Keys of the invoices waiting to be issued (classifieds.InvoiceDue).
const (
	invoiceDuePartition = "INVOICEDUE"
)

// invoiceDueKey is the key of a paid order's classifieds.InvoiceDue item: all in
// one partition, sorted by order id (UUIDv7, so by time), which the issuer reads
// in order. The payment webhook puts it, the issuer deletes it.
func invoiceDueKey(orderID string) dynamo.Item { return dynamo.Key(invoiceDuePartition, orderID) }

// Keys of the invoices (invoices.go).
const (
	invoicePartition    = "INVOICE"
	invoiceAccessPrefix = "INVOICE#"
	invoiceSeqPartition = "INVOICESEQ"
	invoicePDFPartition = "INVOICEPDF"
)

// invoiceKey is an invoice's record; invoiceAccessKey the account's access to it.
func invoiceKey(number string) dynamo.Item { return dynamo.Key(invoicePartition, number) }
func invoiceAccessKey(accountID, number string) dynamo.Item {
	return dynamo.Key(accountPrefix+accountID, invoiceAccessPrefix+number)
}

// invoiceSeqKey is the counter of the invoice numbers of one prefix and year.
func invoiceSeqKey(prefix string, year int) dynamo.Item {
	return dynamo.Key(invoiceSeqPartition, fmt.Sprintf("%s-%04d", prefix, year))
}

// invoicePDFKey marks an invoice whose PDF is owed.
func invoicePDFKey(number string) dynamo.Item { return dynamo.Key(invoicePDFPartition, number) }
