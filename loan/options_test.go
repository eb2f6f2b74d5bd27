package loan

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// everyOption is a policy that sets every servicing convention away from
// its default.
func everyOption() Policy {
	p := DefaultPolicy()
	p.Arrears = ArrearsPolicy{DayOne: DueDate, AgeingGraceDays: 3}
	p.Accrual = AccrualPolicy{Rounding: Daily, Frequency: AccrueMonthEnd}
	p.Payments = PaymentPolicy{Excess: ReduceTerm, CloseBelow: yuan("1")}
	p.Penalty.DayOne = DueDate
	p.Penalty.LateFeeRate, p.Penalty.LateFeeBase = money.MustRate("1.5%"), LateOnPrincipalInterest
	p.Penalty.LateFeeWaitDays, p.Penalty.LateFeeAs = 5, AsPenalty
	p.Allocation = []AllocationRule{p.Waterfall.Performing.Rule(),
		{Transaction: RepaymentTransaction, Order: []Bucket{PastDuePrincipal, DueInterest, InAdvanceFee},
			Direction: Vertical, PastDue: NewestFirst, InAdvance: LastInstallment}}
	p.WriteOff = WriteOffPolicy{Interest: FullPeriodInterest, RecoveryExcess: ExcessAsIncome}
	p.Sale = SalePolicy{AllowWrittenOff: true}
	return p
}

// TestOptionsJSON: every option round-trips through JSON by name, and a
// policy that sets none encodes exactly as before the options existed
// (stored policies and golden files do not change).
func TestOptionsJSON(t *testing.T) {
	p := everyOption()
	require.NoError(t, p.Validate())
	b, err := json.Marshal(p)
	require.NoError(t, err)
	for _, want := range []string{`"arrears":{"day_one":"due-date","ageing_grace_days":3}`,
		`"accrual":{"rounding":"daily","frequency":"month-end"}`, `"payments":{"excess":"reduce-term","close_below":"CNY 1.00"}`,
		`"late_fee_base":"overdue-principal-interest"`, `"late_fee_as":"penalty"`, `"past_due":"newest-first"`,
		`"in_advance":"last-installment"`, `"order":["past-due-principal","due-interest","in-advance-fee"]`,
		`"write_off":{"interest":"full-period","recovery_excess":"income"}`, `"sale":{"allow_written_off":true}`} {
		assert.Contains(t, string(b), want)
	}
	var back Policy
	require.NoError(t, json.Unmarshal(b, &back))
	require.NoError(t, back.Validate())
	again, err := json.Marshal(back)
	require.NoError(t, err)
	assert.JSONEq(t, string(b), string(again))

	b, err = json.Marshal(DefaultPolicy())
	require.NoError(t, err)
	for _, absent := range []string{`"arrears"`, `"accrual"`, `"payments"`, `"allocation"`, `"write_off":{`, `"sale"`,
		`"day_one"`, `"late_fee_rate"`, `"late_fee_base"`, `"late_fee_wait_days"`, `"late_fee_as"`} {
		assert.NotContains(t, string(b), absent)
	}
}

