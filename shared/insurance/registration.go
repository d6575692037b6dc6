package insurance

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"

	"kontor/shared/fault"
	"kontor/shared/identity"
	"kontor/shared/ids"
	"kontor/shared/privacy/protocol"
	"kontor/shared/problem"
)

// Activation methods (H4U-5).
const (
	ByPost = "post"
	ByEID  = "eid"
)

// eID results the provider reports; nothing else of the identification is stored.
const (
	EIDVerified = "verified"
	EIDFailed   = "failed"
)

// Registration limits.
const (
	PostActivationTTL  = 30 * 24 * time.Hour // a letter takes days; the code lives 30 days
	EIDActivationTTL   = 24 * time.Hour
	MaxCodeAttempts    = 5
	MaxMatchFailures   = 5 // per contract number and hour: guessing names or birthdates stops
	matchFailureWindow = time.Hour
	LetterTTL          = 30 * 24 * time.Hour
	// ActivatedKeep is how long an activated registration stays as the record that
	// it was activated, so that a repeat whose answer was lost is answered as the
	// first activation, without a second account or mail.
	ActivatedKeep = 24 * time.Hour
)

// Registration is a matched request for portal access awaiting activation. Name and
// birthdate are used for matching only and not stored.
type Registration struct {
	ID             string     `dynamodbav:"id" json:"id"`
	CustomerNumber string     `dynamodbav:"customerNumber" json:"-"`
	ContractNumber string     `dynamodbav:"contractNumber" json:"-"`
	Email          string     `dynamodbav:"email" json:"-"`
	Phone          string     `dynamodbav:"phone,omitempty" json:"-"`
	Language       string     `dynamodbav:"language" json:"-"`
	TermsVersion   string     `dynamodbav:"termsVersion" json:"-"`
	PrivacyVersion string     `dynamodbav:"privacyVersion" json:"-"`
	Method         string     `dynamodbav:"method" json:"activation"`
	CodeDigest     string     `dynamodbav:"codeDigest,omitempty" json:"-"`
	LetterID       string     `dynamodbav:"letterId,omitempty" json:"-"`
	Attempts       int        `dynamodbav:"attempts" json:"-"`
	Pseudonym      string     `dynamodbav:"pseudonym,omitempty" json:"-"`
	EIDResult      string     `dynamodbav:"eidResult,omitempty" json:"eidResult,omitempty"`
	EIDAt          *time.Time `dynamodbav:"eidAt,omitempty" json:"-"`
	// ActivatedAt is set once the registration was activated: it then lives on
	// only as that record, for ActivatedKeep at most.
	ActivatedAt *time.Time `dynamodbav:"activatedAt,omitempty" json:"-"`
	CreatedAt   time.Time  `dynamodbav:"createdAt" json:"createdAt"`
	ExpiresAt   time.Time  `dynamodbav:"expiresAt" json:"expiresAt"`
	// RedirectURL is where the customer continues with the eID provider.
	RedirectURL string `dynamodbav:"-" json:"redirectUrl,omitempty"`
}

// Letter is an activation letter waiting for the operator's printing: it goes to the
// address on the contract, never to one given at registration.
type Letter struct {
	ID             string  `dynamodbav:"id" json:"id"`
	RegistrationID string  `dynamodbav:"registrationId" json:"registrationId"`
	Name           string  `dynamodbav:"name" json:"name"`
	Address        Address `dynamodbav:"address" json:"address"`
	Code           string  `dynamodbav:"code" json:"code"`
	Language       string  `dynamodbav:"language" json:"language"`
	// Text is the letter in the customer's language, ready for printing.
	Text      string    `dynamodbav:"text" json:"text"`
	CreatedAt time.Time `dynamodbav:"createdAt" json:"createdAt"`
	ExpiresAt time.Time `dynamodbav:"expiresAt" json:"expiresAt"`
}

// letterText is the body of an activation letter.
func letterText(lang, name, code string, until time.Time) string {
	if lang == "de" {
		return "Guten Tag " + name + ",\n\nSie haben sich für das Kundenportal registriert. Ihr Aktivierungscode lautet:\n\n    " + code +
			"\n\nGeben Sie ihn bis zum " + until.Format("02.01.2006") + " im Portal ein. Haben Sie sich nicht registriert, " +
			"können Sie diesen Brief vernichten: Ohne den Code wird kein Zugang eingerichtet.\n"
	}
	return "Dear " + name + ",\n\nYou registered for the customer portal. Your activation code is:\n\n    " + code +
		"\n\nEnter it in the portal by " + until.Format("2 January 2006") + ". If you did not register, " +
		"you can destroy this letter: without the code no access is set up.\n"
}

