package loan

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// The three-month loan of servicing_test.go: 12,000.00 at 1 % a month,
// equal principal: #1 4,000 + 120 due 2026-02-15, #2 4,000 + 80 due
// 2026-03-15, #3 4,000 + 40 due 2026-04-15.

// TestExcessModes: 5,000.00 paid on 2026-02-15 settles #1 (4,120.00) and
// leaves 880.00.
func TestExcessModes(t *testing.T) {
	pay := func(pol Policy, amount string, mut func(*Entry)) Position {
		l := threeMonthLoan(t, pol)
		e := entry(Repayment, day(2026, 2, 15), yuan(amount), "r1")
		if mut != nil {
			mut(&e)
		}
		mustPost(t, l, e)
		return mustPos(t, l, day(2026, 2, 15))
	}
	// Held as credit (lendcore's default): #2 untouched until it falls due.
	p := pay(DefaultPolicy(), "5000", nil)
	assert.Equal(t, "880.00", p.Credit.Number())
	assert.True(t, p.Installments[1].Paid.Total().IsZero())

	// Next installments (Fineract's NEXT_INSTALLMENT future allocation):
	// #2 is paid ahead, interest 80.00 then principal 800.00; no credit.
	pol := DefaultPolicy()
	pol.Payments.Excess = NextInstallments
	p = pay(pol, "5000", nil)
	assert.True(t, p.Credit.IsZero())
	assert.Equal(t, Split{yuan("800"), yuan("80"), yuan("0"), yuan("0")}, p.Installments[1].Paid)
	assert.Equal(t, NotDue, p.Installments[1].Status)
	assert.Equal(t, yuan("3200"), p.NextDue.Amount, "what #2 still asks for")

	// The payer may say so on the payment whatever the policy.
	p = pay(DefaultPolicy(), "5000", func(e *Entry) { e.Excess = NextInstallments })
	assert.Equal(t, yuan("880"), p.Installments[1].Paid.Total())
	p = pay(pol, "5000", func(e *Entry) { e.Excess = HoldAsCredit })
	assert.Equal(t, "880.00", p.Credit.Number())

	// Applied to principal: 9,000.00 leaves 4,880.00 beyond #1, prepaid on
	// the due date (no interest accrued in the new period): 3,120.00 of
	// principal remains.
	//   reduce-installment keeps the two periods: 1,560.00 each, interest
	//   1 % on the balance: 31.20 then 15.60;
	//   reduce-term keeps the installment (#2 asked 4,080.00): one period
	//   of 3,120.00 + 31.20 = 3,151.20 fits, due 2026-03-15.
	for _, c := range []struct {
		mode ExcessMode
		rows []Split
	}{
		{ReduceInstallment, []Split{{yuan("1560"), yuan("31.20"), yuan("0"), yuan("0")},
			{yuan("1560"), yuan("15.60"), yuan("0"), yuan("0")}}},
		{ReduceTerm, []Split{{yuan("3120"), yuan("31.20"), yuan("0"), yuan("0")}}},
	} {
		pol := DefaultPolicy()
		pol.Payments.Excess = c.mode
		p := pay(pol, "9000", nil)
		require.Len(t, p.Installments, 2+len(c.rows), "%s: #1, the prepayment line, the new rows", c.mode)
		assert.Equal(t, yuan("4880"), p.Installments[1].Paid.Principal, "%s", c.mode)
		for i, want := range c.rows {
			assert.Equal(t, want, p.Installments[2+i].Owed, "%s row %d", c.mode, i)
		}
		assert.Equal(t, day(2026, 3, 15), p.Installments[2].Due)
		assert.True(t, p.Credit.IsZero())
	}
	// Beyond the payoff: the loan is paid off and the rest is credit.
	pol = DefaultPolicy()
	pol.Payments.Excess = ReduceTerm
	p = pay(pol, "13000", nil)
	assert.Equal(t, Closed, p.Status)
	assert.Equal(t, "880.00", p.Credit.Number(), "13,000 − 4,120 − 8,000")
}

