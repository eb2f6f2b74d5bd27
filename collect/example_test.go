package collect_test

import (
	"fmt"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/collect"
	"github.com/lendcore/lendcore/money"
)

// The daily run for one loan: reminders before the due date, then the
// ladder once the installment is missed; the decision goes back into the
// next day's facts.
func Example() {
	reminders, ladder := collect.DefaultReminderPolicy(), collect.DefaultLadder()
	due := day(2024, 3, 10)
	f := collect.Facts{Loan: loanID, NextDue: due, Guarantors: 1}

	var rems []collect.Reminder
	var acts []collect.ActionDue
	for d := day(2024, 3, 9); !d.After(day(2024, 4, 10)); d = d.Add(1) {
		if d.After(due) { // not paid: DPD counts from the due date
			f.DPD, f.Arrears = int(d.Sub(due)), cny("1000")
		}
		rems = reminders.RemindersDue(d, &f, rems[:0])
		for _, r := range rems {
			fmt.Println(r.Day, "remind", r.Party, "by", r.Channel, "between", r.Hours.From, "and", r.Hours.To)
		}
		dec, out, err := ladder.Decide(d, &f, acts[:0])
		if err != nil {
			fmt.Println(err)
			return
		}
		acts = out
		for _, a := range acts {
			fmt.Println(a.Day, a.Stage, a.Action, a.Party)
		}
		f.Stage, f.StageSince = dec.Stage, dec.Since
		if d.Sub(due) == 1 {
			d = d.Add(28) // skip to the day M2 starts
		}
	}
	// Output:
	// 2024-03-09 remind borrower by sms between 08:00 and 22:00
	// 2024-03-09 remind borrower by app-push between 08:00 and 22:00
	// 2024-03-10 remind borrower by sms between 08:00 and 22:00
	// 2024-03-10 remind borrower by app-push between 08:00 and 22:00
	// 2024-03-11 m1 sms borrower
	// 2024-03-11 m1 call borrower
	// 2024-04-10 m2 collection-letter borrower
	// 2024-04-10 m2 notify-guarantor guarantor
}

// A loan's collection record: a promise to pay is recorded once, however
// often the command is retried, and the close settles it by what the
// borrower paid from the day it was made.
func ExampleRecord_Review() {
	r := collect.NewRecord(loanID)
	p := collect.Promise{Collector: "c-9", Made: day(2024, 5, 1), Due: day(2024, 5, 10), Amount: cny("1000"),
		ToleranceDays: 2, Shortfall: cny("50")}
	for range 2 {
		_, added, err := r.AddPromise(p, money.CNY, day(2024, 1, 1))
		fmt.Println("added:", added, err)
	}
	payments := map[date.Date]money.Amount{day(2024, 4, 28): cny("300"), day(2024, 5, 6): cny("500"), day(2024, 5, 12): cny("450")}
	received := func(through date.Date) (money.Amount, error) {
		total := cny("0")
		for d, a := range payments {
			if !d.After(through) {
				total = total.Add(a)
			}
		}
		return total, nil
	}
	for _, d := range []date.Date{day(2024, 5, 10), day(2024, 5, 12)} {
		settled, err := r.Review(d, received)
		if err != nil {
			fmt.Println(err)
			return
		}
		if next := r.NextDeadline(); next.IsZero() {
			fmt.Println(d, "settled", len(settled), "- none pending")
		} else {
			fmt.Println(d, "settled", len(settled), "- pending until", next)
		}
		for _, s := range settled {
			fmt.Println(s.Status, "on", s.Settled, "paid", s.Paid)
		}
	}
	// Output:
	// added: true <nil>
	// added: false <nil>
	// 2024-05-10 settled 0 - pending until 2024-05-12
	// 2024-05-12 settled 1 - none pending
	// kept on 2024-05-12 paid CNY 950.00
}