// TestOptionsRefused: every option out of range or in conflict with
// another is named by its JSON path, all at once.
func TestOptionsRefused(t *testing.T) {
	for _, c := range []struct {
		name   string
		mut    func(*Policy)
		fields []string
	}{
		{"flat and percentage late fee", func(p *Policy) {
			p.Penalty.LateFee, p.Penalty.LateFeeRate, p.Penalty.LateFeeBase = yuan("10"), money.MustRate("1%"), LateOnPrincipal
		}, []string{"policy.penalty.late_fee_rate"}},
		{"late fee rate without base", func(p *Policy) { p.Penalty.LateFeeRate = money.MustRate("1%") },
			[]string{"policy.penalty.late_fee_base"}},
		{"late fee base without rate", func(p *Policy) { p.Penalty.LateFeeBase = LateOnInstallment },
			[]string{"policy.penalty.late_fee_base"}},
		{"late fee above 100 %", func(p *Policy) {
			p.Penalty.LateFeeRate, p.Penalty.LateFeeBase = money.MustRate("101%"), LateOnPrincipal
		}, []string{"policy.penalty.late_fee_rate"}},
		{"late fee wait inside the grace days", func(p *Policy) {
			p.Penalty.GraceDays, p.Penalty.LateFee, p.Penalty.LateFeeWaitDays = 5, yuan("10"), 3
		}, []string{"policy.penalty.late_fee_wait_days"}},
		{"unknown penalty day one and late fee booking", func(p *Policy) {
			p.Penalty.DayOne, p.Penalty.LateFeeAs = DayOne(7), ChargeKind(9)
		}, []string{"policy.penalty.day_one", "policy.penalty.late_fee_as"}},
		{"arrears out of range", func(p *Policy) { p.Arrears = ArrearsPolicy{DayOne: DayOne(3), AgeingGraceDays: -1} },
			[]string{"policy.arrears.day_one", "policy.arrears.ageing_grace_days"}},
		{"unknown accrual rounding", func(p *Policy) { p.Accrual.Rounding = AccrualRounding(5) },
			[]string{"policy.accrual.rounding"}},
		{"unknown accrual frequency", func(p *Policy) { p.Accrual.Frequency = AccrualFrequency(3) },
			[]string{"policy.accrual.frequency"}},
		{"payments out of range", func(p *Policy) { p.Payments = PaymentPolicy{Excess: ExcessMode(9), CloseBelow: yuan("-1")} },
			[]string{"policy.payments.excess", "policy.payments.close_below"}},
		{"rules without a default", func(p *Policy) {
			p.Allocation = []AllocationRule{{Transaction: RepaymentTransaction, Order: []Bucket{DuePrincipal}, Direction: Horizontal}}
		}, []string{"policy.allocation"}},
		{"rules beside a non-performing waterfall", func(p *Policy) {
			w := p.Waterfall.Performing
			p.Waterfall.NonPerforming, p.Allocation = &w, []AllocationRule{w.Rule()}
		}, []string{"policy.allocation"}},
		{"bad rule", func(p *Policy) {
			p.Allocation = []AllocationRule{p.Waterfall.Performing.Rule(), {Transaction: AnyTransaction,
				Order: []Bucket{DueFee, Bucket(0), DueFee}, Direction: Direction(5), PastDue: Seniority(4), InAdvance: FutureOrder(8)},
				{Transaction: Transaction(40), Direction: Vertical}}
		}, []string{"policy.allocation[1].transaction", "policy.allocation[1].order[1]", "policy.allocation[1].order[2]",
			"policy.allocation[1].direction", "policy.allocation[1].past_due", "policy.allocation[1].in_advance",
			"policy.allocation[2].transaction", "policy.allocation[2].order"}},
		{"write-off out of range", func(p *Policy) { p.WriteOff = WriteOffPolicy{Interest: 7, RecoveryExcess: 3} },
			[]string{"policy.write_off.interest", "policy.write_off.recovery_excess"}},
		{"asset transfer account shared", func(p *Policy) { p.Accounts.AssetTransfer = p.Accounts.Cash },
			[]string{"policy.accounts.asset_transfer"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := DefaultPolicy()
			c.mut(&p)
			err := p.Validate()
			var bad *fault.Fields
			require.ErrorAs(t, err, &bad)
			assert.ErrorIs(t, err, ErrInvalidInput)
			var got []string
			for _, f := range bad.List {
				got = append(got, f.Name)
			}
			assert.ElementsMatch(t, c.fields, got, "%v", err)
			_, err = New(uuid.New(), testTerms(schedule.EqualPrincipal, 3), p)
			assert.True(t, errors.As(err, &bad), "New refuses it too")
		})
	}
	p := DefaultPolicy()
	p.Payments.CloseBelow = money.MustParse("1", money.USD)
	_, err := New(uuid.New(), testTerms(schedule.EqualPrincipal, 3), p)
	assertField(t, err, "policy.payments.close_below")
}

// currentLoan: the three-month loan before anything falls due.
func currentLoan(t *testing.T) *Loan { return threeMonthLoan(t, DefaultPolicy()) }

func soldLoan(t *testing.T) *Loan {
	l := threeMonthLoan(t, DefaultPolicy())
	mustPost(t, l, saleEntry("2026-02-01", "fund-a", "1", "sale"))
	return l
}