// Link ties a portal account to a customer of the operator.
type Link struct {
	AccountID      string    `dynamodbav:"accountId" json:"-"`
	CustomerNumber string    `dynamodbav:"customerNumber" json:"customerNumber"`
	Phone          string    `dynamodbav:"phone,omitempty" json:"phone,omitempty"`
	Method         string    `dynamodbav:"method" json:"activatedBy"`
	LinkedAt       time.Time `dynamodbav:"linkedAt" json:"linkedAt"`
}

// Provisioner gives a proven customer portal access: it creates the account (or
// finds the one with this email) and mails the link to set a password. The identity
// module does, through its privacy function (protocol.Remote).
type Provisioner interface {
	Provision(ctx context.Context, a protocol.NewAccount) (string, error)
}

// EIDProvider starts an identification with the external provider, which receives
// only the pseudonym, the callback address and the page the person's browser
// returns to afterwards, and returns where the customer continues.
type EIDProvider interface {
	Start(ctx context.Context, pseudonym, callbackURL, returnURL string) (string, error)
}

// RegistrationStore keeps registrations, their activation letters and eID
// references, the counters of failed matches, and the links of activated accounts.
type RegistrationStore interface {
	// Contract returns one contract record, or ErrNotFound.
	Contract(ctx context.Context, number string, now time.Time) (Contract, error)
	// MatchFailures returns how often matching against a contract number failed in
	// the window that starts at window (0 when never).
	MatchFailures(ctx context.Context, number string, window, now time.Time) (int, error)
	// AddMatchFailure counts one more failed match in that window; the counter
	// lives until expires.
	AddMatchFailure(ctx context.Context, number string, window, expires, now time.Time) error
	// CreateLetterRegistration writes a new registration together with its
	// activation letter, queued for printing until letterExpires.
	CreateLetterRegistration(ctx context.Context, reg Registration, l Letter, letterExpires time.Time) error
	// CreateEIDRegistration writes a new registration together with the reference
	// from its pseudonym.
	CreateEIDRegistration(ctx context.Context, reg Registration) error
	// Registration returns a registration that has not expired, or ErrNotFound.
	Registration(ctx context.Context, id string, now time.Time) (Registration, error)
	// SaveAttempts writes reg if the stored one still counts prev wrong codes, and
	// was not activated meanwhile when reg is not; ErrConflict otherwise.
	SaveAttempts(ctx context.Context, reg Registration, prev int) error
	// SaveEIDResult writes reg if the stored one has no eID result yet;
	// ErrConflict otherwise.
	SaveEIDResult(ctx context.Context, reg Registration) error
	// EIDRegistration returns the id of the registration a pseudonym was given
	// for, or ErrNotFound.
	EIDRegistration(ctx context.Context, pseudonym string, now time.Time) (string, error)
	// SaveLink links an account to a customer, both ways.
	SaveLink(ctx context.Context, l Link) error
	// MarkActivated stores reg, activated, in place of the open registration and
	// deletes its eID reference (reg.Pseudonym), which it no longer stores.
	MarkActivated(ctx context.Context, reg Registration) error
	// LetterPage reads one page of the print queue, oldest first, and returns the
	// cursor of the next page ("" at the end); ErrBadCursor for a cursor it did
	// not hand out.
	LetterPage(ctx context.Context, pg Page, now time.Time) ([]Letter, string, error)
	// DeleteLetter deletes a letter; ErrNotFound when there is none.
	DeleteLetter(ctx context.Context, id string) error
}

// Registrar carries out registration and activation.
type Registrar struct {
	Store       RegistrationStore
	Accounts    Provisioner
	EID         EIDProvider
	Now         func() time.Time
	Log         *slog.Logger
	CallbackURL string
	// SiteURL is the portal's address (AppBaseUrl): after identifying, the
	// provider sends the browser back to the activation page there (ReturnURL).
	SiteURL string
	// Current versions of the documents a registration must accept (HKC-1).
	TermsVersion, PrivacyVersion string
}

// RegisterInput is what a customer enters (H4U-4).
type RegisterInput struct {
	FirstName, LastName, Birthdate, Email, Phone, ContractNumber string
	Activation, Language, TermsVersion, PrivacyVersion           string
}

