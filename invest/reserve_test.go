package invest

import (
	"encoding/json"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
)

func newReserve(t *testing.T, deposit string) *Reserve {
	t.Helper()
	r, err := NewReserve(reserveID, money.CNY, DefaultReservePolicy())
	require.NoError(t, err)
	if deposit != "" {
		require.NoError(t, r.Deposit(loanID, amt(deposit), day(2024, 1, 15)))
	}
	return r
}

// The installments the tests below present as overdue. Installment 2 as in
// the transfer test: 796.37 + 92.12. Installment 3: interest on 8,415.14 at
// 1 % = 84.1514 → 84.15, principal 888.49 − 84.15 = 804.34. Installment 4:
// interest on 7,610.80 = 76.108 → 76.11, principal 812.38.
var (
	inst2 = OverdueInstallment{Number: 2, Due: day(2024, 3, 15), Principal: amt("796.37"), Interest: amt("92.12")}
	inst3 = OverdueInstallment{Number: 3, Due: day(2024, 4, 15), Principal: amt("804.34"), Interest: amt("84.15")}
	inst4 = OverdueInstallment{Number: 4, Due: day(2024, 5, 15), Principal: amt("812.38"), Interest: amt("76.11")}
)

// Issue 8, third hand-computed test: the reserve pays at 15 and at 90 days
// past due, pro rata, and later recoveries flow back to it. The triggers are
// DefaultReservePolicy's (lender practice; no regulatory source found).
func TestReserveCompensation(t *testing.T) {
	b := afterPeriod1(t) // holdings 4,605.76 / 2,763.45 / 1,842.30
	r := newReserve(t, "10000")
	share, err := r.FundLoan(loanID, amt("10000"), day(2024, 1, 15))
	require.NoError(t, err)
	assert.Equal(t, amt("100.00"), share, "1 % of the loan")
	require.Equal(t, amt("10100.00"), r.Balance())

	// 14 days past due: below the first trigger, nothing is paid.
	comps, err := r.Compensate(day(2024, 3, 29), []Default{{b, Arrears{DaysPastDue: 14, Overdue: []OverdueInstallment{inst2}}}})
	require.NoError(t, err)
	assert.Empty(t, comps)

	// 15 days past due (2024-03-30): installment 2 is paid, 888.49.
	// Weights 460,576 / 276,345 / 184,230 fen of 921,151.
	// Interest 9,212 fen: 4,606.005 / 2,763.597 / 1,842.398 → truncated
	// 4,606 + 2,763 + 1,842 = 9,211, the last fen to bob (.597):
	// 46.06 / 27.64 / 18.42.
	// Principal 79,637 fen: 39,818.543 / 23,891.074 / 15,927.383 → 79,636,
	// the last fen to alice (.543): 398.19 / 238.91 / 159.27.
	comps, err = r.Compensate(day(2024, 3, 30), []Default{{b, Arrears{DaysPastDue: 15, Overdue: []OverdueInstallment{inst2}}}})
	require.NoError(t, err)
	require.Len(t, comps, 1)
	c := comps[0]
	assert.Equal(t, 2, c.Payout.Installment)
	want := []loan.Split{split("398.19", "46.06"), split("238.91", "27.64"), split("159.27", "18.42")}
	require.Len(t, c.Receipts, 3)
	for i, w := range want {
		assert.Equal(t, w, c.Receipts[i].Gross, "holding %d", i)
		assert.True(t, c.Receipts[i].Fee.IsZero(), "no servicing fee on compensation")
	}
	// Balance 10,100.00 − 888.49 = 9,211.51; investors hold 8,415.14 and the
	// reserve's claim the other 796.37 of the 9,211.51 outstanding.
	assert.Equal(t, amt("9211.51"), r.Balance())
	assert.Equal(t, amt("8415.14"), b.investorPrincipal())
	assert.Equal(t, amt("9211.51"), b.Outstanding())
	require.Len(t, b.Claims(), 1)
	assert.Equal(t, amt("796.37"), b.Claims()[0].Principal)

	// Presenting the same arrears again pays nothing: installment 2 is covered.
	comps, err = r.Compensate(day(2024, 3, 31), []Default{{b, Arrears{DaysPastDue: 16, Overdue: []OverdueInstallment{inst2}}}})
	require.NoError(t, err)
	assert.Empty(t, comps)

	// 90 days past due (2024-06-13): installments 3 and 4, then the whole
	// remaining principal. Weights now 420,757 / 252,454 / 168,303 of 841,514.
	arrears := Arrears{DaysPastDue: 90, Overdue: []OverdueInstallment{inst4, inst2, inst3}}
	comps, err = r.Compensate(day(2024, 6, 13), []Default{{b, arrears}})
	require.NoError(t, err)
	require.Len(t, comps, 3)
	assert.Equal(t, []int{3, 4, 0}, []int{comps[0].Payout.Installment, comps[1].Payout.Installment, comps[2].Payout.Installment}, "oldest first, buyout last")
	// Installment 3 interest 8,415 fen × ½ exactly = 4,207.5 for alice (her
	// 420,757 is half of 841,514); bob 2,524.498, carol 1,683.002: the fen
	// left goes to alice's .5: 42.08 / 25.24 / 16.83.
	assert.Equal(t, amt("42.08"), comps[0].Receipts[0].Gross.Interest)
	assert.Equal(t, amt("25.24"), comps[0].Receipts[1].Gross.Interest)
	assert.Equal(t, amt("16.83"), comps[0].Receipts[2].Gross.Interest)
	// After installment 3's principal (402.17 / 241.30 / 160.87) the weights
	// are 380,540 / 228,324 / 152,216 = exactly 50 / 30 / 20 %.
	// Installment 4 interest 7,611 fen → 3,805.5 / 2,283.3 / 1,522.2: the fen
	// goes to alice (.5): 38.06 / 22.83 / 15.22. Principal 81,238 fen →
	// 40,619 / 24,371.4 / 16,247.6: the fen goes to carol (.6): 406.19 /
	// 243.71 / 162.48.
	assert.Equal(t, []loan.Split{split("406.19", "38.06"), split("243.71", "22.83"), split("162.48", "15.22")},
		[]loan.Split{comps[1].Receipts[0].Gross, comps[1].Receipts[1].Gross, comps[1].Receipts[2].Gross})
	// Buyout: each investor is paid exactly what it still holds:
	// 3,805.40 − 406.19 = 3,399.21; 2,283.24 − 243.71 = 2,039.53;
	// 1,522.16 − 162.48 = 1,359.68; total 6,798.42.
	assert.Equal(t, amt("6798.42"), comps[2].Payout.Principal)
	assert.Equal(t, []loan.Split{split("3399.21", "0"), split("2039.53", "0"), split("1359.68", "0")},
		[]loan.Split{comps[2].Receipts[0].Gross, comps[2].Receipts[1].Gross, comps[2].Receipts[2].Gross})
	// Paid 888.49 + 888.49 + 6,798.42 = 8,575.40; balance 636.11.
	assert.Equal(t, amt("636.11"), r.Balance())
	assert.True(t, b.investorPrincipal().IsZero())
	assert.Equal(t, amt("9211.51"), b.Outstanding(), "the reserve now holds the whole claim")

	// Recovery: the borrower pays installment 2 late with 20.00 penalty. It
	// all goes to the reserve, fee-free, and Recover credits it once.
	paid := split("796.37", "92.12")
	paid.Penalty = amt("20")
	d, err := b.Distribute(Repayment{On: day(2024, 7, 1), Installment: 2, Paid: paid})
	require.NoError(t, err)
	assert.Empty(t, d.Receipts)
	require.Len(t, d.Recoveries, 1)
	assert.Equal(t, paid, d.Recoveries[0].Amount)
	got, err := r.Recover(d)
	require.NoError(t, err)
	assert.Equal(t, amt("908.49"), got)
	assert.Equal(t, amt("1544.60"), r.Balance(), "636.11 + 908.49")
	_, err = r.Recover(d)
	assert.ErrorIs(t, err, ErrDuplicate)
	assert.Equal(t, amt("1544.60"), r.Balance())

	// A lump recovery of 2,000.00 principal (installment 0) repays the open
	// claims oldest first — installment 3's 804.34, installment 4's 812.38 —
	// and the remaining 383.28 goes to the reserve's bought-out holding.
	d, err = b.Distribute(Repayment{On: day(2024, 8, 1), Paid: split("2000", "0")})
	require.NoError(t, err)
	require.Len(t, d.Recoveries, 2)
	assert.Equal(t, amt("804.34"), d.Recoveries[0].Amount.Principal)
	assert.Equal(t, amt("812.38"), d.Recoveries[1].Amount.Principal)
	require.Len(t, d.Receipts, 1)
	assert.Equal(t, reserveID, d.Receipts[0].Holder)
	assert.Equal(t, amt("383.28"), d.Receipts[0].Gross.Principal)
	assert.True(t, d.Fees.IsZero(), "payers pay no servicing fee")
	got, err = r.Recover(d)
	require.NoError(t, err)
	assert.Equal(t, amt("2000"), got)
	assert.Equal(t, amt("6415.14"), b.Outstanding(), "9,211.51 − 796.37 − 2,000.00")
	kinds := []EntryKind{}
	for _, e := range r.Ledger() {
		kinds = append(kinds, e.Kind)
	}
	assert.Equal(t, []EntryKind{EntryContribution, EntryContribution, EntryPayout, EntryPayout, EntryPayout, EntryPayout, EntryRecovery, EntryRecovery}, kinds)
}

