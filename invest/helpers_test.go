package invest

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

func amt(s string) money.Amount { return money.MustParse(s, money.CNY) }

func uid(n byte) uuid.UUID { return uuid.UUID{15: n} }

var (
	loanID    = uid(0xF0)
	alice     = uid(1)
	bob       = uid(2)
	carol     = uid(3)
	dave      = uid(4)
	reserveID = uid(0xEE)
)

func day(y int, m time.Month, d int) date.Date { return date.New(y, m, d) }

func split(principal, interest string) loan.Split {
	return loan.Split{Principal: amt(principal), Interest: amt(interest), Penalty: amt("0"), Fee: amt("0")}
}

// The loan: 10,000.00 at 12 % a year for 12 months, equal
// installments, value date 2024-01-15, due on the 15th, 30/360. The monthly
// rate is 1 % and the installment 10,000·0.01/(1−1.01⁻¹²) = 888.4879 → 888.49.
var rate12 = money.MustRate("12%")

// period returns the loan's n-th interest period.
func period(n int) Period {
	return Period{
		Start:      day(2024, time.Month(n), 15),
		Due:        day(2024, time.Month(n+1), 15),
		AnnualRate: rate12,
		DayCount:   schedule.Thirty360,
	}
}

// fundedBook returns the loan funded 5,000 / 3,000 / 2,000 by
// alice, bob and carol on 2024-01-15 under the default policy (1 % fee on
// each receipt).
func fundedBook(t testing.TB) *Book {
	t.Helper()
	b, err := NewBook(loanID, day(2024, 1, 15), []Funding{
		{alice, amt("5000")}, {bob, amt("3000")}, {carol, amt("2000")},
	}, DefaultBookPolicy())
	require.NoError(t, err)
	return b
}

// receiptOf returns the receipt of holding id in d (zero if none).
func receiptOf(d *Distribution, id HoldingID) Receipt {
	for _, r := range d.Receipts {
		if r.Holding == id {
			return r
		}
	}
	return Receipt{Holding: id}
}

// period1 is installment 1: interest 10,000 × 1 % = 100.00, principal
// 888.49 − 100.00 = 788.49.
var period1 = Repayment{On: day(2024, 2, 15), Installment: 1, Paid: split("788.49", "100.00")}

func schedDC(n int) schedule.DayCount { return schedule.DayCount(n) }
