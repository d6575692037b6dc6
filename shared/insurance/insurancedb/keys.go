package insurancedb

import (
	"time"

	"kontor/shared/dynamo"
	"kontor/shared/insurance"
)

// The key schema of the insurance table, the only place that knows it. Every item
// has pk and sk:
//
//	pk                 sk                  item
//	CONTRACT#<number>  CONTRACT            contract record (operator's data)
//	CUSTOMER#<number>  CONTRACT#<number>   the customer's contracts
//	CUSTOMER#<number>  ACCOUNT#<id>        the customer's portal accounts (a link)
//	ACCOUNT#<id>       CUSTOMER            portal account → customer (a link)
//	ACCOUNT#<id>       CLAIM#<id>          the account's claims
//	CLAIM#<id>         CLAIM               a claim with its invoices and history
//	REVIEW             <claim id>          claims awaiting a staff decision (UUIDv7: oldest first)
//	REG#<id>           REG                 a registration awaiting activation (TTL)
//	EID#<pseudonym>    EID                 pseudonym → registration (TTL)
//	LETTERS            <letter id>         activation letters to print (UUIDv7: oldest first; TTL)
//	MATCH#<number>     <hour, RFC 3339>    failed matches against a contract number in that hour (TTL)
//	CONFIG#address-key CONFIG              the secret of the address keys (addressKey) of registrations
//
// Index byAddress (addressKey → pk, sk): the registrations filed by one address.
const (
	contractPrefix = "CONTRACT#"
	customerPrefix = "CUSTOMER#"
	accountPrefix  = "ACCOUNT#"
	claimPrefix    = "CLAIM#"
	regPrefix      = "REG#"
	eidPrefix      = "EID#"
	matchPrefix    = "MATCH#"
	configPrefix   = "CONFIG#"

	contractSK = "CONTRACT"
	customerSK = "CUSTOMER"
	claimSK    = "CLAIM"
	regSK      = "REG"
	eidSK      = "EID"
	configSK   = "CONFIG"

	reviewPK  = "REVIEW"
	lettersPK = "LETTERS"
)

func contractKey(number string) dynamo.Item { return dynamo.Key(contractPrefix+number, contractSK) }

// customerPK is the partition of a customer's contracts and accounts.
func customerPK(customer string) string { return customerPrefix + customer }

func customerContractKey(customer, number string) dynamo.Item {
	return dynamo.Key(customerPK(customer), contractPrefix+number)
}

func customerAccountKey(customer, accountID string) dynamo.Item {
	return dynamo.Key(customerPK(customer), accountPrefix+accountID)
}

// accountPK is the partition of an account's link and claims.
func accountPK(accountID string) string { return accountPrefix + accountID }

func linkKey(accountID string) dynamo.Item { return dynamo.Key(accountPK(accountID), customerSK) }

func accountClaimKey(accountID, claimID string) dynamo.Item {
	return dynamo.Key(accountPK(accountID), claimPrefix+claimID)
}

func claimKey(id string) dynamo.Item { return dynamo.Key(claimPrefix+id, claimSK) }

// queueKey is an entry of the review queue by its sort key.
func queueKey(sk string) dynamo.Item { return dynamo.Key(reviewPK, sk) }

// reviewKey is a claim's entry in the review queue: its id, a UUIDv7, so the queue
// is in submission order.
func reviewKey(cl insurance.Claim) dynamo.Item { return queueKey(cl.ID) }

func registrationKey(id string) dynamo.Item { return dynamo.Key(regPrefix+id, regSK) }

func eidKey(pseudonym string) dynamo.Item { return dynamo.Key(eidPrefix+pseudonym, eidSK) }

// letterKey is a letter in the print queue: its id, a UUIDv7, so the queue is
// oldest first.
func letterKey(id string) dynamo.Item { return dynamo.Key(lettersPK, id) }

func matchKey(number string, window time.Time) dynamo.Item {
	return dynamo.Key(matchPrefix+number, window.UTC().Format(time.RFC3339))
}
