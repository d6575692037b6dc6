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
//	ACCOUNT#<recipient> / REPLY#<id>  a delivered reply to the advertiser's listing
//	                                  (replies.go)
//	ACCOUNT#<recipient> / HELDREPLY#<id>  a held reply (withheld, in review,
//	                                  confirmed spam; ttl: its end)
//	REPLYTOKEN#<digest> / REPLYTOKEN  the replier's link: recipient and reply id,
//	                                  under the SHA-256 of the token
//	HELDREPLIES         / <id>        the queue of all held replies (recipient,
//	                                  status; ttl), oldest first
//	ACCOUNT#<accountId> / ALERT#<alertId>  an alert of an account (alerts.go;
//	                                  UUIDv7 ids); matchKey only while active
//	ACCOUNT#<accountId> / ALERTS      the count of the account's alerts (n),
//	                                  which caps them at classifieds.MaxAlerts
//	PENDINGALERT#<digest> / PENDING   an alert sent without an account, until
//	                                  its address is confirmed (ttl: the stack's
//	                                  AlertConfirmDays)
//	ALERTQ              / <listingId> a published listing still to be matched
//	                                  against the alerts (alertmatch.go: step
//	                                  and cursor of the matching)
//	DIGEST              / <accountId>#<alertId>#<listingId>  a daily alert's
//	                                  match waiting for the digest (ttl 3 days)
//	ALERTUNSUB#<hash>   / ALERTUNSUB  a one-click link of an alert mail, by its
//	                                  token's SHA-256: account and alert (ttl
//	                                  180 days)
//	ACCOUNT#<accountId> / ALERTUNSUB#<hash>  its copy under the account, which
//	                                  export and erasure find
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
//	byPendingEmail pendingEmail (keys only)              pending ratings, pending alerts
//	                                                     and listing confirmations of
//	                                                     an address
//	byAlertMatch  matchKey + id                          the active alerts a new listing
//	                                                     may match (alerts.go)
//
// byAlertMatch is sparse: only an active (confirmed, unpaused) alert carries
// matchKey, "<kind>#<area or *>#<boat type or *>", and the index projects what
// matching and mailing need (criteria, frequency, language, account). A new
// listing reads the four partitions of classifieds.ListingMatchKeys.
//
// browseNew and browseStart are sparse: only a published listing that has not
// ended carries pub, and they project what a browse page shows and filters by.
// A listing past its expiry may still be in them until the sweep takes it out;
// every read filters on exp, so it is not public from its expiry on.
package classifiedsdb