// Payouts stop at a zero balance, oldest claim first, interest before
// principal.
func TestReserveLimitedByBalance(t *testing.T) {
	x := afterPeriod1(t) // installment 2 (due 03-15) overdue
	y := fundedBook(t)   // installment 1 (due 02-15) overdue: older
	inst1 := OverdueInstallment{Number: 1, Due: day(2024, 2, 15), Principal: amt("788.49"), Interest: amt("100.00")}
	r := newReserve(t, "1000")
	comps, err := r.Compensate(day(2024, 3, 30), []Default{
		{x, Arrears{DaysPastDue: 15, Overdue: []OverdueInstallment{inst2}}},
		{y, Arrears{DaysPastDue: 44, Overdue: []OverdueInstallment{inst1}}},
	})
	require.NoError(t, err)
	require.Len(t, comps, 2)
	// y is older: paid in full, 888.49. x gets the remaining 111.51:
	// interest 92.12 first, then principal 19.39.
	assert.Equal(t, y.Loan(), comps[0].Loan)
	assert.Equal(t, amt("888.49"), comps[0].Payout.Total())
	assert.Equal(t, Payout{On: day(2024, 3, 30), Installment: 2, Principal: amt("19.39"), Interest: amt("92.12")}, comps[1].Payout)
	assert.True(t, r.Balance().IsZero())
	// Principal 1,939 fen over 460,576 / 276,345 / 184,230: 969.5 / 581.7 /
	// 387.8 → 969 + 581 + 387 = 1,937; the 2 fen go to .8 (carol), .7 (bob).
	assert.Equal(t, amt("9.69"), comps[1].Receipts[0].Gross.Principal)
	assert.Equal(t, amt("5.82"), comps[1].Receipts[1].Gross.Principal)
	assert.Equal(t, amt("3.88"), comps[1].Receipts[2].Gross.Principal)

	// Nothing left: a later trigger pays nothing.
	comps, err = r.Compensate(day(2024, 6, 13), []Default{{x, Arrears{DaysPastDue: 90, Overdue: []OverdueInstallment{inst2}}}})
	require.NoError(t, err)
	assert.Empty(t, comps)

	// The borrower pays x's installment 2 late: the reserve recovers what it
	// advanced (19.39 + 92.12); the other 796.37 − 19.39 = 776.98 principal
	// goes to the investors, who still held it.
	d, err := x.Distribute(Repayment{On: day(2024, 7, 1), Installment: 2, Paid: split("796.37", "92.12")})
	require.NoError(t, err)
	require.Len(t, d.Recoveries, 1)
	assert.Equal(t, split("19.39", "92.12"), d.Recoveries[0].Amount)
	assert.Equal(t, amt("776.98"), sumGross(d).Principal)
	assert.Equal(t, amt("8415.14"), x.Outstanding(), "9,211.51 − 796.37")
}

