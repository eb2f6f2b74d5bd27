package schedule_test

import (
	"fmt"
	"os"
	"time"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// A 12-month equal-installment (等额本息) loan of CNY 10,000 at 12 % a year.
func ExampleGenerate() {
	s, err := schedule.Generate(schedule.Terms{
		Principal:  money.MustParse("10000", money.CNY),
		AnnualRate: money.MustRate("12%"),
		Method:     schedule.EqualInstallment,
		Periods:    12,
		Start:      date.New(2026, time.January, 15),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, in := range s.Installments[:2] {
		fmt.Println(in.Number, in.Due, in.Principal, in.Interest, in.Payment, in.Balance)
	}
	last := s.Installments[len(s.Installments)-1]
	fmt.Println(last.Number, last.Due, last.Payment)
	fmt.Println("interest:", s.Totals().Interest)
	// Output:
	// 1 2026-02-15 CNY 788.49 CNY 100.00 CNY 888.49 CNY 9211.51
	// 2 2026-03-15 CNY 796.37 CNY 92.12 CNY 888.49 CNY 8415.14
	// 12 2027-01-15 CNY 888.47
	// interest: CNY 661.86
}

// The true annual cost of a "1 % a month" flat loan (等本等息).
func ExampleSchedule_APR() {
	s, _ := schedule.Generate(schedule.Terms{
		Principal:  money.MustParse("10000", money.CNY),
		AnnualRate: money.MustRate("12%"),
		Method:     schedule.Flat,
		Periods:    12,
		Start:      date.New(2026, time.January, 15),
	})
	apr, _ := s.APR()
	fmt.Println(s.Installments[0].Payment, apr.Shift(2).StringFixed(2)+"%")
	// Output: CNY 933.33 21.46%
}

// Every bad field is reported at once.
func ExampleTerms_Validate() {
	err := schedule.Terms{
		Principal:  money.MustParse("0", money.CNY),
		AnnualRate: money.MustRate("30%"),
		Method:     schedule.EqualPrincipal,
		Periods:    12,
		Start:      date.New(2026, time.January, 15),

		MaxAnnualRate: money.MustRate("24%"),
	}.Validate()
	fmt.Println(err)
	// Output: schedule: invalid terms: principal: must be positive, got CNY 0.00; annual_rate: 30% is above the cap of 24%
}

// Interest on an amount between two dates, as servicing code needs it.
func ExampleAccrue() {
	interest, _ := schedule.Accrue(money.MustParse("10000", money.CNY), money.MustRate("12%"),
		date.New(2026, time.January, 15), date.New(2026, time.April, 15), schedule.Actual365Fixed, money.HalfUp)
	fmt.Println(interest)
	// Output: CNY 295.89
}

func ExampleSchedule_WriteCSV() {
	s, _ := schedule.Generate(schedule.Terms{
		Principal:  money.MustParse("3000", money.CNY),
		AnnualRate: money.MustRate("12%"),
		Method:     schedule.EqualPrincipal,
		Periods:    3,
		Start:      date.New(2026, time.January, 31),
	})
	_ = s.WriteCSV(os.Stdout)
	// Output:
	// period,due_date,principal,interest,payment,balance
	// 1,2026-02-28,1000.00,30.00,1030.00,2000.00
	// 2,2026-03-31,1000.00,20.00,1020.00,1000.00
	// 3,2026-04-30,1000.00,10.00,1010.00,0.00
}

// A CNY 10,000 loan disbursed in two tranches: 6,000 on 15 January, 4,000
// on 1 March. Plan with the first tranche alone gives the plan so far;
// the second re-amortises the rest over the months left.
func ExampleTerms_Plan() {
	cny := func(s string) money.Amount { return money.MustParse(s, money.CNY) }
	terms := schedule.Terms{
		Principal:  cny("10000"),
		AnnualRate: money.MustRate("12%"),
		Method:     schedule.EqualInstallment,
		Periods:    12,
		Start:      date.New(2026, time.January, 15),
		Tranches: []schedule.Tranche{
			{Date: date.New(2026, time.January, 15), Amount: cny("6000")},
			{Date: date.New(2026, time.March, 1), Amount: cny("4000")},
		},
	}
	first, err := terms.Plan(terms.Tranches[:1])
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("first tranche:", first.Installments[0].Payment, "a month; undisbursed", terms.Undisbursed(terms.Tranches[:1]))
	both, err := terms.Plan(terms.Tranches)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, in := range both.Installments[:3] {
		fmt.Println(in.Number, in.Due, in.Principal, in.Interest, in.Payment)
	}
	// Output:
	// first tranche: CNY 533.09 a month; undisbursed CNY 4000.00
	// 1 2026-02-15 CNY 473.09 CNY 60.00 CNY 533.09
	// 2 2026-03-15 CNY 823.64 CNY 70.25 CNY 893.89
	// 3 2026-04-15 CNY 831.88 CNY 87.03 CNY 918.91
}
