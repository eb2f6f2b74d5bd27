package report_test

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/portfolio"
	"github.com/lendcore/lendcore/report"
)

// A host collects the figures at each month end its daily close reaches,
// then writes the report. Here the month ends' portfolios are made by hand;
// a host takes them from Engine.PortfolioAt and observes the loans its store
// holds.
func Example() {
	c, err := report.NewCollector("Example book", classify.ChinaBuckets())
	if err != nil {
		panic(err)
	}
	a, b := uuid.NewSHA1(uuid.Nil, []byte("a")), uuid.NewSHA1(uuid.Nil, []byte("b"))
	monthEnd := func(day date.Date, dpdA int) {
		positions := []portfolio.Position{
			{Loan: a.String(), Principal: money.MustParse("60000", money.CNY), DPD: dpdA, Grade: classify.Normal, Stage: classify.Stage1},
			{Loan: b.String(), Principal: money.MustParse("40000", money.CNY), Grade: classify.Normal, Stage: classify.Stage1},
		}
		snap, err := portfolio.Measure(positions, classify.ChinaBuckets())
		if err != nil {
			panic(err)
		}
		c.Observe(report.LoanAt{ID: a, DPD: dpdA})
		c.Observe(report.LoanAt{ID: b})
		p := &lendcore.Portfolio{Day: day, Snapshot: snap}
		if err := c.Add(p, report.Totals{Recovered: money.Zero(money.CNY)}); err != nil {
			panic(err)
		}
	}
	monthEnd(date.New(2025, 1, 31), 0)
	monthEnd(date.New(2025, 2, 28), 20)
	monthEnd(date.New(2025, 3, 31), 70)

	f := c.Figures()
	for _, m := range f.Months {
		fmt.Printf("%s: %d loans, %s, M1+ %s, M3+ %s\n", m.End, m.Loans, m.Balance, m.AtLeast(1).Percent(1), m.AtLeast(3).Percent(1))
	}
	for _, cv := range f.Curves() {
		fmt.Printf("cohort %s, %d loans, gone bad by MOB 0, 1, 2: %v\n", cv.Cohort, cv.Loans, cv.Bad)
	}
	var page bytes.Buffer
	if err := report.Write(&page, f, report.HTML); err != nil {
		panic(err)
	}
	fmt.Println(strings.HasPrefix(page.String(), "<!DOCTYPE html>"))
	// Output:
	// 2025-01-31: 2 loans, CNY 100000.00, M1+ 0.0%, M3+ 0.0%
	// 2025-02-28: 2 loans, CNY 100000.00, M1+ 60.0%, M3+ 0.0%
	// 2025-03-31: 2 loans, CNY 100000.00, M1+ 60.0%, M3+ 60.0%
	// cohort 2025-01, 2 loans, gone bad by MOB 0, 1, 2: [0/2 0/2 1/2]
	// true
}