// Register matches the input against the contract records. A match creates a
// registration and either queues an activation letter to the contract's address or
// starts an eID identification. Any mismatch, including an unknown contract number,
// gets the same answer, and repeated mismatches for a contract number are throttled.
func (g *Registrar) Register(ctx context.Context, in RegisterInput) (Registration, error) {
	var fe []problem.FieldError
	bad := func(f string, c problem.Code) { fe = append(fe, problem.FieldError{Field: f, Code: c}) }
	for _, f := range []struct{ name, value string }{{"firstName", in.FirstName}, {"lastName", in.LastName}} {
		if strings.TrimSpace(f.value) == "" {
			bad(f.name, problem.FieldRequired)
		} else if c := identity.CheckName(f.value); !c.IsZero() {
			bad(f.name, c)
		}
	}
	now := g.Now()
	if in.Birthdate == "" {
		bad("birthdate", problem.FieldRequired)
	} else if !validDate(in.Birthdate, now, true) {
		bad("birthdate", problem.FieldInvalidValue)
	}
	email, code := identity.NormalizeEmail(in.Email)
	if !code.IsZero() {
		bad("email", code)
	}
	phone := strings.TrimSpace(in.Phone)
	if phone == "" {
		bad("phone", problem.FieldRequired)
	} else if !validPhone(phone) {
		bad("phone", problem.FieldInvalidValue)
	}
	number := strings.ToUpper(strings.TrimSpace(in.ContractNumber))
	if number == "" {
		bad("contractNumber", problem.FieldRequired)
	} else if !validNumber(number) {
		bad("contractNumber", problem.FieldInvalidValue)
	}
	if in.Activation != ByPost && in.Activation != ByEID {
		bad("activation", problem.FieldInvalidValue)
	}
	if in.Language == "" {
		in.Language = "de"
	}
	if c := identity.CheckLanguage(in.Language); !c.IsZero() {
		bad("language", c)
	}
	switch {
	case in.TermsVersion == "":
		bad("acceptedTermsVersion", problem.FieldRequired)
	case in.TermsVersion != g.TermsVersion:
		bad("acceptedTermsVersion", problem.FieldOutdated)
	}
	switch {
	case in.PrivacyVersion == "":
		bad("acceptedPrivacyVersion", problem.FieldRequired)
	case in.PrivacyVersion != g.PrivacyVersion:
		bad("acceptedPrivacyVersion", problem.FieldOutdated)
	}
	if len(fe) > 0 {
		return Registration{}, problem.Invalid(fe...)
	}
	if err := g.checkFailures(ctx, number, now); err != nil {
		return Registration{}, err
	}
	c, err := g.Store.Contract(ctx, number, now)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Registration{}, err
	}
	if err != nil || !sameName(c.Holder.FirstName, in.FirstName) || !sameName(c.Holder.LastName, in.LastName) || c.Holder.Birthdate != in.Birthdate {
		if err := g.countFailure(ctx, number, now); err != nil {
			return Registration{}, err
		}
		g.Log.InfoContext(ctx, "registration not matched")
		return Registration{}, problem.New(http.StatusUnprocessableEntity, CodeContractMismatch)
	}
	reg := Registration{
		ID: ids.NewV7(now), CustomerNumber: c.Holder.CustomerNumber, ContractNumber: c.Number, Email: email, Phone: phone,
		Language: in.Language, TermsVersion: in.TermsVersion, PrivacyVersion: in.PrivacyVersion, Method: in.Activation, CreatedAt: now,
	}
	switch in.Activation {
	case ByPost:
		reg.ExpiresAt = now.Add(PostActivationTTL)
		code, err := activationCode()
		if err != nil {
			return Registration{}, err
		}
		reg.CodeDigest = ids.Digest(normalizeCode(code))
		l := Letter{ID: ids.NewV7(now), RegistrationID: reg.ID, Name: c.Holder.FirstName + " " + c.Holder.LastName,
			Address: c.Holder.Address, Code: code, Language: in.Language, CreatedAt: now, ExpiresAt: reg.ExpiresAt}
		l.Text = letterText(l.Language, l.Name, code, reg.ExpiresAt)
		reg.LetterID = l.ID
		// The registration and its letter are written together; the letters are
		// queued in the order of their ids, UUIDv7s: oldest first.
		if err := g.Store.CreateLetterRegistration(ctx, reg, l, now.Add(LetterTTL)); err != nil {
			return Registration{}, err
		}
	case ByEID:
		reg.ExpiresAt = now.Add(EIDActivationTTL)
		reg.Pseudonym = ids.NewToken()
		if err := g.Store.CreateEIDRegistration(ctx, reg); err != nil {
			return Registration{}, err
		}
		url, err := g.EID.Start(ctx, reg.Pseudonym, g.CallbackURL, ReturnURL(g.SiteURL, reg.Language, reg.ID))
		if err != nil {
			g.Log.ErrorContext(ctx, "eid provider unavailable", slog.String("fault", fault.Describe(err)))
			return Registration{}, problem.New(http.StatusBadGateway, CodeEIDUnavailable)
		}
		reg.RedirectURL = url
	}
	g.Log.InfoContext(ctx, "registration matched", slog.String("registrationId", reg.ID), slog.String("activation", reg.Method))
	return reg, nil
}

