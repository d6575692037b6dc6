package ratelimit

import "time"

// The abuse limits of every route that sends mail, creates accounts, takes a password
// or a token, uploads, or stores something for an anonymous caller. Routes name the
// rules they apply (httpapi.Route.Limits); docs/limits.md lists them per route, and a
// test holds the two in step. Every route an anonymous caller can change something
// through applies a per-client rule and a Global one (the "….all" rules below): the
// per-client rule stops one client, the global one bounds what many clients together
// can store or send, whatever addresses they come from. Over a limit the answer is 429 too_many_attempts with
// Retry-After; MailToAddress instead drops the mail silently, so the answer of the
// route does not tell whether an address is registered.
var (
	// MailPerClient is shared by every route that may send mail on an anonymous
	// caller's request: flooding an address through several routes counts once.
	MailPerClient = Rule{Name: "mail", Scope: PerClient, Max: 10, Window: time.Hour}
	// MailToAddress bounds mail that anyone can cause to be sent to an address
	// (access links, reset links, notices of an existing account, email changes),
	// counted per mailbox (mail.Mailbox: sub-addresses folded).
	MailToAddress = Rule{Name: "mail", Scope: PerAddress, Max: 5, Window: time.Hour}

	// AccountCreate bounds sign-ups from one client.
	AccountCreate = Rule{Name: "accounts.create", Scope: PerClient, Max: 10, Window: time.Hour}
	// TokenPerClient bounds the use of mailed links (each also hashes a password).
	TokenPerClient = Rule{Name: "tokens", Scope: PerClient, Max: 20, Window: 15 * time.Minute}
	// PasswordChange bounds tries of the current password with a session.
	PasswordChange = Rule{Name: "password.change", Scope: PerAccount, Max: 10, Window: 15 * time.Minute}
	// SessionConfirm bounds tries of the password to confirm a session (a fresh proof
	// for erasure and account changes), like the sign-in's per-pair cap.
	SessionConfirm = Rule{Name: "sessions.confirm", Scope: PerAccount, Max: 5, Window: 15 * time.Minute}
	// ProfileChange bounds profile changes (an email change mails both addresses).
	ProfileChange = Rule{Name: "me.update", Scope: PerAccount, Max: 10, Window: time.Hour}
	// DeviceCreate bounds new device credentials.
	DeviceCreate = Rule{Name: "devices.create", Scope: PerAccount, Max: 10, Window: time.Hour}
	// DeviceSignIn bounds sign-ins with a device credential from one client.
	DeviceSignIn = Rule{Name: "sessions.device", Scope: PerClient, Max: 20, Window: 15 * time.Minute}
	// Invite bounds an administrator's invitations (each mails a temporary password):
	// enough to onboard a chamber's members by hand or by script, and a bound on
	// what a taken-over administrator account can send.
	Invite = Rule{Name: "members.invite", Scope: PerAccount, Max: 500, Window: time.Hour}
	// HoldPlace bounds legal holds placed by one administrator (each mails the person).
	HoldPlace = Rule{Name: "holds.place", Scope: PerAccount, Max: 30, Window: time.Hour}
	// InsuranceRegister bounds registrations for the insurance portal from one client.
	InsuranceRegister = Rule{Name: "insurance.register", Scope: PerClient, Max: 10, Window: time.Hour}
	// InsuranceActivate bounds activation attempts (letter codes) from one client.
	InsuranceActivate = Rule{Name: "insurance.activate", Scope: PerClient, Max: 20, Window: 15 * time.Minute}
	// ClaimCreate bounds new claims of one customer.
	ClaimCreate = Rule{Name: "claims.create", Scope: PerAccount, Max: 30, Window: time.Hour}
	// Upload bounds declared uploads (invoices and profile pictures, later attachments) of one account.
	Upload = Rule{Name: "uploads", Scope: PerAccount, Max: 30, Window: time.Hour}
	// ContractImport bounds contract imports of one staff member.
	ContractImport = Rule{Name: "contracts.import", Scope: PerAccount, Max: 30, Window: time.Hour}
	// NetworkWrite bounds what one network member writes: new groups, posts and
	// comments, joins and join requests.
	NetworkWrite = Rule{Name: "network.write", Scope: PerAccount, Max: 120, Window: time.Hour}
	// MessageSend bounds the direct messages one member sends (HKC-7): a
	// conversation's pace (20 a minute on average), not a flood of thousands in
	// a minute. A window of 15 minutes, as the other short limits: a fixed window
	// of one minute would let twice its number through across a boundary.
	MessageSend = Rule{Name: "network.messages", Scope: PerAccount, Max: 300, Window: 15 * time.Minute}
	// NetworkConnect bounds one member's new contact requests (HKC-8): mass
	// requests to many members are refused long before they bother anyone.
	NetworkConnect = Rule{Name: "network.connect", Scope: PerAccount, Max: 30, Window: time.Hour}
	// NetworkUnsubscribe bounds the use of the one-click unsubscribe links of
	// notifications from one client. Generous: a mail provider posts its users'
	// one-click requests from a few addresses.
	NetworkUnsubscribe = Rule{Name: "network.unsubscribe", Scope: PerClient, Max: 120, Window: 15 * time.Minute}
	// NetworkSearch bounds one member's searches (HKC-9): the page searches as one
	// types, a pause of a third of a second apart, so this is a long hour of typing.
	NetworkSearch = Rule{Name: "network.search", Scope: PerAccount, Max: 600, Window: 15 * time.Minute}
	// ContactSubmit bounds contact requests from one client.
	ContactSubmit = Rule{Name: "contact.submit", Scope: PerClient, Max: 10, Window: time.Hour}
	// ListingCreate bounds new listings from one client, signed in or not (each
	// without an account mails one confirmation link): an advertiser writes a few
	// a day; mass creation from one address stops here.
	ListingCreate = Rule{Name: "listings.create", Scope: PerClient, Max: 20, Window: time.Hour}
	// ListingCreateAll bounds new listings from all clients together.
	ListingCreateAll = Rule{Name: "listings.create.all", Scope: Global, Max: 600, Window: time.Hour}
	// WatchlistWrite bounds additions to and removals from watch lists from one
	// client (HGK-11): a person clicking stays far below it.
	WatchlistWrite = Rule{Name: "watchlist.write", Scope: PerClient, Max: 120, Window: 15 * time.Minute}
	// WatchlistWriteAll bounds watch-list changes from all clients together.
	WatchlistWriteAll = Rule{Name: "watchlist.write.all", Scope: Global, Max: 6000, Window: 15 * time.Minute}
	// WatchlistCreate bounds new watch lists from one client (counted by the
	// handler when an addition starts a list): a browser needs one, a script
	// discarding its cookie cannot fill the table.
	WatchlistCreate = Rule{Name: "watchlist.create", Scope: PerClient, Max: 10, Window: time.Hour}
	// WatchlistCreateAll bounds new watch lists from all clients together.
	WatchlistCreateAll = Rule{Name: "watchlist.create.all", Scope: Global, Max: 1000, Window: time.Hour}
	// RatingCreate bounds ratings from one client: a person rates a few
	// advertisers; mass rating from one address stops here.
	RatingCreate = Rule{Name: "ratings.create", Scope: PerClient, Max: 10, Window: time.Hour}
	// RatingCreateAll bounds ratings from all clients together.
	RatingCreateAll = Rule{Name: "ratings.create.all", Scope: Global, Max: 600, Window: time.Hour}
	// AdvertiserChange bounds changes of one advertiser's data: each may claim a
	// username, so probing which are taken stops here.
	AdvertiserChange = Rule{Name: "advertiser.change", Scope: PerAccount, Max: 30, Window: time.Hour}
	// ReplyReviewRequest bounds an advertiser's requests to have their withheld
	// replies reviewed (HGK-10): repeats queue nothing new, but each reads them all.
	ReplyReviewRequest = Rule{Name: "replies.review", Scope: PerAccount, Max: 10, Window: time.Hour}
	// AlertCreate bounds alerts sent without an account from one client (each
	// mails a confirmation link).
	AlertCreate = Rule{Name: "alerts.create", Scope: PerClient, Max: 10, Window: time.Hour}
	// AlertCreateAll bounds alerts sent without an account from all clients together.
	AlertCreateAll = Rule{Name: "alerts.create.all", Scope: Global, Max: 600, Window: time.Hour}
	// AlertToAddress bounds the alerts sent for one address without an account,
	// from whatever clients: over it nothing is stored or mailed and the answer
	// is the same 202, so it tells nothing about the address.
	AlertToAddress = Rule{Name: "alerts.address", Scope: PerAddress, Max: 5, Window: time.Hour}
	// AlertWrite bounds a signed-in account's creations and changes of alerts.
	AlertWrite = Rule{Name: "alerts.write", Scope: PerAccount, Max: 60, Window: time.Hour}
	// IdentityConfirmStart bounds the identity confirmations one advertiser starts
	// (HGK-5): a few tries, not a flood of states.
	IdentityConfirmStart = Rule{Name: "identity.confirm", Scope: PerAccount, Max: 10, Window: time.Hour}
	// IdentityCallback bounds callbacks (signed or forged) from one client, the
	// provider's address: well above its pace, a stop for a forger's flood.
	IdentityCallback = Rule{Name: "identity.callback", Scope: PerClient, Max: 600, Window: 15 * time.Minute}
	// IdentityCallbackAll bounds callbacks from all clients together.
	IdentityCallbackAll = Rule{Name: "identity.callback.all", Scope: Global, Max: 3000, Window: 15 * time.Minute}
	// InvoiceDownload bounds the download links one account asks for (HGK-4): a
	// person fetches a few invoices, a script guessing numbers is stopped.
	InvoiceDownload = Rule{Name: "invoices.download", Scope: PerAccount, Max: 120, Window: time.Hour}

	// ReplySend bounds replies to listings from one client (HGK-9): a person
	// answers a few listings; a script flooding the form stops after these.
	ReplySend = Rule{Name: "replies.send", Scope: PerClient, Max: 10, Window: 10 * time.Minute}
	// ReplyPerAddress bounds replies sent in the name of one address (counted by
	// the handler, by the keyed hash of its mailbox), whatever clients they come from.
	ReplyPerAddress = Rule{Name: "replies.address", Scope: PerAddress, Max: 20, Window: time.Hour}
	// ReplyPerListing bounds replies to one listing from all clients (counted by
	// the handler): its advertiser is mailed each one.
	ReplyPerListing = Rule{Name: "replies.listing", Scope: PerTarget, Max: 60, Window: time.Hour}
	// ReplySendAll bounds replies from all clients together.
	ReplySendAll = Rule{Name: "replies.send.all", Scope: Global, Max: 600, Window: 10 * time.Minute}

	// MailAll bounds, across all clients, mail that anonymous callers cause (sign-ups
	// and password links), shared by those routes like MailPerClient.
	MailAll = Rule{Name: "mail.all", Scope: Global, Max: 500, Window: time.Hour}
	// AccountCreateAll bounds sign-ups from all clients together.
	AccountCreateAll = Rule{Name: "accounts.create.all", Scope: Global, Max: 300, Window: time.Hour}
	// TokensAll bounds the use of mailed links from all clients together.
	TokensAll = Rule{Name: "tokens.all", Scope: Global, Max: 1000, Window: 15 * time.Minute}
	// DeviceSignInAll bounds device sign-ins from all clients together (apps unlock
	// often, so it is generous).
	DeviceSignInAll = Rule{Name: "sessions.device.all", Scope: Global, Max: 3000, Window: 15 * time.Minute}
	// InsuranceRegisterAll bounds registrations from all clients together.
	InsuranceRegisterAll = Rule{Name: "insurance.register.all", Scope: Global, Max: 300, Window: time.Hour}
	// InsuranceActivateAll bounds activation attempts from all clients together.
	InsuranceActivateAll = Rule{Name: "insurance.activate.all", Scope: Global, Max: 1000, Window: 15 * time.Minute}
	// ContactSubmitAll bounds anonymous contact requests from all clients together:
	// they land in the staff's queue, which staff work through by hand.
	ContactSubmitAll = Rule{Name: "contact.submit.all", Scope: Global, Max: 100, Window: time.Hour}
	// NetworkUnsubscribeAll bounds the one-click unsubscribe links from all
	// clients together.
	NetworkUnsubscribeAll = Rule{Name: "network.unsubscribe.all", Scope: Global, Max: 3000, Window: 15 * time.Minute}
)

