package scenario

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestScenarioServicingConventions checks by hand the figures of
// testdata/servicing-conventions.golden, which takes a loan through the
// servicing conventions of issue 17 from a scenario file. The loan bears no
// interest — CNY 1,200 over 6 monthly periods of 200 from 2024-01-15, due
// on the 15th from February to July — because Fineract offers re-ageing and
// re-amortisation on non-interest-bearing loans (FINERACT-2060
// "re-amortization"; FINERACT-2413: "Currently Re-amortization feature
// works only with zero interest rate loan products"), and a zero rate
// makes the default penalty (contract rate × 1.5) zero, so every figure
// below is principal alone.
//
//   - 02-15 repay 250, excess next-installments (Fineract's advanced payment
//     allocation with the NEXT_INSTALLMENT future installment rule, as
//     loan.NextInstallments documents): 200 settles installment 1 and the
//     excess 50 is paid on installment 2 at once, not held as credit:
//     outstanding 1,200 − 250 = 950, credit 0, next due 200 − 50 = 150.
//   - 03-20 pause until 03-31 (Fineract's delinquency action PAUSE: the days
//     after the start up to the end leave days past due), resumed on 03-25
//     (RESUME ends it there): paused days are 03-21 … 03-25, 5 days.
//     Installment 2 (150 left) fell due 03-15; on 03-31 it is 16 days past
//     due (03-16 is day 1), less 5 paused: 11.
//   - 04-01 re-amortize: the 150 in arrears is spread evenly over the 4
//     installments not yet due (04-15, 05-15, 06-15, 07-15), as Fineract's
//     re-amortization moves the overdue principal to the future
//     installments: 150 / 4 = 37.50 each, so each owes 237.50; days past
//     due back to 0.
//   - 04-15 repay 237.50 settles installment 3. Installment 4 (237.50, due
//     05-15) is missed.
//   - 05-20 re-age: the 237.50 in arrears moves to 2 new installments after
//     the last (Fineract's re-age: startDate 08-15, numberOfInstallments 2,
//     every 1 month): 118.75 due 08-15 and 118.75 due 09-15; installment 4
//     owes 0 and the loan is current. Outstanding 950 − 237.50 = 712.50.
//   - 05-25 sell to fund-a at price ratio 1.02 (Fineract's external asset
//     owner transfer, SALE: the settlement date is the value date): the
//     712.50 of principal leaves the lender's books through asset transfer
//     (Dr asset-transfer, Cr loans-receivable 712.50) and enters the
//     owner's (Dr loans-receivable, Cr asset-transfer 712.50, owner
//     fund-a); the price ratio is recorded, not booked.
//   - 06-10 buy-back reverses the two postings; 06-15 repay 237.50 settles
//     installment 5, leaving 237.50 + 118.75 + 118.75 = 475.00.
//   - 07-01 settle 400 (和解, approved by a second person): the payoff
//     amount is 475.00 (no interest, no prepayment fee), the difference
//     475 − 400 = 75 is waived, principal against the write-off account;
//     the loan closes. Received 250 + 237.50 + 237.50 + 400 = 1,125.
func TestScenarioServicingConventions(t *testing.T) {
	P := func(p ...any) []any { return append([]any{"position"}, p...) }
	handCheck(t, "servicing-conventions", []check{
		{0, P("outstanding", "principal"), "CNY 950.00"},
		{0, P("credit"), "CNY 0.00"},
		{0, P("next_due", "amount"), "CNY 150.00"},
		{1, P("overdue", "principal"), "CNY 150.00"},
		{1, P("days_past_due"), 11.0},
		{2, P("days_past_due"), 0.0},
		{2, P("installments", 1, "outstanding", "principal"), "CNY 0.00"},
		{2, P("installments", 2, "owed", "principal"), "CNY 237.50"},
		{2, P("installments", 5, "owed", "principal"), "CNY 237.50"},
		{3, P("installments", 3, "owed", "principal"), "CNY 0.00"},
		{3, P("installments", 6, "due"), "2024-08-15"},
		{3, P("installments", 6, "owed", "principal"), "CNY 118.75"},
		{3, P("installments", 7, "due"), "2024-09-15"},
		{3, P("installments", 7, "owed", "principal"), "CNY 118.75"},
		{3, P("outstanding", "principal"), "CNY 712.50"},
		{3, P("days_past_due"), 0.0},
		{4, P("owner"), "fund-a"},
		{4, P("sale", "price_ratio"), "1.02"},
		{4, P("sale", "settled_on"), "2024-05-25"},
		{5, P("status"), "closed"},
		{5, P("owner"), nil},
		{5, P("sale", "bought_back_on"), "2024-06-10"},
		{5, P("waived", "principal"), "CNY 75.00"},
		{5, P("received"), "CNY 1125.00"},
	})

	out, err := runFile(t, filepath.Join("testdata", "servicing-conventions.json"))
	require.NoError(t, err)
	type posting struct{ date, debit, credit, amount, owner string }
	var got []posting
	for _, r := range reports(t, out) {
		if r["report"] != "postings" {
			continue
		}
		for _, p := range r["postings"].([]any) {
			m := p.(map[string]any)
			owner, _ := m["owner"].(string)
			got = append(got, posting{m["date"].(string), m["debit"].(string), m["credit"].(string), m["amount"].(string), owner})
		}
	}
	for _, want := range []posting{
		{"2024-05-25", "asset-transfer", "loans-receivable", "CNY 712.50", ""},
		{"2024-05-25", "loans-receivable", "asset-transfer", "CNY 712.50", "fund-a"},
		{"2024-06-10", "asset-transfer", "loans-receivable", "CNY 712.50", "fund-a"},
		{"2024-06-10", "loans-receivable", "asset-transfer", "CNY 712.50", ""},
		{"2024-07-01", "cash", "loans-receivable", "CNY 400.00", ""},
		{"2024-07-01", "write-off-allowance", "loans-receivable", "CNY 75.00", ""},
	} {
		assert.Contains(t, got, want)
	}
}