func sumGross(d *Distribution) loan.Split {
	var s loan.Split
	for _, r := range d.Receipts {
		s = s.Add(r.Gross)
	}
	return s
}

func TestReservePay(t *testing.T) {
	b := afterPeriod1(t)
	r := newReserve(t, "500")
	on := day(2024, 3, 30)
	// Explicit payout beyond the balance: refused, nothing changed.
	before := b.Holdings()
	_, err := r.Pay(b, Payout{On: on, Installment: 2, Principal: amt("796.37"), Interest: amt("92.12")})
	var ve *fault.Fields
	require.ErrorAs(t, err, &ve)
	assert.ErrorIs(t, err, ErrInsufficientReserve)
	assert.Equal(t, amt("500"), r.Balance())
	assert.Equal(t, before, b.Holdings())
	assert.Empty(t, b.Claims())
	// Within the balance it is paid.
	c, err := r.Pay(b, Payout{On: on, Installment: 2, Principal: amt("400"), Interest: amt("92.12")})
	require.NoError(t, err)
	assert.Equal(t, amt("492.12"), c.Payout.Total())
	assert.Equal(t, amt("7.88"), r.Balance())
}

// The stored-reserve flow: a reserve rebuilt from its stored balance
// compensates books rebuilt from their logs; its Ledger is exactly the
// movements to append (their sum takes the stored balance to the new one),
// and each compensation's Op, appended to its book's log, replays to the
// book the compensation left. The amounts are TestReserveCompensation's.
func TestRestoredReserveCompensates(t *testing.T) {
	live := afterPeriod1(t)
	log := []BookOp{{Distribute: &period1}}
	b, err := live.Opening().Open(loanID, log...)
	require.NoError(t, err)

	r, err := RestoreReserve(reserveID, DefaultReservePolicy(), amt("1000"))
	require.NoError(t, err)
	assert.Empty(t, r.Ledger(), "a restored reserve has decided nothing yet")
	comps, err := r.Compensate(day(2024, 3, 30), []Default{{b, Arrears{DaysPastDue: 15, Overdue: []OverdueInstallment{inst2}}}})
	require.NoError(t, err)
	require.Len(t, comps, 1)

	// What the host appends to the reserve: one payout of 888.49.
	moves := r.Ledger()
	require.Len(t, moves, 1)
	assert.Equal(t, ReserveEntry{Kind: EntryPayout, Loan: loanID, On: day(2024, 3, 30), Amount: amt("-888.49"), Balance: amt("111.51")}, moves[0])
	assert.Equal(t, amt("1000").Add(moves[0].Amount), r.Balance())
	raw, err := json.Marshal(moves[0])
	require.NoError(t, err)
	assert.JSONEq(t, `{"kind":"payout","loan":"00000000-0000-0000-0000-0000000000f0","on":"2024-03-30","amount":"CNY -888.49","balance":"CNY 111.51"}`, string(raw))

	// What the host appends to the book: the payout, which replays to the
	// same holdings and claim.
	op := comps[0].Op()
	assert.Equal(t, &PayoutOp{Payer: reserveID, Payout: Payout{On: day(2024, 3, 30), Installment: 2, Principal: amt("796.37"), Interest: amt("92.12")}}, op.Payout)
	reopened, err := live.Opening().Open(loanID, append(log, op)...)
	require.NoError(t, err)
	assert.Equal(t, b.Holdings(), reopened.Holdings())
	assert.Equal(t, b.Claims(), reopened.Claims())
	assert.Equal(t, []uuid.UUID{alice, bob, carol, reserveID}, reopened.Holders())

	// A balance too small for the cover pays what it can: a partial
	// payout, interest first.
	small, err := RestoreReserve(reserveID, DefaultReservePolicy(), amt("100"))
	require.NoError(t, err)
	b2, err := live.Opening().Open(loanID, log...)
	require.NoError(t, err)
	comps, err = small.Compensate(day(2024, 3, 30), []Default{{b2, Arrears{DaysPastDue: 15, Overdue: []OverdueInstallment{inst2}}}})
	require.NoError(t, err)
	require.Len(t, comps, 1)
	assert.Equal(t, Payout{On: day(2024, 3, 30), Installment: 2, Principal: amt("7.88"), Interest: amt("92.12")}, comps[0].Payout)
	assert.True(t, small.Balance().IsZero())
}

func TestRestoreReserveValidation(t *testing.T) {
	for _, c := range []struct {
		name    string
		id      uuid.UUID
		p       ReservePolicy
		balance money.Amount
		fields  []string
	}{
		{"negative balance", reserveID, DefaultReservePolicy(), amt("-0.01"), []string{"balance"}},
		{"balance without a currency", reserveID, DefaultReservePolicy(), money.Amount{}, []string{"balance"}},
		{"no id, bad policy", uuid.Nil, ReservePolicy{Rounding: money.HalfUp, Triggers: []Trigger{{DaysPastDue: 0, Cover: CoverOverdue}}}, amt("1"),
			[]string{"id", "policy.triggers[0].days_past_due"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := RestoreReserve(c.id, c.p, c.balance)
			var bad *fault.Fields
			require.ErrorAs(t, err, &bad)
			assert.ErrorIs(t, err, ErrInvalidInput)
			var got []string
			for _, f := range bad.List {
				got = append(got, f.Name)
			}
			assert.Equal(t, c.fields, got)
		})
	}
	r, err := RestoreReserve(reserveID, DefaultReservePolicy(), amt("0"))
	require.NoError(t, err)
	assert.Equal(t, amt("0"), r.Balance())
}
