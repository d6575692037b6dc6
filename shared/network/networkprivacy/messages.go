package networkprivacy

import (
	"context"
)

// exportMessages adds the member's direct messages: their own copies opened
// (never one they deleted: its key is gone, and so is the copy), and which
// sides they hold keys of.
func (m Module) exportMessages(ctx context.Context, accountID string, out map[string]any) error {
	convs, err := m.Messages.Export(ctx, accountID)
	if err != nil {
		return err
	}
	keys := make([]map[string]string, len(convs))
	for i, c := range convs {
		keys[i] = map[string]string{"conversation": c.ID}
	}
	out["network.messages"], out["network.messagekeys"] = convs, keys
	return nil
}
