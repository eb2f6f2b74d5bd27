package collateral_test

import (
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/lendcore/lendcore/collateral"
	"github.com/lendcore/lendcore/money"
	"github.com/rickb777/date"
)

// A flat secures a loan; a price fall triggers a margin call, and a cash
// top-up cures it.
func Example() {
	reg, err := collateral.NewRegister(collateral.DefaultPolicy())
	if err != nil {
		panic(err)
	}
	loan := uuid.MustParse("6f1c2a3e-0000-4000-8000-000000000001")
	flat := uuid.MustParse("6f1c2a3e-0000-4000-8000-0000000000f1")
	cash := uuid.MustParse("6f1c2a3e-0000-4000-8000-0000000000c1")
	cny := func(s string) money.Amount { return money.MustParse(s, money.CNY) }
	day1 := date.New(2024, time.March, 1)

	_ = reg.Add(collateral.Item{ID: flat, Kind: collateral.RealEstate, Owner: "Wang Fang", Currency: money.CNY,
		Registration: collateral.Registration{CertificateNumber: "沪(2024)第0001号", Authority: "Shanghai registry", Rank: 1},
		Liens:        []collateral.Lien{{LoanID: loan, Rank: 1}}})
	_ = reg.Pledge(flat, day1)
	_ = reg.AddValuation(flat, collateral.Valuation{Date: day1, Amount: cny("1000000.00"),
		Method: collateral.Appraisal, Source: "Shanghai Appraisal Co."}, day1)

	owed := []collateral.Exposure{{LoanID: loan, Outstanding: cny("680000.00")}}
	show := func(d date.Date) {
		res, _ := reg.Evaluate(d, owed)
		c := res[0]
		ltv, _ := c.LTV()
		fmt.Printf("%s lending %s LTV %s shortfall %s → %s\n", d, c.LendingValue.Number(), ltv.Percent(1), c.Shortfall.Number(), c.Action)
	}
	show(day1) // 1,000,000 × 70 % = 700,000 lending value

	// A desktop review finds the flat worth 900,000: lending value 630,000,
	// LTV above the 105 % margin-call line; the call asks for 680,000 −
	// 630,000 = 50,000 within 10 days.
	day2 := date.New(2024, time.June, 3)
	_ = reg.AddValuation(flat, collateral.Valuation{Date: day2, Amount: cny("900000.00"),
		Method: collateral.DesktopReview, Source: "Shanghai Appraisal Co."}, day2)
	show(day2)
	call, _ := reg.Call(loan)
	fmt.Println("call due by", call.Deadline, "for", call.Demanded.Number())

	// The borrower pledges a CNY 60,000 deposit (no haircut): lending value
	// 690,000 covers the 680,000 owed, so the call is cured.
	day3 := date.New(2024, time.June, 7)
	_ = reg.Add(collateral.Item{ID: cash, Kind: collateral.Deposit, Owner: "Wang Fang", Currency: money.CNY,
		Registration: collateral.Registration{Rank: 1}, Liens: []collateral.Lien{{LoanID: loan, Rank: 1}}})
	_ = reg.Pledge(cash, day3)
	_ = reg.AddValuation(cash, collateral.Valuation{Date: day3, Amount: cny("60000.00"),
		Method: collateral.MarketPrice, Source: "deposit statement"}, day3)
	show(day3)
	fmt.Println("cured calls:", len(reg.CuredCalls()))
	// Output:
	// 2024-03-01 lending 700000.00 LTV 97.1% shortfall 0.00 → warn
	// 2024-06-03 lending 630000.00 LTV 107.9% shortfall 50000.00 → call
	// call due by 2024-06-13 for 50000.00
	// 2024-06-07 lending 690000.00 LTV 98.6% shortfall 0.00 → warn
	// cured calls: 1
}
