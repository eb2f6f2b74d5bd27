// Quickstart walks one loan through lendcore: its terms and repayment
// schedule, the application, approval and disbursement through the Engine
// on the in-memory store, an on-time payment, a missed installment, the
// daily close that notices it, the late payment with its penalty interest,
// and the close that sees the loan cured.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/collect"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
	"github.com/lendcore/lendcore/storage/memory"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// Fixed ids and a fixed clock keep the walk-through the same on every run.
var (
	loanID   = uuid.MustParse("00000000-0000-4000-8000-000000000001")
	borrower = uuid.MustParse("00000000-0000-4000-8000-0000000000b1")
	booked   = time.Date(2029, time.December, 31, 9, 0, 0, 0, time.UTC)
)

func cny(s string) money.Amount { return money.MustParse(s, money.CNY) }

func day(m time.Month, d int) date.Date { return date.New(2026, m, d) }

// terms: CNY 10,000 at 12 % a year over 12 months, equal installments
// (等额本息), interest at the monthly rate (30/360).
var terms = schedule.Terms{
	Principal:  cny("10000"),
	AnnualRate: money.MustRate("12%"),
	Method:     schedule.EqualInstallment,
	Frequency:  schedule.Monthly,
	Periods:    12,
	Start:      day(time.January, 15),
	DayCount:   schedule.Thirty360,
}

func run(w io.Writer) error {
	ctx := context.Background()

	// 1. The schedule, straight from the terms.
	s, err := schedule.Generate(terms)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Loan of %s at %s a year for %d months, %s\n", terms.Principal, terms.AnnualRate.Percent(0), terms.Periods, terms.Method)
	fmt.Fprintln(w, "  #  due         principal    interest    payment     balance")
	for _, in := range s.Installments {
		if in.Number > 3 && in.Number < len(s.Installments) {
			continue
		}
		fmt.Fprintf(w, "  %-2d %s  %10s  %10s  %10s  %10s\n", in.Number, in.Due,
			in.Principal.Number(), in.Interest.Number(), in.Payment.Number(), in.Balance.Number())
	}
	fmt.Fprintf(w, "  total interest %s\n\n", s.Totals().Interest)

	// 2. An Engine over the in-memory store. The default policies need one
	// thing from the host: who may approve how much.
	policies := lendcore.DefaultPolicies()
	policies.Approval.Authority = loan.AuthorityPolicy{
		Officers: []loan.Officer{{ID: "officer-li", Limit: cny("500000")}},
	}
	eng, err := lendcore.New(memory.New(), lendcore.WithPolicies(policies),
		lendcore.WithClock(func() time.Time { return booked }))
	if err != nil {
		return err
	}

	// 3. Application → approval → disbursement.
	var findings []loan.Finding
	for a := loan.BasicEligibility; a <= loan.Guarantees; a++ {
		findings = append(findings, loan.Finding{Area: a, Summary: "checked"})
	}
	app, err := eng.Submit(ctx, loan.Request{
		ID: loanID, Terms: terms, Borrower: borrower, BorrowerKind: loan.Individual, Purpose: "consumption",
		Dossier:     loan.Dossier{Findings: findings, Investigators: [2]string{"zhang", "wang"}, SignedOn: day(time.January, 8)},
		SubmittedBy: "zhang", SubmittedOn: day(time.January, 9),
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "application", app.Status())
	if app, err = eng.Approve(ctx, loanID, loan.Action{Officer: "officer-li", On: day(time.January, 12)}, loan.Exposure{}); err != nil {
		return err
	}
	fmt.Fprintln(w, "application", app.Status(), "by", app.Approvers())
	l, err := eng.Disburse(ctx, loanID, lendcore.Disbursement{Actor: "teller-7", IdempotencyKey: "disburse"})
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "loan", l.Status(), "on", terms.Start)

	// 4. The first installment is paid on its due date. Posting the same
	// idempotency key again (a retried request) changes nothing.
	pay1 := loan.Entry{Kind: loan.Repayment, ValueDate: day(time.February, 15), Actor: "bank-feed",
		IdempotencyKey: "pay-2026-02-15", Amount: cny("888.49")}
	if _, err := eng.Post(ctx, loanID, pay1); err != nil {
		return err
	}
	again, err := eng.Post(ctx, loanID, pay1)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%s paid %s (posted twice, replayed: %t)\n", pay1.ValueDate, pay1.Amount, again.Replayed)

	// 5. The second installment (due 2026-03-15) is missed. The daily
	// close runs every day; the first run starts at the day it is given,
	// later runs catch up any days skipped.
	if _, err := eng.CloseOfDay(ctx, day(time.March, 7)); err != nil {
		return err
	}
	reports, err := eng.CloseOfDay(ctx, day(time.March, 20))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\ndaily close caught up %d days to %s\n", len(reports), reports[len(reports)-1].Day)
	if err := printState(ctx, w, eng, "state after the close of 2026-03-20"); err != nil {
		return err
	}
	if err := printOutbox(ctx, w, eng); err != nil {
		return err
	}

	// 6. Ten days late, the borrower asks what is owed.
	pos, err := eng.Position(ctx, loanID, day(time.March, 25))
	if err != nil {
		return err
	}
	in := pos.Installments[1]
	fmt.Fprintf(w, "\nposition on %s: %d days past due, installment 2 %s\n", pos.AsOf, pos.DaysPastDue, in.Status)
	fmt.Fprintf(w, "  owed principal %s interest %s penalty %s\n", in.Owed.Principal.Number(), in.Owed.Interest.Number(), in.Owed.Penalty.Number())
	fmt.Fprintf(w, "  overdue %s, payoff %s\n", pos.Overdue.Total(), pos.Payoff)

	// 7. The borrower pays the overdue installment with its penalty.
	pay2 := loan.Entry{Kind: loan.Repayment, ValueDate: day(time.March, 25), Actor: "bank-feed",
		IdempotencyKey: "pay-2026-03-25", Amount: pos.Overdue.Total()}
	if _, err := eng.Post(ctx, loanID, pay2); err != nil {
		return err
	}
	if pos, err = eng.Position(ctx, loanID, day(time.March, 25)); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%s paid %s: installment 2 %s (%d days late), %d days past due\n", pay2.ValueDate, pay2.Amount,
		pos.Installments[1].Status, pos.Installments[1].DaysLate, pos.DaysPastDue)
	fmt.Fprintf(w, "  principal balance %s, next due %s %s\n", pos.PrincipalBalance, pos.NextDue.Date, pos.NextDue.Amount)

	if _, err := eng.CloseOfDay(ctx, day(time.March, 25)); err != nil {
		return err
	}
	return printState(ctx, w, eng, "state after the close of 2026-03-25")
}