// Catalog lists every rule, for the privacy module (which counters concern a person)
// and for the documentation test.
func Catalog() []Rule {
	return []Rule{
		MailPerClient, MailToAddress, AccountCreate, TokenPerClient, PasswordChange, SessionConfirm, ProfileChange,
		DeviceCreate, DeviceSignIn, Invite, HoldPlace, InsuranceRegister, InsuranceActivate,
		ClaimCreate, Upload, ContractImport, NetworkWrite, ContactSubmit, NetworkUnsubscribe, NetworkConnect, NetworkSearch, MessageSend,
		MailAll, AccountCreateAll, TokensAll, DeviceSignInAll, InsuranceRegisterAll, InsuranceActivateAll, ContactSubmitAll, NetworkUnsubscribeAll,
		ListingCreate, ListingCreateAll,
		WatchlistWrite, WatchlistWriteAll, WatchlistCreate, WatchlistCreateAll,
		RatingCreate, RatingCreateAll, AdvertiserChange,
		ReplyReviewRequest,
		IdentityConfirmStart, IdentityCallback, IdentityCallbackAll,
		ReplySend, ReplyPerAddress, ReplyPerListing, ReplySendAll,
		AlertCreate, AlertCreateAll, AlertToAddress, AlertWrite,
		AlertUnsubscribe, AlertUnsubscribeAll,
		PlanOrder, PaymentWebhook, PaymentWebhookAll, // plans.go
		InvoiceDownload,
	}
}