// TestScenarioTranchesDownPayment checks by hand
// testdata/tranches-down-payment.golden: CNY 1,200 approved, disbursed in
// two tranches (800 on 2024-01-15, 400 on 2024-03-01), no interest, equal
// principal over 4 monthly periods, a 25 % down payment of every
// disbursement. Fineract takes the down payment as a share of each
// disbursed amount (Loan.handleDownPayment: percentageOf(disbursedAmount,
// disbursedAmountPercentageForDownPayment)) due on the disbursement day,
// and amortises the rest (AbstractLoanScheduleGenerator: principal less
// the down payment); a later tranche re-amortises the outstanding principal
// over the remaining installments, keeping the maturity (schedule.Terms
// .Tranches, Mambu's and Fineract's multi-disbursement loans).
//
//   - 01-15: the Engine disburses the first tranche, 800 (not the approved
//     1,200); down payment 800 × 25 % = 200 due that day and paid by the
//     down-payment event; 600 over 4 periods = 150 due 02-15 … 05-15.
//   - 02-15 repay 150: 450 outstanding.
//   - 03-01 tranche 400: its down payment 400 × 25 % = 100 due that day,
//     paid at once; the outstanding 450 + 400 − 100 = 750 is spread over
//     the 3 installments left (03-15, 04-15, 05-15): 250 each.
//     Received 200 + 150 + 100 = 450.
func TestScenarioTranchesDownPayment(t *testing.T) {
	P := func(p ...any) []any { return append([]any{"position"}, p...) }
	handCheck(t, "tranches-down-payment", []check{
		{0, P("installments", 0, "due"), "2024-01-15"},
		{0, P("installments", 0, "owed", "principal"), "CNY 200.00"},
		{0, P("installments", 0, "status"), "paid"},
		{0, P("installments", 1, "owed", "principal"), "CNY 150.00"},
		{0, P("installments", 4, "due"), "2024-05-15"},
		{0, P("outstanding", "principal"), "CNY 600.00"},
		{1, P("installments", 2, "due"), "2024-03-01"},
		{1, P("installments", 2, "owed", "principal"), "CNY 100.00"},
		{1, P("installments", 2, "status"), "paid"},
		{1, P("installments", 3, "owed", "principal"), "CNY 250.00"},
		{1, P("installments", 5, "due"), "2024-05-15"},
		{1, P("installments", 5, "owed", "principal"), "CNY 250.00"},
		{1, P("outstanding", "principal"), "CNY 750.00"},
		{1, P("received"), "CNY 450.00"},
	})
}