// TestAllocationRulesAsFineract: advanced allocation rules (Fineract's
// payment allocation order, PAST_DUE … IN_ADVANCE, horizontal or vertical,
// AdvancedPaymentScheduleTransactionProcessor). Nothing is paid until
// 2026-03-16; penalty then: #1 4,120.00 × 29 days × 0.0005 = 59.74, #2
// 4,080.00 × 1 day × 0.0005 = 2.04.
func TestAllocationRulesAsFineract(t *testing.T) {
	pay := func(r AllocationRule, amount string) Position {
		pol := DefaultPolicy()
		pol.Allocation = []AllocationRule{r}
		l := threeMonthLoan(t, pol)
		mustPost(t, l, entry(Repayment, day(2026, 3, 16), yuan(amount), "r1"))
		return mustPos(t, l, day(2026, 3, 16))
	}
	// Principal first, newest installment first, horizontal: #2 principal
	// 4,000.00, interest 80.00, penalty 2.04; the 17.96 left goes to #1's
	// principal.
	p := pay(AllocationRule{Order: []Bucket{PastDuePrincipal, PastDueInterest, PastDuePenalty, PastDueFee},
		Direction: Horizontal, PastDue: NewestFirst}, "4100")
	assert.Equal(t, Split{yuan("4000"), yuan("80"), yuan("2.04"), yuan("0")}, p.Installments[1].Paid)
	assert.Equal(t, Split{yuan("17.96"), yuan("0"), yuan("0"), yuan("0")}, p.Installments[0].Paid)
	// The same order vertical, oldest first: principal of #1 and #2
	// (8,000.00), then interest 120.00 + 80.00; the 100.00 left pays #1's
	// penalty 59.74 and #2's 2.04, and 38.22 is over.
	p = pay(AllocationRule{Order: []Bucket{PastDuePrincipal, PastDueInterest, PastDuePenalty},
		Direction: Vertical}, "8300")
	assert.Equal(t, Split{yuan("4000"), yuan("120"), yuan("59.74"), yuan("0")}, p.Installments[0].Paid)
	assert.Equal(t, Split{yuan("4000"), yuan("80"), yuan("2.04"), yuan("0")}, p.Installments[1].Paid)
	assert.Equal(t, "38.22", p.Credit.Number(), "no in-advance bucket: the rest is the payment's excess")
	// In advance, last installment first (Fineract's LAST_INSTALLMENT):
	// after #1 and #2 (8,261.78 with penalty), 500.00 goes to #3's
	// principal, the last installment.
	p = pay(AllocationRule{Order: []Bucket{PastDuePenalty, PastDueFee, PastDueInterest, PastDuePrincipal,
		InAdvancePrincipal, InAdvanceInterest}, Direction: Horizontal, InAdvance: LastInstallment}, "8761.78")
	assert.Equal(t, yuan("500"), p.Installments[2].Paid.Principal)
	assert.True(t, p.Credit.IsZero())
}

// TestWaterfallAsRule: today's waterfalls, expressed as allocation rules
// by Waterfall.Rule, allocate every journal exactly as the waterfalls do.
func TestWaterfallAsRule(t *testing.T) {
	h := Waterfall{Order: StandardOrder, Direction: Horizontal}.Rule()
	assert.Equal(t, []Bucket{PastDuePenalty, PastDueFee, PastDueInterest, PastDuePrincipal,
		DuePenalty, DueFee, DueInterest, DuePrincipal}, h.Order)
	v := Waterfall{Order: StandardOrder, Direction: Vertical}.Rule()
	assert.Equal(t, []Bucket{PastDuePenalty, DuePenalty, PastDueFee, DueFee, PastDueInterest, DueInterest,
		PastDuePrincipal, DuePrincipal}, v.Order)
	for _, d := range []Direction{Horizontal, Vertical} {
		pol := DefaultPolicy()
		pol.Waterfall.Performing.Direction = d
		ruled := pol
		ruled.Allocation = []AllocationRule{pol.Waterfall.Performing.Rule()}
		a, b := threeMonthLoan(t, pol), threeMonthLoan(t, ruled)
		for _, e := range []Entry{
			entry(Repayment, day(2026, 3, 16), yuan("4100"), "r1"),
			entry(Repayment, day(2026, 3, 20), yuan("1000"), "r2"),
			entry(FeeCharge, day(2026, 3, 21), yuan("50"), "fee"),
			entry(Repayment, day(2026, 4, 15), yuan("2500"), "r3"),
		} {
			mustPost(t, a, e)
			mustPost(t, b, e)
		}
		for _, d := range []string{"2026-03-16", "2026-03-20", "2026-04-15", "2026-06-01"} {
			x, _ := schedule.ParseDate(d)
			assert.Equal(t, mustPos(t, a, x), mustPos(t, b, x), "%s on %s", d, x)
		}
	}
}

