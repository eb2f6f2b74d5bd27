package invest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/money"
)

// afterPeriod1 is the funded book after installment 1 was distributed.
func afterPeriod1(t *testing.T) *Book {
	b := fundedBook(t)
	_, err := b.Distribute(period1)
	require.NoError(t, err)
	return b
}

var status2 = LoanStatus{Period: period(2)}

// Issue 8, second hand-computed test: alice sells her whole claim to dave
// on day 10 of period 2 (2024-02-25; 30/360 counts 25 − 15 = 10 days).
func TestTransferIssueExample(t *testing.T) {
	b := afterPeriod1(t)
	tr, err := b.Transfer(TransferRequest{Holding: 0, Buyer: dave, Principal: amt("4605.76"), On: day(2024, 2, 25)}, status2)
	require.NoError(t, err)
	// Accrued 4,605.76 × 12 % × 10/360 = 4,605.76 / 300 = 15.3525 → 15.35.
	assert.Equal(t, amt("15.35"), tr.Accrued)
	// Par price 4,605.76 + 15.35 = 4,621.11.
	assert.Equal(t, amt("4621.11"), tr.Par())
	assert.Equal(t, amt("4621.11"), tr.Price)
	// Default seller fee 0.5 %: 4,621.11 × 0.005 = 23.10555 → 23.11; net 4,598.00.
	assert.Equal(t, amt("23.11"), tr.SellerFee)
	assert.Equal(t, amt("4598.00"), tr.SellerNet())
	assert.Equal(t, HoldingID(3), tr.To)

	seller, _ := b.Holding(0)
	buyer, _ := b.Holding(3)
	assert.True(t, seller.Principal.IsZero())
	assert.Equal(t, []Transfer{tr}, seller.Sold)
	assert.Equal(t, dave, buyer.Holder)
	assert.Equal(t, amt("4605.76"), buyer.Principal)
	assert.Equal(t, day(2024, 2, 25), buyer.Since)
	assert.Equal(t, []Transfer{tr}, buyer.Chain)
	assert.Equal(t, amt("9211.51"), b.Outstanding(), "a transfer moves principal, it does not change it")

	// Installment 2: interest 9,211.51 × 1 % = 92.1151 → 92.12, principal
	// 888.49 − 92.12 = 796.37. Dave holds 460,576 of 921,151 fen: 9,212 ×
	// 460,576 / 921,151 = 4,606.005 → 46.06, the whole period's interest on
	// his principal (4,605.76 × 1 % = 46.0576), of which 15.35 was prepaid to
	// alice in the price. Alice, who sold, gets nothing.
	d, err := b.Distribute(Repayment{On: day(2024, 3, 15), Installment: 2, Paid: split("796.37", "92.12")})
	require.NoError(t, err)
	assert.Equal(t, amt("46.06"), receiptOf(d, 3).Gross.Interest)
	assert.True(t, receiptOf(d, 0).Gross.Total().IsZero())
	assert.Len(t, d.Receipts, 3)

	s, err := b.Statement(alice, day(2024, 3, 15), period(3))
	require.NoError(t, err)
	assert.Equal(t, amt("4598.00"), s.Sales)
	assert.Equal(t, amt("23.11"), s.SellerFee)
	assert.True(t, s.Outstanding.IsZero())
	s, err = b.Statement(dave, day(2024, 3, 15), period(3))
	require.NoError(t, err)
	assert.Equal(t, amt("4621.11"), s.Purchases)
}

// A partial sale at a discount, then a resale: the chain grows and the
// maximum-transfers rule counts it.
func TestTransferPartialAndChain(t *testing.T) {
	b := afterPeriod1(t)
	p := b.policy
	p.Transfer.MaxTransfers = 1
	p.Transfer.MinHoldingDays = 0
	b.policy = p
	// 1,000.00 of bob's 2,763.45 at a 10.00 discount: accrued 1,000 × 12 % ×
	// 10/360 = 3.3333 → 3.33; price 1,003.33 − 10.00 = 993.33; fee 0.5 % =
	// 4.96665 → 4.97.
	tr, err := b.Transfer(TransferRequest{Holding: 1, Buyer: dave, Principal: amt("1000"), On: day(2024, 2, 25), Premium: amt("-10")}, status2)
	require.NoError(t, err)
	assert.Equal(t, amt("3.33"), tr.Accrued)
	assert.Equal(t, amt("993.33"), tr.Price)
	assert.Equal(t, amt("4.97"), tr.SellerFee)
	bobH, _ := b.Holding(1)
	assert.Equal(t, amt("1763.45"), bobH.Principal)

	// Dave resells on 02-26: the claim has changed hands once, the maximum.
	_, err = b.Transfer(TransferRequest{Holding: tr.To, Buyer: alice, Principal: amt("1000"), On: day(2024, 2, 26)}, status2)
	var ee *EligibilityError
	require.ErrorAs(t, err, &ee)
	assert.True(t, ee.Broke(RuleMaxTransfers))
}