// ReturnURL is the activation page the eID provider sends the browser back to: in
// the registration's language, naming the registration (a random id, not
// personal data; the activation still needs the provider's signed result).
func ReturnURL(site, lang, registrationID string) string {
	if lang != "de" && lang != "en" {
		lang = "de"
	}
	return strings.TrimRight(site, "/") + "/" + lang + "/insurance/activate?registration=" + url.QueryEscape(registrationID) + "&via=eid"
}

func sameName(a, b string) bool {
	norm := func(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }
	return norm(a) == norm(b)
}

func (g *Registrar) checkFailures(ctx context.Context, number string, now time.Time) error {
	n, err := g.Store.MatchFailures(ctx, number, window(now), now)
	if err != nil {
		return err
	}
	if n >= MaxMatchFailures {
		p := problem.New(http.StatusTooManyRequests, problem.CodeTooManyAttempts)
		p.RetryAfterSeconds = int(time.Until(now.Truncate(matchFailureWindow).Add(matchFailureWindow)).Seconds()) + 1
		return p
	}
	return nil
}

// window is the start of the window of failed matches that now falls in.
func window(now time.Time) time.Time { return now.UTC().Truncate(matchFailureWindow) }

func (g *Registrar) countFailure(ctx context.Context, number string, now time.Time) error {
	return g.Store.AddMatchFailure(ctx, number, window(now), now.Truncate(matchFailureWindow).Add(2*matchFailureWindow), now)
}

// activationCode is 12 characters from an alphabet without look-alikes, grouped in
// fours for the letter: about 59 bits, with at most MaxCodeAttempts tries.
func activationCode() (string, error) {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	var b strings.Builder
	for i := range 12 {
		if i > 0 && i%4 == 0 {
			b.WriteByte('-')
		}
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			return "", fmt.Errorf("activation code: %w", err)
		}
		b.WriteByte(alphabet[n.Int64()])
	}
	return b.String(), nil
}

func normalizeCode(c string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToUpper(r)
	}, c)
}

// registration returns a registration that has not expired; ErrNotFound for an id
// no registration can have.
func (g *Registrar) registration(ctx context.Context, id string, now time.Time) (Registration, error) {
	if !ids.ValidV7(id) {
		return Registration{}, ErrNotFound
	}
	return g.Store.Registration(ctx, id, now)
}

// Activate completes a registration: with the code from the letter, or after the
// eID provider reported a successful identification. The customer then gets the
// mail to set a password, and the account is linked to the customer. Every failure
// looks the same; wrong codes are counted and end the registration after
// MaxCodeAttempts. The activated registration stays for ActivatedKeep as the record
// of it: a repeat with the same code (or of an eID activation) is answered as the
// first, and does nothing again; a wrong code is still refused.
func (g *Registrar) Activate(ctx context.Context, id, code string) error {
	now := g.Now()
	invalid := problem.New(http.StatusBadRequest, CodeActivationInvalid)
	reg, err := g.registration(ctx, id, now)
	if errors.Is(err, ErrNotFound) {
		return invalid
	}
	if err != nil {
		return err
	}
	switch reg.Method {
	case ByPost:
		if reg.Attempts >= MaxCodeAttempts {
			return problem.New(http.StatusTooManyRequests, problem.CodeTooManyAttempts)
		}
		if subtle.ConstantTimeCompare([]byte(ids.Digest(normalizeCode(code))), []byte(reg.CodeDigest)) != 1 {
			next := reg
			next.Attempts++
			err := g.Store.SaveAttempts(ctx, next, reg.Attempts)
			if err != nil && !errors.Is(err, ErrConflict) {
				return err
			}
			return invalid
		}
	case ByEID:
		if reg.EIDResult == "" {
			return problem.New(http.StatusConflict, CodeEIDPending)
		}
		if reg.EIDResult != EIDVerified {
			return invalid
		}
	}
	if reg.ActivatedAt != nil {
		// Done already: the answer to the first activation was lost.
		return nil
	}
	accountID, err := g.Accounts.Provision(ctx, protocol.NewAccount{Email: reg.Email, Language: reg.Language, TermsVersion: reg.TermsVersion, PrivacyVersion: reg.PrivacyVersion})
	if err != nil {
		return err
	}
	link := Link{AccountID: accountID, CustomerNumber: reg.CustomerNumber, Phone: reg.Phone, Method: reg.Method, LinkedAt: now}
	if err := g.Store.SaveLink(ctx, link); err != nil {
		return err
	}
	if err := g.Store.MarkActivated(ctx, activated(reg, now)); err != nil {
		return err
	}
	g.Log.InfoContext(ctx, "registration activated", slog.String("registrationId", reg.ID), slog.String("accountId", accountID), slog.String("activation", reg.Method))
	return nil
}