// TestCreditBalanceRefundAsFineract: the Refund entry is Fineract's credit
// balance refund (LoanCBR.feature, "Verify that Loan status goes from
// overpaid to closed in case of CBR transaction when transaction amount
// equals overpaid amount"): 1,000.00 repaid with 450.00, 450.00 and
// 300.00 is overpaid by 200.00 — the last payment credits loans
// receivable 100.00 and the overpayment liability 200.00 — and a refund
// of the 200.00 debits the overpayment account and credits cash; the loan
// stays closed.
func TestCreditBalanceRefundAsFineract(t *testing.T) {
	terms := schedule.Terms{Principal: yuan("1000"), AnnualRate: money.MustRate("0"), Method: schedule.EqualPrincipal,
		Frequency: schedule.Monthly, Periods: 1, Start: day(2023, 1, 1), DayCount: schedule.Actual360}
	l := newTestLoan(t, terms, DefaultPolicy())
	mustPost(t, l, entry(Prepayment, day(2023, 1, 3), yuan("450"), "p1"))
	mustPost(t, l, entry(Prepayment, day(2023, 1, 5), yuan("450"), "p2"))
	r := mustPost(t, l, entry(Prepayment, day(2023, 1, 5), yuan("300"), "p3"))
	assert.Equal(t, Closed, r.Status)
	assert.Equal(t, "200.00", r.Credit.Number())
	acc := DefaultChartOfAccounts()
	ps, err := l.Postings(day(2023, 1, 5))
	require.NoError(t, err)
	var last []Posting
	for _, p := range ps {
		if p.Seq == r.Version {
			last = append(last, p)
		}
	}
	assert.Equal(t, []Posting{
		{Date: day(2023, 1, 5), Entry: r.Entry.ID, Seq: r.Version, Kind: "prepayment", Debit: acc.Cash, Credit: acc.LoansReceivable, Amount: yuan("100")},
		{Date: day(2023, 1, 5), Entry: r.Entry.ID, Seq: r.Version, Kind: "prepayment", Debit: acc.Cash, Credit: acc.Overpayment, Amount: yuan("200")},
	}, last)

	// Refund more than the credit: refused, nothing changes.
	_, err = l.Post(entry(Refund, day(2023, 1, 5), yuan("200.01"), "too much"))
	assertField(t, err, "amount")
	cbr := mustPost(t, l, entry(Refund, day(2023, 1, 5), yuan("200"), "cbr"))
	assert.Equal(t, Closed, cbr.Status)
	ps, err = l.Postings(day(2023, 1, 5))
	require.NoError(t, err)
	assert.Equal(t, Posting{Date: day(2023, 1, 5), Entry: cbr.Entry.ID, Seq: cbr.Version, Kind: "refund",
		Debit: acc.Overpayment, Credit: acc.Cash, Amount: yuan("200")}, ps[len(ps)-1])
	p := mustPos(t, l, day(2023, 2, 1))
	assert.True(t, p.Credit.IsZero())
	assert.Equal(t, "200.00", p.Refunded.Number())
}

// fineractReAgeLoan: 750.00 at 0 % in three monthly installments of
// 250.00 due 2023-12-15, 2024-01-15 and 2024-02-15, none paid — the three
// unpaid 250.00 installments of Fineract's LoanReAging.feature loan (its
// 1,000.00 less the 250.00 down payment, due every 15 days up to
// 2024-02-15).
func fineractReAgeLoan(t *testing.T) *Loan {
	terms := schedule.Terms{Principal: yuan("750"), AnnualRate: money.MustRate("0"), Method: schedule.EqualPrincipal,
		Frequency: schedule.Monthly, Periods: 3, Start: day(2023, 11, 15), DayCount: schedule.Actual360}
	pol := DefaultPolicy()
	pol.Penalty.RateKind, pol.Penalty.Rate, pol.Penalty.Compound = AnnualRate, money.MustRate("0"), false
	return newTestLoan(t, terms, pol)
}

func reAgeEntry(on, firstDue string, n, every int, unit TermUnit, key string) Entry {
	return with(ReAge, on, money.Amount{}, key, func(e *Entry) {
		d, _ := schedule.ParseDate(firstDue)
		e.ReAging = &ReAging{FirstDue: d, Installments: n, Every: every, Unit: unit}
		e.Approver, e.Reason = "collections-head", "hardship"
	})
}

