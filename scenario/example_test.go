package scenario_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/scenario"
)

// A loan of CNY 3,000 at 12 %, equal principal over three months, whose
// first installment (1,030) is paid ten days late: 1,030 × 10 × 0.05 % =
// 5.15 of penalty interest is owed on the day it is paid.
func Example() {
	sc, err := scenario.Parse(strings.NewReader(`{
  "currency": "CNY",
  "terms": {"principal": "CNY 3000.00", "annual_rate": "12%", "method": "equal-principal",
            "periods": 3, "start": "2024-01-15", "day_count": "act/365f", "basis": "periodic"},
  "policy": {"penalty": {"base": "overdue-installment", "rate_kind": "daily", "rate": "0.0005", "compound": false}},
  "events": [
    {"type": "disburse", "date": "2024-01-15"},
    {"type": "report", "date": "2024-02-25", "report": "summary"},
    {"type": "repay", "date": "2024-02-25", "amount": "1035.15"},
    {"type": "close", "date": "2024-02-25"},
    {"type": "report", "date": "2024-02-25", "report": "summary"}
  ]
}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	rep, err := sc.Run(context.Background(), scenario.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, d := range rep.Documents {
		fmt.Println(d.Date, d.Position.DaysPastDue, d.Position.Outstanding.Penalty)
	}
	fmt.Println(rep.Documents[1].State.Bucket, rep.Documents[1].State.Grade)

	// A bad file names every bad field at once.
	_, err = scenario.Parse(strings.NewReader(`{"currency": "CNY", "terms": {"principal": "CNY 3000.00",
  "annual_rate": "12%", "method": "equal-principal", "periods": 3, "start": "2024-01-15"},
  "events": [{"type": "disburse", "date": "2024-01-16"}, {"type": "repay", "date": "2024-02-30", "amount": "ten"},
             {"type": "gift", "date": "2024-03-01"}]}`))
	var bad *fault.Fields
	if errors.As(err, &bad) {
		for _, f := range bad.List {
			fmt.Println(f.Name)
		}
	}
	// Output:
	// 2024-02-25 10 CNY 5.15
	// 2024-02-25 0 CNY 0.00
	// M0 normal
	// events[0].date
	// events[1].date
	// events[1].amount
	// events[2].type
}
