package identity

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"kontor/shared/access"
	"kontor/shared/privacy"
	"kontor/shared/problem"
)

// NetworkData is the members' network's data of a person, reached through the
// network module's privacy function (the same erasure the privacy core runs), so
// the identity module never touches the network's table or bucket.
type NetworkData interface {
	Erase(ctx context.Context, s privacy.Subject) error
}

// GrantNetwork gives the account the network role (access.RoleNetwork), staff or
// an administrator acting. Granting it again changes nothing. The account's live
// sessions get the role at once, so the person need not sign in again. An unknown
// or deactivated account is 404.
func (s *Service) GrantNetwork(ctx context.Context, by access.Principal, id string) error {
	acc, err := s.roleSubject(ctx, id)
	if err != nil {
		return err
	}
	if acc.Status == StatusDeactivated {
		return problem.New(http.StatusNotFound, problem.CodeNotFound)
	}
	if err := s.setNetworkRole(ctx, id, true); err != nil {
		return err
	}
	return s.auditRole(ctx, "network.granted", by, id)
}

// RemoveNetwork takes the network role away and ends the person's presence in the
// network at once, like a deactivation of its part: the role leaves the account
// (a new sign-in does not get it) and every live session (the authorizer reads the
// roles from the session on each request, so the next request is refused 404), and
// then the profile and picture are erased through the network module's privacy
// function. Removing it again, or from an account that never had it, erases again
// and is harmless; after a failure half way the same call finishes the job.
func (s *Service) RemoveNetwork(ctx context.Context, by access.Principal, id string) error {
	if _, err := s.roleSubject(ctx, id); err != nil {
		return err
	}
	if err := s.setNetworkRole(ctx, id, false); err != nil {
		return err
	}
	if err := s.Network.Erase(ctx, privacy.Subject{AccountID: id}); err != nil {
		return fmt.Errorf("erase network data: %w", err)
	}
	return s.auditRole(ctx, "network.removed", by, id)
}

// roleSubject is the account whose role changes; 404 when there is none.
func (s *Service) roleSubject(ctx context.Context, id string) (Account, error) {
	acc, err := s.Store.Account(ctx, id, s.Now())
	if errors.Is(err, ErrNotFound) {
		return Account{}, problem.New(http.StatusNotFound, problem.CodeNotFound)
	}
	return acc, err
}

// setNetworkRole adds or removes the role on the account first, then on its
// sessions: a sign-in in between reads the account as changed.
func (s *Service) setNetworkRole(ctx context.Context, id string, on bool) error {
	if err := s.Store.SetRole(ctx, id, access.RoleNetwork, on); err != nil {
		if errors.Is(err, ErrNotFound) {
			return problem.New(http.StatusNotFound, problem.CodeNotFound)
		}
		return fmt.Errorf("set network role: %w", err)
	}
	if err := s.Sessions.SetRoleOf(ctx, id, access.RoleNetwork, on); err != nil {
		return fmt.Errorf("set network role of sessions: %w", err)
	}
	return nil
}

func (s *Service) auditRole(ctx context.Context, action string, by access.Principal, id string) error {
	s.Log.InfoContext(ctx, action, slog.String("accountId", id), slog.String("by", by.AccountID))
	if err := s.Audit.Record(ctx, action, by.AccountID, id, ""); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}