// TestServicingEntriesRefused: the new entry kinds' bad input, each named
// by its field (or a lifecycle refusal), and the loan unchanged.
func TestServicingEntriesRefused(t *testing.T) {
	approved := func(e *Entry) { e.Approver, e.Reason = "manager", "hardship" }
	both := func(fs ...func(*Entry)) func(*Entry) {
		return func(e *Entry) {
			for _, f := range fs {
				f(e)
			}
		}
	}
	reaging := func(e *Entry) {
		e.ReAging = &ReAging{FirstDue: day(2026, 6, 15), Installments: 2, Every: 1, Unit: Months}
	}
	for _, c := range []struct {
		name  string
		state loanState
		entry Entry
		field string // "" for a lifecycle refusal
	}{
		{"pause without an end", activeLoan, with(Pause, "2026-03-20", money.Amount{}, "x", nil), "until"},
		{"pause ending on its first day", activeLoan, pauseEntry("2026-03-20", "2026-03-20", "x"), "until"},
		{"end on a repayment", activeLoan, with(Repayment, "2026-03-20", yuan("1"), "x", func(e *Entry) { e.Until = day(2026, 4, 1) }), "until"},
		{"pause with an amount", activeLoan, with(Pause, "2026-03-20", yuan("1"), "x", func(e *Entry) { e.Until = day(2026, 4, 1) }), "amount"},
		{"resume without a pause", activeLoan, with(Resume, "2026-03-20", money.Amount{}, "x", nil), "value_date"},
		{"pause of a closed loan", closedLoan, pauseEntry("2026-03-20", "2026-04-01", "x"), ""},
		{"re-age without new installments", activeLoan, with(ReAge, "2026-03-20", money.Amount{}, "x", approved), "re_aging"},
		{"re-age of a current loan", currentLoan, with(ReAge, "2026-02-10", money.Amount{}, "x", both(approved, reaging)), "value_date"},
		{"re-age without approver", activeLoan, with(ReAge, "2026-03-20", money.Amount{}, "x", both(reaging, func(e *Entry) { e.Reason = "r" })), "approver"},
		{"re-age into no installments", activeLoan, with(ReAge, "2026-03-20", money.Amount{}, "x", both(approved, reaging,
			func(e *Entry) { e.ReAging.Installments = 0 })), "re_aging.installments"},
		{"re-age every unknown unit", activeLoan, with(ReAge, "2026-03-20", money.Amount{}, "x", both(approved, reaging,
			func(e *Entry) { e.ReAging.Unit = TermUnit(9) })), "re_aging.unit"},
		{"re-age before its own date", activeLoan, with(ReAge, "2026-03-20", money.Amount{}, "x", both(approved, reaging,
			func(e *Entry) { e.ReAging.FirstDue = day(2026, 3, 1) })), "re_aging.first_due"},
		{"re-age of a written-off loan", writtenOffLoan, with(ReAge, "2026-04-01", money.Amount{}, "x", both(approved, reaging)), ""},
		{"re-amortisation of a current loan", currentLoan, with(ReAmortize, "2026-02-10", money.Amount{}, "x", approved), "value_date"},
		{"settlement without approver", activeLoan, with(Settlement, "2026-03-20", yuan("100"), "x", func(e *Entry) { e.Reason = "r" }), "approver"},
		{"settlement approved by its maker", activeLoan, with(Settlement, "2026-03-20", yuan("100"), "x",
			func(e *Entry) { e.Approver, e.Reason = e.Actor, "r" }), "approver"},
		{"settlement of the whole payoff", activeLoan, with(Settlement, "2026-03-20", yuan("9000"), "x", approved), "amount"},
		{"settlement of nothing", activeLoan, with(Settlement, "2026-03-20", yuan("0"), "x", approved), "amount"},
		{"settlement of a closed loan", closedLoan, with(Settlement, "2026-03-20", yuan("1"), "x", approved), ""},
		{"sale without transfer", activeLoan, with(Sale, "2026-03-20", money.Amount{}, "x", nil), "transfer"},
		{"sale without owner", activeLoan, saleEntry("2026-03-20", "", "1", "x"), "transfer.owner"},
		{"sale without price", activeLoan, with(Sale, "2026-03-20", money.Amount{}, "x",
			func(e *Entry) { e.Transfer = &Transfer{Owner: "fund"} }), "transfer.price_ratio"},
		{"sale at a negative price", activeLoan, saleEntry("2026-03-20", "fund", "-0.5", "x"), "transfer.price_ratio"},
		{"sale of a sold loan", soldLoan, saleEntry("2026-03-20", "fund-b", "1", "x"), "transfer.owner"},
		{"sale of a written-off loan", writtenOffLoan, saleEntry("2026-04-01", "fund", "0.1", "x"), "kind"},
		{"sale of a closed loan", closedLoan, saleEntry("2026-03-20", "fund", "1", "x"), ""},
		{"buyback of a loan not sold", activeLoan, with(Buyback, "2026-03-20", money.Amount{}, "x", nil), "kind"},
		{"buyback from another owner", soldLoan, with(Buyback, "2026-03-20", money.Amount{}, "x",
			func(e *Entry) { e.Transfer = &Transfer{Owner: "fund-b"} }), "transfer.owner"},
		{"buyback at a price", soldLoan, with(Buyback, "2026-03-20", money.Amount{}, "x",
			func(e *Entry) { e.Transfer = &Transfer{PriceRatio: money.MustRate("1")} }), "transfer.price_ratio"},
		{"transfer on a repayment", activeLoan, with(Repayment, "2026-03-20", yuan("1"), "x",
			func(e *Entry) { e.Transfer = &Transfer{Owner: "fund"} }), "transfer"},
		{"excess on a prepayment", activeLoan, with(Prepayment, "2026-03-20", yuan("100"), "x", func(e *Entry) { e.Excess = NextInstallments }), "excess"},
		{"unknown excess", activeLoan, with(Repayment, "2026-03-20", yuan("100"), "x", func(e *Entry) { e.Excess = ExcessMode(9) }), "excess"},
		{"owner too long", soldLoan, with(Buyback, "2026-03-20", money.Amount{}, "x",
			func(e *Entry) { e.Transfer = &Transfer{Owner: strings.Repeat("o", 501)} }), "transfer.owner"},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := c.state(t)
			before, err := json.Marshal(l)
			require.NoError(t, err)
			posBefore := mustPos(t, l, day(2026, 6, 1))
			_, err = l.Post(c.entry)
			require.Error(t, err)
			if c.field == "" {
				var tr *fault.Transition
				assert.ErrorAs(t, err, &tr)
			} else {
				assertField(t, err, c.field)
			}
			after, _ := json.Marshal(l)
			assert.JSONEq(t, string(before), string(after))
			assert.Equal(t, posBefore, mustPos(t, l, day(2026, 6, 1)))
		})
	}
}
