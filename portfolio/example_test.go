package portfolio_test

import (
	"fmt"

	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/portfolio"
)

// Measure a small book on a reporting day with the Chinese buckets: one
// loan 45 days past due and one 91 days past due (次级) of four.
func Example() {
	cny := func(s string) money.Amount { return money.MustParse(s, money.CNY) }
	book := []portfolio.Position{
		{Loan: "L1", Principal: cny("1000"), Grade: classify.Normal, Stage: classify.Stage1, Provision: cny("10")},
		{Loan: "L2", Principal: cny("2000"), Grade: classify.Normal, Stage: classify.Stage1, Provision: cny("20")},
		{Loan: "L3", Principal: cny("3000"), Overdue: cny("300"), DPD: 45,
			Grade: classify.SpecialMention, Stage: classify.Stage2, Provision: cny("60")},
		{Loan: "L4", Principal: cny("4000"), Overdue: cny("900"), DPD: 91,
			Grade: classify.Substandard, Stage: classify.Stage3, Provision: cny("1000")},
	}
	s, err := portfolio.Measure(book, classify.ChinaBuckets())
	if err != nil {
		panic(err)
	}
	fmt.Println("outstanding:", s.Amount(s.Total.Balance))
	fmt.Println("overdue by count:", s.OverdueRateByCount().Percent(1))
	fmt.Println("overdue by balance:", s.OverdueRateByBalance().Percent(1))
	fmt.Println("M3+:", s.AtLeastBucket(3).Percent(1))
	fmt.Println("NPL ratio:", s.NPLRatio().Percent(1))
	fmt.Println("NPL coverage:", s.NPLCoverage().Percent(1))
	// Output:
	// outstanding: CNY 10000.00
	// overdue by count: 50.0%
	// overdue by balance: 70.0%
	// M3+: 40.0%
	// NPL ratio: 40.0%
	// NPL coverage: 27.3%
}

// The collection effectiveness index of a quarter: with credit sales
// averaged per month, 55.9 %; with the quarter's sales undivided, 79.6 %.
func ExampleCEI() {
	cny := func(s string) money.Amount { return money.MustParse(s, money.CNY) }
	in := portfolio.CEIInput{
		BeginReceivables: cny("6200"), CreditSales: cny("10890"), Months: 3,
		EndReceivables: cny("6340"), EndCurrent: cny("3590"),
	}
	for _, a := range []portfolio.CEIAveraging{portfolio.SalesPerMonth, portfolio.SalesWholePeriod} {
		in.Averaging = a
		r, err := portfolio.CEI(in)
		if err != nil {
			panic(err)
		}
		fmt.Println(a, r.Percent(1))
	}
	// Output:
	// sales-per-month 55.9%
	// sales-whole-period 79.6%
}
