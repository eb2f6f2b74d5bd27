package scenario

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestLineScenarioHandChecks checks credit-line.golden by hand. A revolving
// line of CNY 10,000 is opened on 2024-01-10; the scenario's loan, CNY
// 6,000 at 12 % equal principal over 3 months from 2024-01-15 (periodic
// basis: installments 2,000 + 1 % of the balance = 2,060, 2,040, 2,020),
// is drawn on it. Available = limit − outstanding principal (revolving);
// utilisation = outstanding ÷ limit in basis points, rounded down. The
// line is committed and valid for under a year, so its undrawn part
// converts to exposure at 20 % (Basel II §83, line.DefaultConversions),
// provisioned at 1 % while the loan is normal
// (classify.LegacyChinaProvision).
func TestLineScenarioHandChecks(t *testing.T) {
	L := func(p ...any) []any { return append([]any{"line"}, p...) }
	handCheck(t, "credit-line", []check{
		// 01-15, drawn: 10,000 − 6,000 = 4,000; 6,000 ÷ 10,000 = 6,000 bp.
		{0, L("status"), "active"},
		{0, L("outstanding"), "CNY 6000.00"},
		{0, L("available"), "CNY 4000.00"},
		{0, L("utilisation_bp"), 6000.0},
		// Undrawn 4,000 × 20 % = 800; EAD 6,000 + 800 = 6,800; provision
		// 800 × 1 % = 8.00.
		{0, L("exposure", "converted"), "CNY 800.00"},
		{0, L("exposure", "ead"), "CNY 6800.00"},
		{0, L("provision"), "CNY 8.00"},
		// 02-15, installment 1 paid (2,000 principal): the revolving line
		// regains it: 4,000 outstanding, 6,000 available, 4,000 bp.
		{1, L("outstanding"), "CNY 4000.00"},
		{1, L("available"), "CNY 6000.00"},
		{1, L("utilisation_bp"), 4000.0},
		// 02-20, an increase to 15,000 is requested: pending, not in force.
		{2, L("limit"), "CNY 10000.00"},
		{2, L("pending", "limit"), "CNY 15000.00"},
		{2, L("pending", "requested_by"), "account-manager"},
		// 02-21, approved by a second officer within their 20,000 authority:
		// 15,000 − 4,000 = 11,000 available; 4,000 ÷ 15,000 = 0.26666… →
		// 2,666 bp.
		{3, L("limit"), "CNY 15000.00"},
		{3, L("available"), "CNY 11000.00"},
		{3, L("utilisation_bp"), 2666.0},
		// Undrawn 11,000 × 20 % = 2,200; EAD 6,200; provision 22.00.
		{3, L("exposure", "converted"), "CNY 2200.00"},
		{3, L("exposure", "ead"), "CNY 6200.00"},
		{3, L("provision"), "CNY 22.00"},
		{3, L("pending"), nil},
		// 03-01 frozen, 03-10 unfrozen; the loan runs on meanwhile.
		{4, L("status"), "frozen"},
		{4, []any{"position", "outstanding", "principal"}, "CNY 4000.00"},
		{5, L("status"), "active"},
	})
}

// TestRunBadLineInput: bad line events name the field, from the file alone
// or when the Engine refuses them.
func TestRunBadLineInput(t *testing.T) {
	head := `{"currency":"CNY","terms":{"principal":"CNY 3000.00","annual_rate":"12%%","method":"equal-principal",
"frequency":"monthly","periods":3,"start":"2024-01-15"},
"policies":{"lines":{"authority":{"officers":[{"id":"boss","limit":"CNY 5000.00"}]}}},"events":[%s]}`
	open := `{"type":"open-line","date":"2024-01-10","amount":"4000","until":"2024-12-31","revolving":true}`
	draw := `{"type":"drawdown","date":"2024-01-15"}`
	with := func(evs ...string) string { return fmt.Sprintf(head, strings.Join(evs, ",")) }
	tests := []struct{ name, json, field string }{
		{"drawdown without a line", with(draw), "events[0].type"},
		{"two lines", with(open, open), "events[1].type"},
		{"line without limit", with(`{"type":"open-line","date":"2024-01-10","until":"2024-12-31"}`), "events[0].amount"},
		{"line with a bad until", with(`{"type":"open-line","date":"2024-01-10","amount":"1","until":"soon"}`), "events[0].until"},
		{"line ending before it opens", with(`{"type":"open-line","date":"2024-01-10","amount":"1","until":"2024-01-01"}`), "events[0].until"},
		{"drawdown and disbursement", with(open, draw, `{"type":"disburse","date":"2024-01-15"}`), "events[2].type"},
		{"drawdown above the limit", with(`{"type":"open-line","date":"2024-01-10","amount":"2000","until":"2024-12-31"}`, draw), "events[1].terms.principal"},
		{"freeze without reason", with(open, `{"type":"freeze","date":"2024-01-12"}`), "events[1].reason"},
		{"drawdown on a frozen line", with(open, `{"type":"freeze","date":"2024-01-12","reason":"r"}`, draw), "events[2].type"},
		{"unfreeze an active line", with(open, `{"type":"unfreeze","date":"2024-01-12","reason":"r"}`), "events[1].type"},
		{"approval with nothing pending", with(open, `{"type":"limit-approve","date":"2024-01-12","actor":"boss"}`), "events[1].change"},
		{"approval by the requester", with(open, `{"type":"limit-request","date":"2024-01-11","amount":"4500","actor":"boss"}`,
			`{"type":"limit-approve","date":"2024-01-12","actor":"boss"}`), "events[2].actor"},
		{"approval above authority", with(open, `{"type":"limit-request","date":"2024-01-11","amount":"6000"}`,
			`{"type":"limit-approve","date":"2024-01-12","actor":"boss"}`), "events[2].actor"},
		{"rejection without reason", with(open, `{"type":"limit-request","date":"2024-01-11","amount":"6000"}`,
			`{"type":"limit-reject","date":"2024-01-12","actor":"boss"}`), "events[2].reason"},
		{"line field on a repay", with(open, draw, `{"type":"repay","date":"2024-02-15","amount":"1","until":"2024-03-01"}`), "events[2].until"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := runBytes(t, []byte(tt.json))
			assert.Empty(t, out)
			names := badFields(t, err)
			assert.Equal(t, []string{tt.field}, names, "%v", err)
		})
	}
}
