package loan_test

import (
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// A three-month loan whose first installment is paid ten days late: the
// penalty is 4,120.00 × 10 days × (12 % × 1.5) / 360 = 20.60.
func Example() {
	terms := schedule.Terms{
		Principal: money.MustParse("12000", money.CNY), AnnualRate: money.MustRate("12%"),
		Method: schedule.EqualPrincipal, Frequency: schedule.Monthly, Periods: 3,
		Start: date.New(2026, time.January, 15), DayCount: schedule.Actual360,
	}
	l, err := loan.New(uuid.MustParse("6f1c1a52-52a4-4ad4-9a55-0d4f1c3f4b10"), terms, loan.DefaultPolicy())
	if err != nil {
		panic(err)
	}
	booked := time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)
	post := func(k loan.Kind, d date.Date, amount, key string) {
		_, err := l.Post(loan.Entry{ID: uuid.NewSHA1(uuid.NameSpaceURL, []byte(key)), Kind: k, ValueDate: d,
			BookedAt: booked, Actor: "teller-7", IdempotencyKey: key, Amount: money.MustParse(amount, money.CNY)})
		if err != nil {
			panic(err)
		}
	}
	post(loan.Disbursement, terms.Start, "12000", "disburse")

	p, _ := l.PositionAt(date.New(2026, time.February, 25))
	fmt.Println("days past due:", p.DaysPastDue, "penalty:", p.Installments[0].Owed.Penalty)

	post(loan.Repayment, date.New(2026, time.February, 25), "4140.60", "pay-1")
	p, _ = l.PositionAt(date.New(2026, time.March, 1))
	fmt.Println("installment 1:", p.Installments[0].Status, "next due:", p.NextDue.Date, p.NextDue.Amount)
	fmt.Println("payoff on", p.AsOf, "is", p.Payoff)
	// Output:
	// days past due: 10 penalty: CNY 20.60
	// installment 1: paid-late next due: 2026-03-15 CNY 4080.00
	// payoff on 2026-03-01 is CNY 8040.00
}
