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

// A loan migrated from Apache Fineract keeps Fineract's arrears
// conventions: three days of grace on arrears ageing and a delinquency
// pause, which freezes the days past due from its first day to its last.
func ExamplePolicy_fineractArrears() {
	terms := schedule.Terms{
		Principal: money.MustParse("12000", money.CNY), AnnualRate: money.MustRate("12%"),
		Method: schedule.EqualPrincipal, Frequency: schedule.Monthly, Periods: 3,
		Start: date.New(2026, time.January, 15), DayCount: schedule.Actual360,
	}
	pol := loan.DefaultPolicy()
	pol.Arrears.AgeingGraceDays = 3
	l, err := loan.New(uuid.MustParse("0b7d8f0e-6d8e-4f2f-9d43-5b8a9b1c2d3e"), terms, pol)
	if err != nil {
		panic(err)
	}
	booked := time.Date(2026, 1, 15, 10, 0, 0, 0, time.UTC)
	post := func(e loan.Entry) {
		e.ID, e.BookedAt, e.Actor = uuid.NewSHA1(uuid.NameSpaceURL, []byte(e.IdempotencyKey)), booked, "servicer-2"
		if _, err := l.Post(e); err != nil {
			panic(err)
		}
	}
	post(loan.Entry{Kind: loan.Disbursement, ValueDate: terms.Start, IdempotencyKey: "disburse", Amount: terms.Principal})
	// Installment 1 falls due on 2026-02-15 and is not paid; a dispute
	// pauses delinquency from 2026-02-20 to 2026-03-01.
	post(loan.Entry{Kind: loan.Pause, ValueDate: date.New(2026, time.February, 20), Until: date.New(2026, time.March, 1),
		IdempotencyKey: "dispute"})
	for _, d := range []date.Date{date.New(2026, time.February, 20), date.New(2026, time.March, 1), date.New(2026, time.March, 5)} {
		p, _ := l.PositionAt(d)
		fmt.Println(d, "days past due:", p.DaysPastDue, "paused:", p.Paused)
	}
	// Output:
	// 2026-02-20 days past due: 2 paused: true
	// 2026-03-01 days past due: 2 paused: true
	// 2026-03-05 days past due: 6 paused: false
}