// TestRunBadServicingEvents: every bad field of the servicing events is a
// *fault.Fields naming it by its JSON path, whether the file shows it
// (Parse) or the loan refuses it (Run).
func TestRunBadServicingEvents(t *testing.T) {
	good := `{"currency":"CNY","terms":{"principal":"CNY 3000.00","annual_rate":"12%","method":"equal-principal",
"frequency":"monthly","periods":3,"start":"2024-01-15"},"events":[{"type":"disburse","date":"2024-01-15"}%s]}`
	withEvents := func(evs ...string) string { return strings.Replace(good, "%s", ","+strings.Join(evs, ","), 1) }
	missed := `{"type":"report","date":"2024-02-20"}` // installment 1 is 5 days past due
	// tranched is a loan disbursed in two tranches, its disburse event
	// given the extra fields disburse.
	tranched := func(disburse string) string {
		s := strings.Replace(good, `"start":"2024-01-15"}`, `"start":"2024-01-15","tranches":[`+
			`{"date":"2024-01-15","amount":"CNY 1000.00"},{"date":"2024-02-01","amount":"CNY 2000.00"}]}`, 1)
		s = strings.Replace(s, `"date":"2024-01-15"}%s`, `"date":"2024-01-15"`+disburse+`}`, 1)
		return s
	}
	tests := []struct {
		name   string
		json   string
		fields []string
	}{
		{"pause without until", withEvents(`{"type":"pause","date":"2024-02-20"}`), []string{"events[1].until"}},
		{"pause with a bad until", withEvents(`{"type":"pause","date":"2024-02-20","until":"2024-3-1"}`), []string{"events[1].until"}},
		{"pause ending on its start", withEvents(`{"type":"pause","date":"2024-02-20","until":"2024-02-20"}`), []string{"events[1].until"}},
		{"pause with an amount", withEvents(`{"type":"pause","date":"2024-02-20","until":"2024-03-01","amount":"5"}`), []string{"events[1].amount"}},
		{"overlapping pauses", withEvents(`{"type":"pause","date":"2024-02-20","until":"2024-03-01"}`,
			`{"type":"pause","date":"2024-02-25","until":"2024-03-05"}`), []string{"events[2].until"}},
		{"resume without a pause", withEvents(`{"type":"resume","date":"2024-02-20"}`), []string{"events[1].date"}},
		{"resume with until", withEvents(`{"type":"resume","date":"2024-02-20","until":"2024-03-01"}`), []string{"events[1].until"}},
		{"re-age without approver nor re_aging", withEvents(`{"type":"re-age","date":"2024-02-20"}`),
			[]string{"events[1].approver", "events[1].re_aging"}},
		{"re-age with no installments", withEvents(missed, `{"type":"re-age","date":"2024-02-20","approver":"boss",
"re_aging":{"first_due":"2024-05-15","installments":0,"every":1,"unit":"months"}}`), []string{"events[2].re_aging.installments"}},
		{"re-age before maturity", withEvents(missed, `{"type":"re-age","date":"2024-02-20","approver":"boss",
"re_aging":{"first_due":"2024-04-01","installments":2,"every":1,"unit":"months"}}`), []string{"events[2].re_aging.first_due"}},
		{"re-age by its own actor", withEvents(missed, `{"type":"re-age","date":"2024-02-20","approver":"scenario",
"re_aging":{"first_due":"2024-05-15","installments":2,"every":1,"unit":"months"}}`), []string{"events[2].approver"}},
		{"re-age in an unknown unit", withEvents(`{"type":"re-age","date":"2024-02-20","approver":"boss",
"re_aging":{"first_due":"2024-05-15","installments":2,"every":1,"unit":"fortnights"}}`), []string{"events[1].re_aging.unit"}},
		{"re-age with a bad date and count", withEvents(`{"type":"re-age","date":"2024-02-20","approver":"boss",
"re_aging":{"first_due":"2024-5-15","installments":"2","every":1,"unit":"months"}}`),
			[]string{"events[1].re_aging.first_due", "events[1].re_aging.installments"}},
		{"re_aging not an object", withEvents(`{"type":"re-age","date":"2024-02-20","approver":"boss","re_aging":[1]}`),
			[]string{"events[1].re_aging"}},
		{"sell at a bad price", withEvents(`{"type":"sell","date":"2024-02-20","transfer":{"owner":"fund-a","price_ratio":"abc"}}`),
			[]string{"events[1].transfer.price_ratio"}},
		{"transfer with an unknown field", withEvents(`{"type":"sell","date":"2024-02-20","transfer":{"owner":"fund-a","colour":"red"}}`),
			[]string{"events[1].transfer.colour"}},
		{"re-amortize a current loan", withEvents(`{"type":"re-amortize","date":"2024-02-01","approver":"boss"}`),
			[]string{"events[1].date"}},
		{"settle without amount nor approver", withEvents(`{"type":"settle","date":"2024-02-20"}`),
			[]string{"events[1].approver", "events[1].amount"}},
		{"settle for the whole payoff", withEvents(`{"type":"settle","date":"2024-02-20","amount":"5000","approver":"boss"}`),
			[]string{"events[1].amount"}},
		{"sell without transfer", withEvents(`{"type":"sell","date":"2024-02-20"}`), []string{"events[1].transfer"}},
		{"sell without owner nor price", withEvents(`{"type":"sell","date":"2024-02-20","transfer":{}}`),
			[]string{"events[1].transfer.owner", "events[1].transfer.price_ratio"}},
		{"buy back a loan never sold", withEvents(`{"type":"buy-back","date":"2024-02-20"}`), []string{"events[1].type"}},
		{"buy back at a price", withEvents(`{"type":"buy-back","date":"2024-02-20","transfer":{"owner":"fund-a","price_ratio":"1"}}`),
			[]string{"events[1].transfer.price_ratio"}},
		{"bad excess", withEvents(`{"type":"repay","date":"2024-02-15","amount":"1100","excess":"keep-it"}`), []string{"events[1].excess"}},
		{"excess on a prepayment", withEvents(`{"type":"prepay","date":"2024-02-01","amount":"100","excess":"reduce-term"}`),
			[]string{"events[1].excess"}},
		{"tranche of a loan paid out at once", withEvents(`{"type":"tranche","date":"2024-02-20","amount":"100"}`), []string{"events[1].type"}},
		{"tranche without amount", withEvents(`{"type":"tranche","date":"2024-02-20"}`), []string{"events[1].amount"}},
		{"down payment the terms do not ask", withEvents(`{"type":"down-payment","date":"2024-01-15","amount":"100"}`),
			[]string{"events[1].type"}},
		{"tranched loan disbursing the whole principal", tranched(`,"amount":"3000"`), []string{"events[0].amount"}},
		{"tranched loan disbursing its first tranche", tranched(`,"amount":"1000"`), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := runBytes(t, []byte(tt.json))
			if tt.fields == nil {
				require.NoError(t, err)
				return
			}
			assert.Empty(t, out)
			assert.Equal(t, tt.fields, badFields(t, err), "%v", err)
		})
	}
}