// activated is the record an activated registration leaves: what recognises a
// repeat (the code's digest, the eID result, the wrong codes so far), the address
// that finds it for the person's export and erasure, and the letter it may still
// have in the print queue; no phone, contract or customer number. It lives
// ActivatedKeep, never longer than the registration would have.
func activated(reg Registration, now time.Time) Registration {
	reg.ActivatedAt = &now
	if end := now.Add(ActivatedKeep); end.Before(reg.ExpiresAt) {
		reg.ExpiresAt = end
	}
	reg.Phone, reg.ContractNumber, reg.CustomerNumber = "", "", ""
	return reg
}

// EIDResult stores the outcome of an identification for a pseudonym, and nothing
// else: verified only when the provider verified someone and that someone is the
// contract's holder (EIDIdentity.Matches), failed otherwise — a stranger who
// identifies with their own ID card gets the same answer as a failed
// identification. The first outcome stands; a repeated identical callback is
// harmless.
func (g *Registrar) EIDResult(ctx context.Context, pseudonym, result string, id *EIDIdentity) error {
	now := g.Now()
	if result != EIDVerified && result != EIDFailed {
		return problem.Invalid(problem.FieldError{Field: "result", Code: problem.FieldInvalidValue})
	}
	if !ids.PlausibleToken(pseudonym) {
		return problem.New(http.StatusNotFound, problem.CodeNotFound)
	}
	regID, err := g.Store.EIDRegistration(ctx, pseudonym, now)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return problem.New(http.StatusNotFound, problem.CodeNotFound)
		}
		return err
	}
	reg, err := g.registration(ctx, regID, now)
	if errors.Is(err, ErrNotFound) {
		return problem.New(http.StatusNotFound, problem.CodeNotFound)
	}
	if err != nil {
		return err
	}
	outcome := EIDFailed
	if result == EIDVerified {
		c, err := g.Store.Contract(ctx, reg.ContractNumber, now)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		switch {
		case err != nil:
			g.Log.InfoContext(ctx, "eid identification for a contract that is gone", slog.String("registrationId", reg.ID))
		case id == nil || !id.Matches(c.Holder):
			// Someone identified, but not the holder: no data of theirs is kept.
			g.Log.WarnContext(ctx, "eid identity is not the contract holder", slog.String("registrationId", reg.ID))
		default:
			outcome = EIDVerified
		}
	}
	if reg.EIDResult != "" {
		if reg.EIDResult == outcome {
			return nil
		}
		return problem.New(http.StatusConflict, problem.CodeConflict)
	}
	reg.EIDResult, reg.EIDAt = outcome, &now
	err = g.Store.SaveEIDResult(ctx, reg)
	if errors.Is(err, ErrConflict) {
		return problem.New(http.StatusConflict, problem.CodeConflict)
	}
	if err == nil {
		g.Log.InfoContext(ctx, "eid result stored", slog.String("registrationId", reg.ID), slog.String("result", outcome))
	}
	return err
}

// Letters lists one page of the print queue, oldest first.
func (g *Registrar) Letters(ctx context.Context, pg Page) ([]Letter, string, error) {
	ls, next, err := g.Store.LetterPage(ctx, pg, g.Now())
	return ls, next, pageProblem(err)
}

// LetterPrinted removes a printed letter: its code then exists only on paper and
// as a digest. An unknown id is not found.
func (g *Registrar) LetterPrinted(ctx context.Context, id string) error {
	if !ids.ValidV7(id) {
		return problem.New(http.StatusNotFound, problem.CodeNotFound)
	}
	err := g.Store.DeleteLetter(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return problem.New(http.StatusNotFound, problem.CodeNotFound)
	}
	return err
}