// TestReAgeAsFineract reproduces Fineract's re-age (LoanReAging.feature,
// "Verify that Loan re-aging transaction happy path works properly" and
// "… made by Loan external ID …"): on 2024-02-20 the 750.00 in arrears
// moves into 6 monthly installments of 125.00 from 2024-03-01, or 2
// installments of 375.00 every 30 days from 2024-03-10 (2024-03-10 and
// 2024-04-09); the old installments ask for nothing more and the loan is
// no longer delinquent.
func TestReAgeAsFineract(t *testing.T) {
	l := fineractReAgeLoan(t)
	require.Equal(t, 67, mustPos(t, l, day(2024, 2, 20)).DaysPastDue)
	mustPost(t, l, reAgeEntry("2024-02-20", "2024-03-01", 6, 1, Months, "reage"))
	p := mustPos(t, l, day(2024, 2, 20))
	require.Len(t, p.Installments, 9)
	for i := range 3 {
		in := p.Installments[i]
		assert.True(t, in.Owed.Principal.IsZero(), "old installment %d", in.Number)
		assert.Equal(t, ReAgedInstallment, in.Status)
		require.NotNil(t, in.ReAged)
		assert.Equal(t, yuan("250"), in.ReAged.Principal)
	}
	for i, due := range []string{"2024-03-01", "2024-04-01", "2024-05-01", "2024-06-01", "2024-07-01", "2024-08-01"} {
		in := p.Installments[3+i]
		assert.Equal(t, due, in.Due.String())
		assert.Equal(t, yuan("125"), in.Owed.Principal)
		assert.Equal(t, 4+i, in.Number)
	}
	assert.Equal(t, 0, p.DaysPastDue)
	assert.Equal(t, yuan("750"), p.Outstanding.Principal)
	// Due again: the re-aged installments age as any other.
	assert.Equal(t, 9, mustPos(t, l, day(2024, 3, 10)).DaysPastDue)

	l = fineractReAgeLoan(t)
	mustPost(t, l, reAgeEntry("2024-02-20", "2024-03-10", 2, 30, Days, "reage"))
	p = mustPos(t, l, day(2024, 2, 20))
	require.Len(t, p.Installments, 5)
	assert.Equal(t, "2024-03-10", p.Installments[3].Due.String())
	assert.Equal(t, "2024-04-09", p.Installments[4].Due.String())
	assert.Equal(t, yuan("375"), p.Installments[3].Owed.Principal)
	assert.Equal(t, yuan("375"), p.Installments[4].Owed.Principal)

	// A current loan has nothing to re-age.
	_, err := fineractReAgeLoan(t).Post(reAgeEntry("2023-12-01", "2024-03-01", 2, 1, Months, "early"))
	assertField(t, err, "value_date")
	// The new installments go after the schedule's last.
	_, err = fineractReAgeLoan(t).Post(reAgeEntry("2024-01-20", "2024-02-15", 2, 1, Months, "inside"))
	assertField(t, err, "re_aging.first_due")
}

// TestReAmortizeAsFineract reproduces Fineract's re-amortisation
// (LoanReAmortization.feature, "UC2: complete past due principal amount
// reamortization scenario"): 375.00 at 0 % in three installments of
// 125.00; on the day after the second falls due, both overdue 125.00 move
// to the last installment, which then asks 375.00.
func TestReAmortizeAsFineract(t *testing.T) {
	terms := schedule.Terms{Principal: yuan("375"), AnnualRate: money.MustRate("0"), Method: schedule.EqualPrincipal,
		Frequency: schedule.Monthly, Periods: 3, Start: day(2023, 11, 1), DayCount: schedule.Actual360}
	l := newTestLoan(t, terms, DefaultPolicy())
	e := with(ReAmortize, "2024-01-02", money.Amount{}, "ream", func(e *Entry) { e.Approver, e.Reason = "head", "hardship" })
	mustPost(t, l, e)
	p := mustPos(t, l, day(2024, 1, 2))
	assert.True(t, p.Installments[0].Owed.Principal.IsZero())
	assert.True(t, p.Installments[1].Owed.Principal.IsZero())
	assert.Equal(t, yuan("375"), p.Installments[2].Owed.Principal)
	assert.Equal(t, 0, p.DaysPastDue)

	// Spread over several installments, the last takes the rounding (as
	// Fineract's handleReAmortization): the three-month loan unpaid on
	// 2026-02-16 moves #1's 4,000.00 principal, 120.00 interest and one
	// day's penalty 2.06 to #2 and #3: 2,000.00, 60.00 and 1.03 each.
	l = threeMonthLoan(t, DefaultPolicy())
	mustPost(t, l, with(ReAmortize, "2026-02-16", money.Amount{}, "ream", func(e *Entry) { e.Approver, e.Reason = "head", "hardship" }))
	p = mustPos(t, l, day(2026, 2, 16))
	assert.Equal(t, Split{yuan("6000"), yuan("140"), yuan("1.03"), yuan("0")}, p.Installments[1].Owed)
	assert.Equal(t, Split{yuan("6000"), yuan("100"), yuan("1.03"), yuan("0")}, p.Installments[2].Owed)
	// Interest recognised when #1 fell due goes back until #2 and #3 do.
	rows, err := l.Ledger(day(2026, 2, 16))
	require.NoError(t, err)
	assert.True(t, rows[len(rows)-1].Interest.IsZero())
	rows, err = l.Ledger(day(2026, 3, 15))
	require.NoError(t, err)
	assert.Equal(t, "140.00", rows[len(rows)-1].Interest.Number())
	// After maturity nothing is left to spread over.
	_, err = l.Post(with(ReAmortize, "2026-05-01", money.Amount{}, "late", func(e *Entry) { e.Approver, e.Reason = "head", "hardship" }))
	assertField(t, err, "value_date")
}

