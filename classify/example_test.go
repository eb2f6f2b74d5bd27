package classify_test

import (
	"fmt"
	"time"

	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/money"
	"github.com/rickb777/date"
)

// Classify loans under the China 2023 preset: 90 days past due is not
// "over 90 days", 91 is 次级 whatever the collateral.
func Example() {
	c, err := classify.China2023().Compile()
	if err != nil {
		panic(err)
	}
	asOf := date.New(2024, time.June, 30)
	for _, dpd := range []int{0, 1, 90, 91, 271, 361} {
		f := classify.Facts{DPD: dpd, Balance: money.MustParse("10000", money.CNY)}
		r, err := c.Classify(&f, asOf)
		if err != nil {
			panic(err)
		}
		fmt.Printf("DPD %3d: %s %s %v\n", dpd, r.Grade.Chinese(), r.Stage, c.Triggered(r))
	}
	// Output:
	// DPD   0: 正常 stage-1 []
	// DPD   1: 关注 stage-1 [CN23-DPD-1]
	// DPD  90: 关注 stage-2 [CN23-DPD-1 IFRS9-S2-DPD]
	// DPD  91: 次级 stage-3 [CN23-DPD-1 CN23-DPD-2 IFRS9-S2-DPD IFRS9-S3-DPD]
	// DPD 271: 可疑 stage-3 [CN23-DPD-1 CN23-DPD-2 CN23-DPD-3 IFRS9-S2-DPD IFRS9-S3-DPD]
	// DPD 361: 损失 stage-3 [CN23-DPD-1 CN23-DPD-2 CN23-DPD-3 CN23-DPD-4 IFRS9-S2-DPD IFRS9-S3-DPD]
}

// Provision a 10,000 次级 loan under the legacy grid: 25 % of the balance,
// rounded once to the minor unit.
func ExampleGradeProvision_Provision() {
	p, err := classify.LegacyChinaProvision().Provision(money.MustParse("10000", money.CNY), classify.Substandard)
	if err != nil {
		panic(err)
	}
	fmt.Println(p)
	// Output: CNY 2500.00
}

// An inspection is signed off by another person than the inspector (four
// eyes); until then a clean re-inspection clears none of the findings of
// the last signed-off one.
func ExampleInspectionRecord_Sign() {
	day := date.New(2024, time.March, 1)
	rec := classify.InspectionRecord{Loan: "L1", Date: day, Inspector: "wang", Conclusion: classify.Satisfactory}
	fmt.Println(rec.Sign(classify.SignOff{Supervisor: "wang", On: day}))
	fmt.Println(rec.Sign(classify.SignOff{Supervisor: "li", On: day.Add(1)}), rec.Status())
	// Output:
	// classify: invalid input: supervisor: is the inspector: an inspection is signed off by another person (four eyes)
	// <nil> signed-off
}

// Fund-flow monitoring: 1,300 came in over a window in which the plan had
// 2,665.47 due (48.8 %), and 2,500 of a 10,000 principal went off purpose
// (25 %): both signals are high by the default table.
func ExampleFundFlowPolicy_Signals() {
	cny := func(s string) money.Amount { return money.MustParse(s, money.CNY) }
	s := classify.DefaultFundFlow().Signals(classify.FundFlow{Reported: true, Inflow: cny("1300"), PlanDue: cny("2665.47"),
		OffPurpose: cny("2500"), Principal: cny("10000")})
	fmt.Println(s[classify.CashFlowBehindPlan], s[classify.PurposeDeviation])
	// Output:
	// high high
}
