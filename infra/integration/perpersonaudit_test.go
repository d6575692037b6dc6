package integration

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/infra/local"
	"kontor/shared/privacy"
)

// auditees is how many other people's audit entries the audit test puts beside
// the person's.
const auditees = 2_000

// A person's export reads only their own audit entries. The person has two: one
// about them (a hold an admin placed) and one they made (as staff, about a member).
// Their export is metered, then 2,000 other people get the same two entries in the
// same months, stored as the privacy module stores them (every item naming the
// person, with the other people's ids), and the export is metered again: the items
// it read in the privacy table must be the same. The measuring is
// TestPrivacyProtocolReadsOnlyThePersonsItems's: the reads every function made,
// per table, at the emulator's front. That test's people have no audit entries.
func TestPrivacyExportReadsOnlyThePersonsAuditEntries(t *testing.T) {
	stack.MeterReads()
	ctx := context.Background()
	c, _ := signUp(t, "perperson-audit")
	accountID := profile(t, c).ID
	admin, member := "admin-"+randomHex(8), "member-"+randomHex(8)
	now := time.Now().UTC()
	entries := []privacy.AuditEntry{
		{At: now.Add(-time.Second), Action: "hold.placed", Actor: admin, Subject: accountID, Reason: "court order"},
		{At: now, Action: "insurance.invoice.download", Actor: accountID, Subject: member, Reason: "claim c1 invoice i1"},
	}
	for _, e := range entries {
		if err := privacyStore().Audit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	privacyTable := stack.Name("PrivacyTable")
	// measure returns what the export read in the privacy table, and its status; a
	// failed export's reads are still counted, up to where it stopped.
	measure := func() (local.Reads, int) {
		t.Helper()
		start := snapshotFunctions()
		r := c.do(http.MethodGet, "/v1/me/export", nil)
		reads := sinceFunctions(start)[privacyTable]
		if r.Status != http.StatusOK {
			return reads, r.Status
		}
		var d exportDoc
		r.json(t, &d)
		for _, cat := range d.Categories {
			if cat.ID != "privacy.audit" {
				continue
			}
			if got, _ := cat.Data.([]any); len(got) != len(entries) {
				t.Fatalf("the export holds %d audit entries, want %d: %v", len(got), len(entries), cat.Data)
			}
		}
		return reads, r.Status
	}
	alone, status := measure()
	if status != http.StatusOK {
		t.Fatalf("export: status %d", status)
	}

	// The items of the person's entries, as stored, for 2,000 other people.
	var models []map[string]types.AttributeValue
	p := dynamodb.NewScanPaginator(db(), &dynamodb.ScanInput{TableName: aws.String(privacyTable), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			if mentions(it, accountID, admin) || mentions(it, member, member) {
				models = append(models, it)
			}
		}
	}
	if len(models) < len(entries) {
		t.Fatalf("found %d stored items of the person's %d audit entries", len(models), len(entries))
	}
	var items []map[string]types.AttributeValue
	for i := range auditees {
		id := fmt.Sprintf("auditee-%d-%s", i, randomHex(4))
		swap := strings.NewReplacer(accountID, id, admin, id+"-admin", member, id+"-member")
		for _, m := range models {
			it := map[string]types.AttributeValue{}
			for k, v := range m {
				it[k] = replaced(v, swap)
			}
			items = append(items, it)
		}
	}
	t0 := time.Now()
	writeAll(t, privacyTable, items, false)
	t.Cleanup(func() { writeAll(t, privacyTable, items, true) })
	t.Logf("seeded %d items (%d per person) of %d other people's audit entries in %s", len(items), len(models), auditees, time.Since(t0).Round(time.Millisecond))

	crowded, status := measure()
	t.Logf("GET /v1/me/export, PrivacyTable: %d items read in %d calls alone, %d items in %d calls among %d other people's audit entries (status %d)",
		alone.Items, alone.Calls, crowded.Items, crowded.Calls, auditees, status)
	if status != http.StatusOK {
		t.Errorf("export among other people's audit entries: status %d", status)
	}
	if crowded.Items != alone.Items {
		t.Errorf("the export read %d items of the privacy table among other people's audit entries, %d alone", crowded.Items, alone.Items)
	}
}
