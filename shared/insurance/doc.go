// Package insurance is the insurance customer portal: contract records imported by
// the operator, registration matched against them (H4U-4), activation by letter or
// eID (H4U-5), the customer's own contracts (H4U-2), and claims with encrypted
// invoices reviewed by staff (H4U-7, H4U-10). Its data lives in its own table and
// bucket; only the module's functions reach them.
//
// This package holds the rules and the types. It knows no table and no key: each
// use case declares what it needs of the store where it uses it (ClaimStore,
// ReviewStore, RegistrationStore), and package insurancedb implements those on the
// module's table. The store imports this package for the types it keeps, never the
// other way round. The module's other layers: insuranceapi (handlers and routes),
// insuranceprivacy (its side of the privacy protocol), insurancewire and claimswire
// (each function's parts).
package insurance