// printState shows what the daily close derived for the loan.
func printState(ctx context.Context, w io.Writer, eng *lendcore.Engine, title string) error {
	st, err := eng.State(ctx, loanID)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s: dpd %d, bucket %s, grade %s, collection %s, overdue %s, provision %s\n",
		title, st.DPD, st.Bucket, st.Grade, st.Collection, st.Overdue, st.Provision)
	return nil
}

// printOutbox lists the reminders and collection actions the closes left
// in the outbox for the host to deliver (the postings for its ledger are
// counted, not listed).
func printOutbox(ctx context.Context, w io.Writer, eng *lendcore.Engine) error {
	msgs, err := eng.Store().Outbox().Pending(ctx, 1000)
	if err != nil {
		return err
	}
	postings := 0
	fmt.Fprintln(w, "outbox:")
	for _, m := range msgs {
		switch m.Topic {
		case lendcore.TopicReminder:
			var r collect.Reminder
			if err := json.Unmarshal(m.Payload, &r); err != nil {
				return err
			}
			fmt.Fprintf(w, "  %s reminder   %s by %s, due %s\n", m.Day, r.Party, r.Channel, r.Due)
		case lendcore.TopicAction:
			var a collect.ActionDue
			if err := json.Unmarshal(m.Payload, &a); err != nil {
				return err
			}
			fmt.Fprintf(w, "  %s collection %s: %s %s\n", m.Day, a.Stage, a.Action, a.Party)
		case lendcore.TopicPosting:
			postings++
		default:
			fmt.Fprintf(w, "  %s %s\n", m.Day, m.Topic)
		}
	}
	fmt.Fprintf(w, "  and %d ledger postings\n", postings)
	return nil
}
