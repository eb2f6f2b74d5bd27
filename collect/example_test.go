package collect_test

import (
	"fmt"

	"github.com/lendcore/lendcore/collect"
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
