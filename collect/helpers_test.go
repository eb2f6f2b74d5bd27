package collect_test

import (
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/money"
)

// day is a short constructor for calendar dates in tests.
func day(y int, m time.Month, d int) date.Date { return date.New(y, m, d) }

func cny(s string) money.Amount { return money.MustParse(s, money.CNY) }

var loanID = uuid.MustParse("00000000-0000-0000-0000-000000000001")

func monthOf(m int) time.Month { return time.Month(m) }

// frac is the exact rate n/d.
func frac(n, d int64) money.Rate {
	r, err := money.NewRate(n, d)
	if err != nil {
		panic(err)
	}
	return r
}
