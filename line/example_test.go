package line_test

import (
	"fmt"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"

	"github.com/lendcore/lendcore/line"
)

// A revolving line of 50,000: a drawdown of 30,000 leaves 20,000; after
// 12,000 of principal is repaid 32,000 is available again. A decrease to
// 10,000 approved by a second officer blocks new drawdowns while 18,000
// is outstanding, without calling anything due.
func Example() {
	cny := func(s string) money.Amount { return money.MustParse(s, money.CNY) }
	var findings []loan.Finding
	for a := loan.BasicEligibility; a <= loan.Guarantees; a++ {
		findings = append(findings, loan.Finding{Area: a, Summary: "checked"})
	}
	l, err := line.Open(line.Terms{ID: uuid.New(), Borrower: uuid.New(), BorrowerKind: loan.Individual,
		Product: "consumer-revolving", Purpose: "consumption", Limit: cny("50000"), Revolving: true,
		From: date.New(2024, 1, 1), Until: date.New(2024, 12, 31),
		Dossier:  loan.Dossier{Findings: findings, Investigators: [2]string{"li", "wang"}, SignedOn: date.New(2024, 1, 1)},
		OpenedBy: "li"}, date.New(2024, 1, 1))
	if err != nil {
		panic(err)
	}
	err = l.Draw(line.Draw{Loan: uuid.New(), By: "app", Key: "draw-1",
		Terms: schedule.Terms{Principal: cny("30000"), AnnualRate: money.MustRate("12%"),
			Method: schedule.EqualInstallment, Periods: 12, Start: date.New(2024, 2, 1)}}, cny("0"))
	fmt.Println(err, l.Available(date.New(2024, 2, 1), cny("30000")))
	fmt.Println(l.Available(date.New(2024, 8, 1), cny("18000")))

	p := line.DefaultPolicy()
	p.Authority.Officers = []loan.Officer{{ID: "zhao", Limit: cny("100000")}}
	_ = l.RequestChange(line.Change{Limit: cny("10000"), RequestedBy: "li", RequestedOn: date.New(2024, 8, 1), Reason: "warning"})
	adj, err := l.ApproveChange(loan.Action{Officer: "zhao", On: date.New(2024, 8, 1)}, p, cny("18000"))
	fmt.Println(err, adj.Excess, adj.Call, l.Available(date.New(2024, 8, 1), cny("18000")))
	// Output:
	// <nil> CNY 20000.00
	// CNY 32000.00
	// <nil> CNY 8000.00 false CNY 0.00
}