// TestSettlement: a settlement (和解) for less than the claim, approved by
// a second person; the rest is waived with its postings. On 2026-03-01,
// #1 paid, the payoff is 8,040.00 (8,000.00 principal + 40.00 interest
// accrued); settled for 6,000.00: interest 40.00 and principal 5,960.00
// paid, 2,040.00 of principal waived against the write-off account.
func TestSettlement(t *testing.T) {
	l := threeMonthLoan(t, DefaultPolicy())
	mustPost(t, l, entry(Repayment, day(2026, 2, 15), yuan("4120"), "r1"))
	settle := func(amount string, mut func(*Entry)) Entry {
		return with(Settlement, "2026-03-01", yuan(amount), "settle", func(e *Entry) {
			e.Approver, e.Reason = "credit-committee", "hardship settlement"
			if mut != nil {
				mut(e)
			}
		})
	}
	_, err := l.Post(settle("6000", func(e *Entry) { e.Approver = "" }))
	assertField(t, err, "approver")
	_, err = l.Post(settle("6000", func(e *Entry) { e.Approver = e.Actor }))
	assertField(t, err, "approver")
	_, err = l.Post(settle("8040", nil))
	assertField(t, err, "amount")

	r := mustPost(t, l, settle("6000", nil))
	assert.Equal(t, Closed, r.Status)
	assert.Equal(t, Split{yuan("5960"), yuan("40"), yuan("0"), yuan("0")}, r.Applied)
	p := mustPos(t, l, day(2026, 3, 1))
	assert.Equal(t, yuan("2040"), p.Waived.Principal)
	assert.True(t, p.Outstanding.Total().IsZero())
	require.NotNil(t, p.SettledOn)
	assert.Equal(t, day(2026, 3, 1), *p.SettledOn)
	ps, err := l.Postings(day(2026, 3, 1))
	require.NoError(t, err)
	acc := DefaultChartOfAccounts()
	assert.Contains(t, ps, Posting{Date: day(2026, 3, 1), Entry: r.Entry.ID, Seq: r.Version, Kind: "settlement",
		Debit: acc.WriteOff, Credit: acc.LoansReceivable, Amount: yuan("2040")})

	// On a written-off claim (12,188.84, writeOffLoan): 5,000.00 settles it.
	w := writtenOffLoan(t)
	r = mustPost(t, w, with(Settlement, "2026-04-01", yuan("5000"), "settle",
		func(e *Entry) { e.Approver, e.Reason = "board", "settlement of the claim" }))
	assert.Equal(t, Closed, r.Status)
	p = mustPos(t, w, day(2026, 4, 1))
	assert.Equal(t, yuan("5000"), p.Recovered.Total())
	assert.True(t, p.Claim.Total().IsZero())
}

