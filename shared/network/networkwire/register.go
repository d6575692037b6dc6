package networkwire

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/env"
	"kontor/shared/httpapi"
	"kontor/shared/identity/identitywire"
	"kontor/shared/mail"
	"kontor/shared/network"
	"kontor/shared/network/networkapi"
	"kontor/shared/network/networkdb"
	"kontor/shared/privacy/privacydb"
	"kontor/shared/secrets"
)

// NetworkRoutes are the network function's routes: the profiles, and the
// honorary office (staff) with the member's view of the register's changes
// (HKC-10), audited in the privacy module's log (PRIVACY_TABLE).
func NetworkRoutes(ctx context.Context) (map[string]httpapi.Route, error) {
	h, err := Handlers(ctx)
	if err != nil {
		return nil, err
	}
	audit, err := privacydb.FromEnv(ctx)
	if err != nil {
		return nil, err
	}
	store, _ := h.Svc.Store.(*networkdb.Store)
	routes := h.Routes()
	maps.Copy(routes, networkapi.Register{Svc: &network.RegisterService{Store: store, Now: now}, Audit: audit}.Routes())
	return routes, nil
}

// MinRegisterKeyBytes is the shortest API key of the register accepted.
const MinRegisterKeyBytes = 16

// RegisterSyncer is the register sync function: the offices and profiles on the
// network table (NETWORK_TABLE), the register at REGISTER_API_URL with the key in
// the SSM SecureString REGISTER_API_KEY_PARAMETER names (read at cold start),
// each request bounded by REGISTER_TIMEOUT_SECONDS (default 5), the members'
// addresses and languages from the identity module (IDENTITY_PRIVACY_FUNCTION),
// the restrictions of processing from the privacy ledger (PRIVACY_TABLE),
// the outbox (OUTBOX_TABLE) and the site (APP_BASE_URL) for the mail's link.
type RegisterSyncer struct {
	Sync *network.RegisterSync
	Log  *slog.Logger
}

// NewRegisterSyncer builds the register sync function.
func NewRegisterSyncer(ctx context.Context, log *slog.Logger) (RegisterSyncer, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return RegisterSyncer{}, err
	}
	people, err := identitywire.People(ctx)
	if err != nil {
		return RegisterSyncer{}, err
	}
	var r env.Reader
	table, outbox, base := r.String("NETWORK_TABLE"), r.String("OUTBOX_TABLE"), r.String("APP_BASE_URL")
	url, keyName := r.String("REGISTER_API_URL"), r.String("REGISTER_API_KEY_PARAMETER")
	timeout := time.Duration(r.Count("REGISTER_TIMEOUT_SECONDS", int(network.RegisterTimeout/time.Second))) * time.Second
	if err := r.Err(); err != nil {
		return RegisterSyncer{}, err
	}
	key, err := secrets.Client{Config: cfg}.Read(ctx, keyName, MinRegisterKeyBytes)
	if err != nil {
		return RegisterSyncer{}, fmt.Errorf("REGISTER_API_KEY_PARAMETER: %w", err)
	}
	reg, err := network.NewHTTPRegister(url, string(key), timeout)
	if err != nil {
		return RegisterSyncer{}, fmt.Errorf("REGISTER_API_URL: %w", err)
	}
	ledger, err := privacydb.FromEnv(ctx)
	if err != nil {
		return RegisterSyncer{}, err
	}
	db := dynamodb.NewFromConfig(cfg)
	store := &networkdb.Store{DB: db, Table: table}
	s := &network.RegisterSync{Store: store, Profiles: store, Register: reg, Ledger: ledger, People: people, BaseURL: base, Now: now, Log: log,
		Outbox: &mail.Outbox{DB: db, Table: outbox, Now: now, Log: log}, Attempts: 2, Backoff: time.Second, Reserve: 3*timeout + 10*time.Second}
	return RegisterSyncer{Sync: s, Log: log}, nil
}

// RunRequest is the event of a run: the schedule's (no limit), or one naming
// at most how many members to go through (an operator's partial run; the next
// goes on from there).
type RunRequest struct {
	Limit int `json:"limit"`
}

// Handle runs the sync once a day. Runs do not overlap (reserved concurrency
// 1); the log holds counts only.
func (h RegisterSyncer) Handle(ctx context.Context, event json.RawMessage) (network.SyncResult, error) {
	var req RunRequest
	_ = json.Unmarshal(event, &req) // a scheduled event has no limit
	res, err := h.Sync.Run(ctx, max(req.Limit, 0))
	h.Log.InfoContext(ctx, "register sync", slog.Int("members", res.Members), slog.Int("restricted", res.Restricted), slog.Int("changed", res.Changed),
		slog.Int("failed", res.Failed), slog.Bool("done", res.Done))
	if err != nil {
		return res, fmt.Errorf("register sync: %w", err)
	}
	return res, nil
}
