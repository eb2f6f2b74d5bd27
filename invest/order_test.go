package invest

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
)

// The reserve of TestReserveLimitedByBalance (1,000.00 for two loans
// owing 888.49 each) under other orders pays other investors first.
func TestCompensationOrderPolicy(t *testing.T) {
	inst1 := OverdueInstallment{Number: 1, Due: day(2024, 2, 15), Principal: amt("788.49"), Interest: amt("100.00")}
	// Both books are of loanID: x's payouts are of installment 2, y's of 1.
	run := func(o CompensationOrder) []*Compensation {
		x := afterPeriod1(t) // investors hold 9,211.51; installment 2 (due 03-15) overdue
		y := fundedBook(t)   // investors hold 10,000.00; installment 1 (due 02-15) overdue: older
		p := DefaultReservePolicy()
		p.Order = o
		r, err := NewReserve(reserveID, money.CNY, p)
		require.NoError(t, err)
		require.NoError(t, r.Deposit(loanID, amt("1000"), day(2024, 1, 15)))
		comps, err := r.Compensate(day(2024, 3, 30), []Default{
			{x, Arrears{DaysPastDue: 15, Overdue: []OverdueInstallment{inst2}}},
			{y, Arrears{DaysPastDue: 44, Overdue: []OverdueInstallment{inst1}}},
		})
		require.NoError(t, err)
		require.Len(t, comps, 2)
		assert.True(t, r.Balance().IsZero())
		return comps
	}
	on := day(2024, 3, 30)

	// The default: y's older installment in full, then x's interest 92.12
	// and principal 1,000 − 888.49 − 92.12 = 19.39.
	comps := run(CompensationOrder{})
	assert.Equal(t, 1, comps[0].Payout.Installment, "y first")
	assert.Equal(t, Payout{On: on, Installment: 2, Principal: amt("19.39"), Interest: amt("92.12")}, comps[1].Payout)

	// Smallest claim first: x (9,211.51 held) before y (10,000.00); y gets
	// the 111.51 left, interest 100.00 first, principal 11.51.
	comps = run(CompensationOrder{Loans: SmallestClaimFirst})
	assert.Equal(t, 2, comps[0].Payout.Installment, "x first")
	assert.Equal(t, amt("888.49"), comps[0].Payout.Total())
	assert.Equal(t, Payout{On: on, Installment: 1, Principal: amt("11.51"), Interest: amt("100.00")}, comps[1].Payout)

	// Largest claim first is the default's order here (y holds more).
	comps = run(CompensationOrder{Loans: LargestClaimFirst})
	assert.Equal(t, 1, comps[0].Payout.Installment, "y first")

	// Principal first: x's 111.51 all go to principal, none to interest.
	comps = run(CompensationOrder{Parts: PrincipalFirst})
	assert.Equal(t, Payout{On: on, Installment: 2, Principal: amt("111.51"), Interest: amt("0")}, comps[1].Payout)
}

// A payment of no installment on a loan the reserve partly compensated
// reaches the reserve first by default, the investors first under
// HoldersFirst.
func TestRecoveryOrderPolicy(t *testing.T) {
	run := func(p Priority) *Distribution {
		bp := DefaultBookPolicy()
		bp.Recovery.Unassigned = p
		b, err := NewBook(loanID, day(2024, 1, 15), []Funding{{alice, amt("5000")}, {bob, amt("3000")}, {carol, amt("2000")}}, bp)
		require.NoError(t, err)
		_, err = b.Distribute(period1)
		require.NoError(t, err)
		r := newReserve(t, "111.51")
		_, err = r.Pay(b, Payout{On: day(2024, 3, 30), Installment: 2, Principal: amt("19.39"), Interest: amt("92.12")})
		require.NoError(t, err)
		d, err := b.Distribute(Repayment{On: day(2024, 4, 2), Paid: split("100", "10")})
		require.NoError(t, err)
		return d
	}
	// Payers first: the reserve's claim takes principal 19.39 and interest
	// 10.00 (of its 92.12); the investors get principal 100 − 19.39 = 80.61.
	d := run(PayersFirst)
	require.Len(t, d.Recoveries, 1)
	assert.Equal(t, []money.Amount{amt("19.39"), amt("10")}, pi(d.Recoveries[0].Amount))
	assert.Equal(t, []money.Amount{amt("80.61"), amt("0")}, pi(sumGross(d)))

	// Holders first: the investors hold 9,192.12, more than the 100.00
	// paid: they get all of it; the reserve nothing.
	d = run(HoldersFirst)
	assert.Empty(t, d.Recoveries)
	assert.Equal(t, []money.Amount{amt("100"), amt("10")}, pi(sumGross(d)))
}

func pi(s loan.Split) []money.Amount { return []money.Amount{s.Principal, s.Interest} }

func TestOrderPolicyJSONAndValidate(t *testing.T) {
	rp := DefaultReservePolicy()
	assert.Equal(t, CompensationOrder{Loans: OldestDueFirst, Parts: InterestFirst}, rp.Order, "the zero value is today's order")
	rp.Order = CompensationOrder{Loans: SmallestClaimFirst, Parts: PrincipalFirst}
	b, err := json.Marshal(rp)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"order":{"loans":"smallest-claim-first","parts":"principal-first"}`)
	var rp2 ReservePolicy
	require.NoError(t, json.Unmarshal(b, &rp2))
	assert.Equal(t, rp, rp2)

	bp := DefaultBookPolicy()
	assert.Equal(t, PayersFirst, bp.Recovery.Unassigned)
	bp.Recovery.Unassigned = HoldersFirst
	b, err = json.Marshal(bp)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"recovery":{"unassigned":"holders-first"}`)
	var bp2 BookPolicy
	require.NoError(t, json.Unmarshal(b, &bp2))
	assert.Equal(t, bp, bp2)

	// A policy stored before the orders existed decodes to the defaults.
	var old ReservePolicy
	require.NoError(t, json.Unmarshal([]byte(`{"loan_share":"1%","repayment_share":"0","rounding":"half-up","triggers":[]}`), &old))
	assert.Equal(t, CompensationOrder{}, old.Order)

	assert.Error(t, json.Unmarshal([]byte(`{"order":{"loans":"bogus"}}`), &rp2))
	assert.Error(t, json.Unmarshal([]byte(`{"recovery":{"unassigned":"bogus"}}`), &bp2))

	rp = DefaultReservePolicy()
	rp.Order = CompensationOrder{Loans: 9, Parts: 7}
	var ve *fault.Fields
	require.ErrorAs(t, rp.Validate(), &ve)
	assert.ErrorIs(t, ve, ErrInvalidPolicy)
	assert.ElementsMatch(t, []string{"order.loans", "order.parts"}, names(ve))
	bp = DefaultBookPolicy()
	bp.Recovery.Unassigned = 5
	require.ErrorAs(t, bp.Validate(), &ve)
	assert.Equal(t, []string{"recovery.unassigned"}, names(ve))
}

func names(v *fault.Fields) []string {
	var out []string
	for _, f := range v.List {
		out = append(out, f.Name)
	}
	return out
}