// TestAutoCloseTolerance: Frappe Lending's auto write-off amount — a
// residual below it after a payment is waived and the loan closes.
func TestAutoCloseTolerance(t *testing.T) {
	pol := DefaultPolicy()
	pol.Payments.CloseBelow = yuan("1")
	l := threeMonthLoan(t, pol)
	mustPost(t, l, entry(Repayment, day(2026, 2, 15), yuan("4120"), "r1"))
	mustPost(t, l, entry(Repayment, day(2026, 3, 15), yuan("4080"), "r2"))
	r := mustPost(t, l, entry(Repayment, day(2026, 4, 15), yuan("4039.01"), "r3"))
	assert.Equal(t, Closed, r.Status, "0.99 left: waived")
	p := mustPos(t, l, day(2026, 4, 15))
	assert.Equal(t, "0.99", p.Waived.Total().Number())

	l = threeMonthLoan(t, pol)
	mustPost(t, l, entry(Repayment, day(2026, 2, 15), yuan("4120"), "r1"))
	mustPost(t, l, entry(Repayment, day(2026, 3, 15), yuan("4080"), "r2"))
	r = mustPost(t, l, entry(Repayment, day(2026, 4, 15), yuan("4039"), "r3"))
	assert.Equal(t, Active, r.Status, "1.00 left: not below the tolerance")
}

// TestWriteOffConventions: the claim takes the running period's interest
// accrued (default: 40.00 of #2's 80.00 on 2026-03-01) or in full; a
// recovery above the claim is refused (Fineract) or its excess is income.
func TestWriteOffConventions(t *testing.T) {
	wo := func(pol Policy) *Loan {
		l := threeMonthLoan(t, pol)
		mustPost(t, l, entry(Repayment, day(2026, 2, 15), yuan("4120"), "r1"))
		e := entry(WriteOff, day(2026, 3, 1), money.Amount{}, "wo")
		e.Approver, e.Reason = "board", "insolvent"
		mustPost(t, l, e)
		return l
	}
	assert.Equal(t, "8040.00", mustPos(t, wo(DefaultPolicy()), day(2026, 3, 1)).Claim.Total().Number())
	pol := DefaultPolicy()
	pol.WriteOff.Interest = FullPeriodInterest
	assert.Equal(t, "8080.00", mustPos(t, wo(pol), day(2026, 3, 1)).Claim.Total().Number())

	l := wo(DefaultPolicy())
	_, err := l.Post(entry(Recovery, day(2026, 4, 1), yuan("9000"), "rec"))
	assertField(t, err, "amount")
	pol = DefaultPolicy()
	pol.WriteOff.RecoveryExcess = ExcessAsIncome
	l = wo(pol)
	r := mustPost(t, l, entry(Recovery, day(2026, 4, 1), yuan("9000"), "rec"))
	assert.Equal(t, Closed, r.Status)
	p := mustPos(t, l, day(2026, 4, 1))
	assert.Equal(t, "960.00", p.ExcessRecovered.Number())
	assert.Equal(t, "8040.00", p.Recovered.Total().Number())
	b, err := json.Marshal(p)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"excess_recovered":"CNY 960.00"`)
}

// TestKeepInstallmentIsScheduleRule: a keep-installment prepayment takes
// its term from schedule.Terms.KeepInstallmentPeriods, the library's one
// rule. 12,000.00 at 12 % over 12 months, equal principal, repays 1,000.00
// a month; with 9,010.00 left after the second installment, keeping the
// principal part gives ⌈9,010 / 1,000⌉ = 10 periods of 901.00 — Fineract's
// REDUCE_NUMBER_OF_INSTALLMENTS and Mambu's "keep the same principal
// amount" (keeping the 1,100.00 payment instead would allow 9 periods).
func TestKeepInstallmentIsScheduleRule(t *testing.T) {
	l := newTestLoan(t, testTerms(schedule.EqualPrincipal, 12), DefaultPolicy())
	mustPost(t, l, entry(Repayment, day(2026, 2, 15), yuan("1120"), "r1"))
	mustPost(t, l, entry(Repayment, day(2026, 3, 15), yuan("1110"), "r2"))
	e := entry(Prepayment, day(2026, 3, 15), yuan("990"), "pp")
	e.Reamortize = KeepInstallment
	mustPost(t, l, e)
	p := mustPos(t, l, day(2026, 3, 15))
	rows := p.Installments[3:] // #1, #2, the prepayment line
	require.Len(t, rows, 10)
	for _, in := range rows {
		assert.Equal(t, yuan("901"), in.Owed.Principal, "installment %d", in.Number)
	}
	assert.Equal(t, day(2027, 1, 15), rows[9].Due, "the maturity stays")
}