import (
	"fmt"

	"kontor/shared/classifieds"
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

// Keys of replies (replies.go). A reply lives in its advertiser's partition, so
// their list and every read of it are consistent queries of one partition,
// and an advertiser reaches only their own; held replies have their own sort
// key prefix, so the list of delivered ones needs no filter.
const (
	replySKPrefix     = "REPLY#"
	heldReplySKPrefix = "HELDREPLY#"
	replyTokenPrefix  = "REPLYTOKEN#"
	replyTokenSK      = "REPLYTOKEN"
	heldRepliesPK     = "HELDREPLIES"
)

// replyKey is a reply's key: the advertiser's partition, by its state's kind.
func replyKey(recipient, id string, held bool) dynamo.Item {
	if held {
		return dynamo.Key(accountPrefix+recipient, heldReplySKPrefix+id)
	}
	return dynamo.Key(accountPrefix+recipient, replySKPrefix+id)
}

func replyTokenKey(digest string) dynamo.Item {
	return dynamo.Key(replyTokenPrefix+digest, replyTokenSK)
}

func heldQueueKey(id string) dynamo.Item { return dynamo.Key(heldRepliesPK, id) }

// Keys of the review of withheld replies (replyreview.go).
//
//	REPLYREVIEW   / <replyId>  a withheld reply queued for the staff's review: why
//	                           (reasons), since when; ttl the reply's end of keeping
//	REPLYREVIEWED / <replyId>  the same entry once decided (decision, time; who
//	                           decided is in the audit log), so a second
//	                           decision is told apart from an unknown reply;
//	                           ttl the reply's original end of keeping
const (
	reviewPK   = "REPLYREVIEW"
	reviewedPK = "REPLYREVIEWED"
)

func reviewKey(replyID string) dynamo.Item   { return dynamo.Key(reviewPK, replyID) }
func reviewedKey(replyID string) dynamo.Item { return dynamo.Key(reviewedPK, replyID) }

// Keys and attributes of alerts (alerts.go).
const (
	alertSKPrefix      = "ALERT#"
	alertCountSK       = "ALERTS"
	pendingAlertPrefix = "PENDINGALERT#"
	attrMatchKey       = "matchKey"
	attrAlertCount     = "n"
)

// ByAlertMatch is the sparse index of active alerts by match key (hash) and
// alert id (range); it projects criteria, frequency, language and account.
var ByAlertMatch = dynamo.Index{Name: "byAlertMatch", Attr: attrMatchKey}

func alertKey(accountID, id string) dynamo.Item {
	return dynamo.Key(accountPrefix+accountID, alertSKPrefix+id)
}

func alertCountKey(accountID string) dynamo.Item {
	return dynamo.Key(accountPrefix+accountID, alertCountSK)
}

func pendingAlertKey(digest string) dynamo.Item {
	return dynamo.Key(pendingAlertPrefix+digest, pendingSK)
}

// Keys of the alert delivery (alertmatch.go).
const (
	alertQueuePartition = "ALERTQ"
	digestPartition     = "DIGEST"
	alertTokenPrefix    = "ALERTUNSUB#" // #nosec G101 -- a key prefix; the token is stored only as its SHA-256 after it
	alertTokenSK        = "ALERTUNSUB"
)

func alertJobKey(listingID string) dynamo.Item { return dynamo.Key(alertQueuePartition, listingID) }

func digestSK(e classifieds.DigestEntry) string {
	return e.AccountID + "#" + e.AlertID + "#" + e.ListingID
}

func digestKey(e classifieds.DigestEntry) dynamo.Item {
	return dynamo.Key(digestPartition, digestSK(e))
}

func alertTokenKey(hash string) dynamo.Item { return dynamo.Key(alertTokenPrefix+hash, alertTokenSK) }

func alertTokenCopyKey(accountID, hash string) dynamo.Item {
	return dynamo.Key(accountPrefix+accountID, alertTokenPrefix+hash)
}

// Keys of the flat rate's orders and payments (plans.go).
//
//	ORDER#<id>          / ORDER            an order (classifieds.Order; an open one
//	                                       with a ttl, a paid one without)
//	ACCOUNT#<accountId> / ORDER#<id>       the account's order (its export and
//	                                       erasure find it here; same ttl)
//	ACCOUNT#<accountId> / OPENORDER#<plan> the account's open order of a plan
//	                                       (orderId; ttl: the order's expiry)
//	PAYEVENT#<eventId>  / PAYEVENT         a processed payment webhook (ttl 30 days)
//
// The plan's validity is planValidUntil on the advertiser item.
const (
	orderPrefix        = "ORDER#"
	orderSK            = "ORDER"
	openOrderSKPrefix  = "OPENORDER#"
	payEventPrefix     = "PAYEVENT#"
	payEventSK         = "PAYEVENT"
	attrPlanValidUntil = "planValidUntil"
)

func orderKey(id string) dynamo.Item { return dynamo.Key(orderPrefix+id, orderSK) }

func accountOrderKey(accountID, id string) dynamo.Item {
	return dynamo.Key(accountPrefix+accountID, orderPrefix+id)
}

func openOrderKey(accountID, plan string) dynamo.Item {
	return dynamo.Key(accountPrefix+accountID, openOrderSKPrefix+plan)
}

func payEventKey(id string) dynamo.Item { return dynamo.Key(payEventPrefix+id, payEventSK) }

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
