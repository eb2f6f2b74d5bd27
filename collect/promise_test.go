package collect_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/collect"
	"github.com/lendcore/lendcore/money"
)

func TestPromiseEvaluate(t *testing.T) {
	// Promise made 06-01 to pay 1,000 by 06-10, 2 days' tolerance (deadline
	// 06-12), 5.00 shortfall tolerated: kept once 995.00 is paid by 06-12.
	p := collect.Promise{Loan: loanID, Collector: "c-1", Made: day(2024, 6, 1), Due: day(2024, 6, 10),
		Amount: cny("1000"), ToleranceDays: 2, Shortfall: cny("5")}
	pay := func(m, d int, amt string) collect.Payment {
		return collect.Payment{Day: day(2024, monthOf(m), d), Amount: cny(amt)}
	}
	cases := []struct {
		name     string
		payments []collect.Payment
		asOf     [2]int
		want     collect.PromiseStatus
	}{
		{"nothing paid, before the deadline", nil, [2]int{6, 11}, collect.Pending},
		{"nothing paid, deadline passed", nil, [2]int{6, 13}, collect.Broken},
		{"paid in full on the due date", []collect.Payment{pay(6, 10, "1000")}, [2]int{6, 10}, collect.Kept},
		{"paid within the tolerance days", []collect.Payment{pay(6, 12, "1000")}, [2]int{6, 20}, collect.Kept},
		{"paid a day after the tolerance", []collect.Payment{pay(6, 13, "1000")}, [2]int{6, 20}, collect.Broken},
		{"two parts reach 995.00", []collect.Payment{pay(6, 3, "500"), pay(6, 9, "495")}, [2]int{6, 20}, collect.Kept},
		{"994.99 is short by more than 5.00", []collect.Payment{pay(6, 3, "500"), pay(6, 9, "494.99")}, [2]int{6, 20}, collect.Broken},
		{"a payment before the promise does not count", []collect.Payment{pay(5, 31, "1000")}, [2]int{6, 20}, collect.Broken},
		{"a payment after asOf is not yet known", []collect.Payment{pay(6, 10, "1000")}, [2]int{6, 9}, collect.Pending},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := p.Evaluate(tc.payments, day(2024, monthOf(tc.asOf[0]), tc.asOf[1]))
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
	_, err := p.Evaluate([]collect.Payment{{Day: day(2024, 6, 5), Amount: money.MustParse("1", money.USD)}}, day(2024, 6, 20))
	assert.ErrorIs(t, err, collect.ErrInvalidInput)
}

func TestKeepRates(t *testing.T) {
	o := func(c string, s collect.PromiseStatus) collect.PromiseOutcome {
		return collect.PromiseOutcome{Collector: c, Status: s, Amount: cny("100")}
	}
	rates := collect.KeepRates([]collect.PromiseOutcome{
		o("b", collect.Kept), o("a", collect.Kept), o("a", collect.Broken), o("a", collect.Kept),
		o("a", collect.Pending), o("b", collect.Pending),
	})
	require.Len(t, rates, 2)
	// a: 2 kept, 1 broken, 1 pending → 2/3; b: 1 kept, 0 broken → 1.
	assert.Equal(t, collect.KeepRate{Collector: "a", Made: 4, Kept: 2, Broken: 1, Rate: frac(2, 3)}, rates[0])
	assert.Equal(t, frac(1, 1), rates[1].Rate)
}