// The eligibility table: each rule alone, and several at once. No
// regulation sets these rules (lender practice; no regulatory source
// found); the values are
// DefaultTransferPolicy's platform-practice figures, overridden per case.
func TestTransferEligibility(t *testing.T) {
	full := TransferRequest{Holding: 0, Buyer: dave, Principal: amt("4605.76"), On: day(2024, 2, 25)}
	cases := []struct {
		name   string
		req    func(r *TransferRequest)
		status LoanStatus
		policy func(p *TransferPolicy)
		broken []Rule
	}{
		{"eligible", nil, status2, nil, nil},
		// Funded 01-15, 41 days before 02-25; 45 required.
		{"min holding days", nil, status2, func(p *TransferPolicy) { p.MinHoldingDays = 45 }, []Rule{RuleMinHoldingDays}},
		// Blackout 3 days: 03-13, 03-14 and 03-15 are closed; 03-12 is open.
		{"blackout start", func(r *TransferRequest) { r.On = day(2024, 3, 13) }, status2, nil, []Rule{RuleBlackout}},
		{"blackout due date", func(r *TransferRequest) { r.On = day(2024, 3, 15) }, status2, nil, []Rule{RuleBlackout}},
		{"before blackout", func(r *TransferRequest) { r.On = day(2024, 3, 12) }, status2, nil, nil},
		{"overdue", nil, LoanStatus{Period: period(2), DaysPastDue: 1}, nil, []Rule{RuleOverdue}},
		{"overdue allowed", nil, LoanStatus{Period: period(2), DaysPastDue: 1}, func(p *TransferPolicy) { p.AllowWhileOverdue = true }, nil},
		// Par 4,621.11; 10 % is 462.111 → 462.11 (rounded down: the cap is not exceeded by rounding).
		{"max discount ok", func(r *TransferRequest) { r.Premium = amt("-462.11") }, status2, nil, nil},
		{"max discount", func(r *TransferRequest) { r.Premium = amt("-462.12") }, status2, nil, []Rule{RuleMaxDiscount}},
		{"premium", func(r *TransferRequest) { r.Premium = amt("50") }, status2, nil, nil},
		{"min amount", func(r *TransferRequest) { r.Principal = amt("99.99") }, status2, func(p *TransferPolicy) { p.MinAmount = amt("100") }, []Rule{RuleMinAmount}},
		{"min amount whole holding", nil, status2, func(p *TransferPolicy) { p.MinAmount = amt("10000") }, nil},
		{"several", func(r *TransferRequest) { r.On = day(2024, 3, 14); r.Premium = amt("-1000") },
			LoanStatus{Period: period(2), DaysPastDue: 3}, nil, []Rule{RuleBlackout, RuleOverdue, RuleMaxDiscount}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := afterPeriod1(t)
			if c.policy != nil {
				c.policy(&b.policy.Transfer)
			}
			req := full
			if c.req != nil {
				c.req(&req)
			}
			before := b.Holdings()
			_, err := b.Transfer(req, c.status)
			if c.broken == nil {
				require.NoError(t, err)
				return
			}
			var ee *EligibilityError
			require.ErrorAs(t, err, &ee)
			require.ErrorIs(t, err, ErrNotEligible)
			var got []Rule
			for _, v := range ee.Violations {
				got = append(got, v.Rule)
			}
			assert.Equal(t, c.broken, got)
			assert.Equal(t, before, b.Holdings(), "nothing changed")
		})
	}
}

func TestAccruedDayCounts(t *testing.T) {
	p := Period{Start: day(2023, 12, 15), Due: day(2024, 1, 31), AnnualRate: money.MustRate("12%")}
	cases := []struct {
		name string
		dc   int
		on   [3]int
		want string
	}{
		// 30/360, 12-15 → 01-31: D2 = 31 stays (D1 = 15): 30 + 16 = 46 days;
		// 10,000 × 12 % × 46/360 = 153.333 → 153.33.
		{"30/360", 1, [3]int{2024, 1, 31}, "153.33"},
		// ACT/360, 47 actual days: 10,000 × 0.12 × 47/360 = 156.667 → 156.67.
		{"act/360", 2, [3]int{2024, 1, 31}, "156.67"},
		// ACT/365F: 10,000 × 0.12 × 47/365 = 154.521 → 154.52.
		{"act/365f", 3, [3]int{2024, 1, 31}, "154.52"},
		// ACT/ACT ISDA: 17 days of 2023 /365 + 30 days of 2024 /366:
		// 1,200 × (17/365 + 30/366) = 55.890 + 98.361 = 154.251 → 154.25.
		{"act/act", 4, [3]int{2024, 1, 31}, "154.25"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := p
			q.DayCount = schedDC(c.dc)
			got, err := q.Accrued(amt("10000"), day(c.on[0], 1, c.on[2]))
			require.NoError(t, err)
			assert.Equal(t, amt(c.want), got)
		})
	}
}
