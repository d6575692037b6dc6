package identity

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"kontor/shared/access"
	"kontor/shared/ids"
	"kontor/shared/problem"
)

// Device is a sign-in credential a device keeps and unlocks with its own biometrics
// (H4U-6): the server only ever sees the credential, never biometric data. Only the
// credential's digest is stored.
type Device struct {
	ID           string     `dynamodbav:"deviceId" json:"id"`
	AccountID    string     `dynamodbav:"accountId" json:"-"`
	Name         string     `dynamodbav:"name" json:"name"`
	SecretDigest string     `dynamodbav:"secretDigest" json:"-"`
	CreatedAt    time.Time  `dynamodbav:"createdAt" json:"createdAt"`
	LastUsedAt   *time.Time `dynamodbav:"lastUsedAt,omitempty" json:"lastUsedAt"`
}

// MaxDevices bounds the credentials of one account.
const MaxDevices = 10

// DeviceStore persists device credentials.
type DeviceStore interface {
	PutDevice(ctx context.Context, d Device) error
	Device(ctx context.Context, accountID, deviceID string) (Device, error)
	Devices(ctx context.Context, accountID string) ([]Device, error)
	DeleteDevice(ctx context.Context, accountID, deviceID string) error
	TouchDevice(ctx context.Context, accountID, deviceID string, at time.Time) error
}

const credentialPrefix = "kd1."

// credential is what the device keeps: version, account, device, secret.
func credential(d Device, secret string) string {
	return credentialPrefix + d.AccountID + "." + d.ID + "." + secret
}

func parseCredential(c string) (accountID, deviceID, secret string, ok bool) {
	rest, found := strings.CutPrefix(c, credentialPrefix)
	if !found {
		return "", "", "", false
	}
	parts := strings.Split(rest, ".")
	if len(parts) != 3 || !ids.ValidV7(parts[0]) || !ids.ValidV7(parts[1]) || !ids.PlausibleToken(parts[2]) {
		return "", "", "", false
	}
	return parts[0], parts[1], parts[2], true
}

// AddDevice registers a device credential for the signed-in person and returns it
// once; afterwards only its digest exists.
func (s *Service) AddDevice(ctx context.Context, p access.Principal, name string) (Device, string, error) {
	name = strings.TrimSpace(name)
	var f fields
	if name == "" {
		f.check("name", problem.FieldRequired)
	} else {
		f.check("name", CheckName(name))
	}
	if err := f.err(); err != nil {
		return Device{}, "", err
	}
	existing, err := s.DeviceStore.Devices(ctx, p.AccountID)
	if err != nil {
		return Device{}, "", err
	}
	if len(existing) >= MaxDevices {
		return Device{}, "", problem.New(http.StatusConflict, CodeTooManyDevices)
	}
	now := s.Now()
	secret := ids.NewToken()
	d := Device{ID: ids.NewV7(now), AccountID: p.AccountID, Name: name, SecretDigest: ids.Digest(secret), CreatedAt: now}
	if err := s.DeviceStore.PutDevice(ctx, d); err != nil {
		return Device{}, "", err
	}
	s.Log.InfoContext(ctx, "device added", slog.String("accountId", p.AccountID), slog.String("deviceId", d.ID))
	return d, credential(d, secret), nil
}

// Devices lists the signed-in person's device credentials.
func (s *Service) Devices(ctx context.Context, p access.Principal) ([]Device, error) {
	ds, err := s.DeviceStore.Devices(ctx, p.AccountID)
	if ds == nil {
		ds = []Device{}
	}
	return ds, err
}

// RevokeDevice deletes one device credential; another person's id is not found.
func (s *Service) RevokeDevice(ctx context.Context, p access.Principal, deviceID string) error {
	if _, err := s.DeviceStore.Device(ctx, p.AccountID, deviceID); err != nil {
		if errors.Is(err, ErrNotFound) {
			return problem.New(http.StatusNotFound, problem.CodeNotFound)
		}
		return err
	}
	if err := s.DeviceStore.DeleteDevice(ctx, p.AccountID, deviceID); err != nil {
		return err
	}
	s.Log.InfoContext(ctx, "device revoked", slog.String("accountId", p.AccountID), slog.String("deviceId", deviceID))
	return nil
}

// RevokeAllDevices deletes every device credential of an account (password change,
// reset).
func (s *Service) RevokeAllDevices(ctx context.Context, accountID string) error {
	if s.DeviceStore == nil {
		return nil
	}
	ds, err := s.DeviceStore.Devices(ctx, accountID)
	if err != nil {
		return err
	}
	for _, d := range ds {
		if err := s.DeviceStore.DeleteDevice(ctx, accountID, d.ID); err != nil {
			return err
		}
	}
	return nil
}

// DeviceLogin starts a session with a device credential: the same checks and
// evidence as a password sign-in, throttled per credential and per client.
func (s *Service) DeviceLogin(ctx context.Context, cred, clientIP, previous string) (LoginResult, error) {
	now := s.Now()
	accountID, deviceID, secret, ok := parseCredential(cred)
	key := deviceID
	if !ok {
		key = "malformed"
	}
	k, err := s.throttleKeys(ctx, "device:"+key, clientIP, now)
	if err != nil {
		return LoginResult{}, err
	}
	th := k.deviceThrottle()
	if err := th.reserve(ctx, s, now); err != nil {
		return LoginResult{}, err
	}
	if !ok {
		return LoginResult{}, th.fail(ctx, s)
	}
	d, err := s.DeviceStore.Device(ctx, accountID, deviceID)
	if errors.Is(err, ErrNotFound) || (err == nil && !equalDigest(d.SecretDigest, ids.Digest(secret))) {
		return LoginResult{}, th.fail(ctx, s)
	}
	if err != nil {
		return LoginResult{}, fmt.Errorf("device login: %w", err)
	}
	acc, err := s.Store.Account(ctx, accountID, now)
	if errors.Is(err, ErrNotFound) || (err == nil && acc.Status != StatusActive) {
		return LoginResult{}, th.fail(ctx, s)
	}
	if err != nil {
		return LoginResult{}, fmt.Errorf("device login: %w", err)
	}
	if err := s.DeviceStore.TouchDevice(ctx, accountID, deviceID, now); err != nil {
		return LoginResult{}, err
	}
	if err := th.succeed(ctx, s, acc.ID, now); err != nil {
		return LoginResult{}, err
	}
	// A stored credential is not a proof of the person: erasure and the like still
	// ask for the password (POST /v1/sessions/current/confirm).
	return s.startSession(ctx, acc, previous, clientIP, now, false, evidenceLogin)
}

func equalDigest(a, b string) bool {
	return len(a) == len(b) && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
