// Collections follows a loan that stops paying, from the first missed
// installment to a recovery after write-off (账销案存): the Engine's daily
// closes issue reminders and escalate the collection stage, a collector's
// calls are checked against the conduct rules (a 22:30 call is refused), a
// promise to pay is broken, the loan is accelerated, the demand letters
// keep the limitation period (诉讼时效) alive, the loan is written off with
// a second approver, and money comes back on the written-off claim.
//
//	go run ./examples/collections
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/collect"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
	"github.com/lendcore/lendcore/storage"
	"github.com/lendcore/lendcore/storage/memory"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "collections:", err)
		os.Exit(1)
	}
}

var (
	loanID    = uuid.MustParse("00000000-0000-4000-8000-000000000004")
	caseID    = uuid.MustParse("00000000-0000-4000-8000-00000000ca5e")
	promiseID = uuid.MustParse("00000000-0000-4000-8000-0000000000a1")
	borrower  = uuid.MustParse("00000000-0000-4000-8000-0000000000b4")
	guarantor = uuid.MustParse("00000000-0000-4000-8000-0000000000a4")
	booked    = time.Date(2029, time.December, 31, 9, 0, 0, 0, time.UTC)
	// cst is China Standard Time as a fixed zone (no tzdata needed): the
	// conduct rules judge the debtor's local time.
	cst = time.FixedZone("CST", 8*3600)
)

func cny(s string) money.Amount { return money.MustParse(s, money.CNY) }

func day(y int, m time.Month, d int) date.Date { return date.New(y, m, d) }

// walk holds the walk-through's state: the Engine, the host's collection
// case, and the claim whose limitation period the host tracks.
type walk struct {
	w     io.Writer
	ctx   context.Context
	eng   *lendcore.Engine
	stage collect.Stage
	grade classify.Grade
	// reminders counts the reminders delivered per due date.
	reminders map[date.Date]int
	counts    map[string]int // outbox messages delivered, by kind
	claim     collect.Claim
}

func run(w io.Writer) error {
	ctx := context.Background()
	policies := lendcore.DefaultPolicies()
	policies.Approval.Authority = loan.AuthorityPolicy{
		Officers: []loan.Officer{{ID: "officer-li", Limit: cny("500000")}},
	}
	eng, err := lendcore.New(memory.New(), lendcore.WithPolicies(policies),
		lendcore.WithClock(func() time.Time { return booked }))
	if err != nil {
		return err
	}
	wk := &walk{w: w, ctx: ctx, eng: eng, counts: map[string]int{}, reminders: map[date.Date]int{}}

	// CNY 10,000 at 12 % over 12 months, with one guarantor.
	terms := schedule.Terms{Principal: cny("10000"), AnnualRate: money.MustRate("12%"),
		Method: schedule.EqualInstallment, Frequency: schedule.Monthly, Periods: 12,
		Start: day(2026, time.January, 15), DayCount: schedule.Thirty360}
	var findings []loan.Finding
	for a := loan.BasicEligibility; a <= loan.Guarantees; a++ {
		findings = append(findings, loan.Finding{Area: a, Summary: "checked"})
	}
	if _, err := eng.Submit(ctx, loan.Request{ID: loanID, Terms: terms, Borrower: borrower,
		BorrowerKind: loan.Individual, Purpose: "consumption", Guarantees: []uuid.UUID{guarantor},
		Dossier:     loan.Dossier{Findings: findings, Investigators: [2]string{"zhang", "wang"}, SignedOn: day(2026, time.January, 8)},
		SubmittedBy: "zhang", SubmittedOn: day(2026, time.January, 9)}); err != nil {
		return err
	}
	if _, err := eng.Approve(ctx, loanID, loan.Action{Officer: "officer-li", On: day(2026, time.January, 12)}, loan.Exposure{}); err != nil {
		return err
	}
	if _, err := eng.Disburse(ctx, loanID, lendcore.Disbursement{Actor: "teller-7", IdempotencyKey: "disburse"}); err != nil {
		return err
	}
	fmt.Fprintf(w, "%s disbursed %s, 12 installments of 888.49, one guarantor\n", terms.Start, terms.Principal)
	if err := wk.post(loan.Entry{Kind: loan.Repayment, ValueDate: day(2026, time.February, 15), Amount: cny("888.49")}); err != nil {
		return err
	}
	fmt.Fprintln(w, "2026-02-15 installment 1 paid; then the borrower stops paying")

	// The daily close runs every day; each stage change is printed with the
	// actions it issues.
	fmt.Fprintln(w, "\ndaily closes:")
	if err := wk.closeTo(day(2026, time.April, 20)); err != nil {
		return err
	}

	// A collector works the case: a late-evening call is refused by the
	// conduct rules (COL-2 quiet hours), the next morning's call reaches
	// the borrower, who promises to pay 1,800 by 2026-04-30.
	fmt.Fprintln(w, "\ncollector's work:")
	cs, err := collect.NewCase(caseID, loanID, day(2026, time.March, 16), &policies.Ladder)
	if err != nil {
		return err
	}
	if err := cs.Apply(day(2026, time.March, 16), collect.EventAssign, "collector-9"); err != nil {
		return err
	}
	var contacts collect.ContactLog
	for _, c := range []collect.ContactRecord{
		{At: time.Date(2026, time.April, 20, 22, 30, 0, 0, cst), Outcome: collect.NoAnswer},
		{At: time.Date(2026, time.April, 21, 10, 0, 0, 0, cst), Outcome: collect.PromisedPay},
	} {
		c.Loan, c.Collector, c.Channel, c.Party, c.MentionsDebt = loanID, "collector-9", collect.Phone, collect.Borrower, true
		if err := contacts.Record(&policies.Contact, collect.ContactState{}, c, c.At); err != nil {
			fmt.Fprintf(w, "  %s call refused: %v\n", c.At.Format("2006-01-02 15:04"), err)
			continue
		}
		fmt.Fprintf(w, "  %s call recorded: %s\n", c.At.Format("2006-01-02 15:04"), c.Outcome)
	}
	promise := collect.Promise{ID: promiseID, Loan: loanID, Collector: "collector-9", Made: day(2026, time.April, 21),
		Due: day(2026, time.April, 30), Amount: cny("1800"), Shortfall: money.Zero(money.CNY)}
	if err := cs.Apply(promise.Made, collect.EventPromise, "collector-9"); err != nil {
		return err
	}
	fmt.Fprintf(w, "  %s promise to pay %s by %s; case %s\n", promise.Made, promise.Amount, promise.Due, cs.Status)

	// The borrower pays only 500 on 2026-04-28.
	if err := wk.post(loan.Entry{Kind: loan.Repayment, ValueDate: day(2026, time.April, 28), Amount: cny("500")}); err != nil {
		return err
	}
	if err := wk.closeTo(day(2026, time.May, 1)); err != nil {
		return err
	}
	st, err := promise.Evaluate([]collect.Payment{{Day: day(2026, time.April, 28), Amount: cny("500")}}, day(2026, time.May, 1))
	if err != nil {
		return err
	}
	if st == collect.Broken {
		if err := cs.Apply(day(2026, time.May, 1), collect.EventBreakPromise, "system"); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "  2026-05-01 paid 500.00 of 1800.00 by the deadline: promise %s; case %s\n", st, cs.Status)

	if err := wk.closeTo(day(2026, time.June, 19)); err != nil {
		return err
	}

	// After legal review the lender declares the whole loan due
	// (宣布提前到期). The three-year limitation period now runs from the
	// acceleration (Civil Code art. 188-189).
	accel := day(2026, time.June, 20)
	if err := wk.post(loan.Entry{Kind: loan.Acceleration, ValueDate: accel, Reason: "legal review: installments 2-5 unpaid"}); err != nil {
		return err
	}
	if err := cs.Apply(accel, collect.EventSue, "legal-1"); err != nil {
		return err
	}
	pos, err := eng.Position(ctx, loanID, accel)
	if err != nil {
		return err
	}
	o := pos.Outstanding
	fmt.Fprintf(w, "\n%s loan %s: all %s due at once (principal %s, interest %s, penalty %s); case %s\n", accel, pos.Status,
		o.Total(), o.Principal.Number(), o.Interest.Number(), o.Penalty.Number(), cs.Status)
	wk.claim = collect.Claim{Loan: loanID, Party: collect.Borrower, Start: accel}

	// Quarterly demand letters from the ladder (delivered and receipted)
	// interrupt the limitation period each time.
	if err := wk.closeTo(day(2027, time.March, 31)); err != nil {
		return err
	}

	// Write-off (核销) needs a second person's approval; the claim is
	// still pursued.
	wo := day(2027, time.March, 31)
	if err := wk.post(loan.Entry{Kind: loan.WriteOff, ValueDate: wo, Approver: "cfo-zhao",
		Reason: "loss: 381 days past due, legal review concluded"}); err != nil {
		return err
	}
	if err := cs.Apply(wo, collect.EventWriteOff, "cfo-zhao"); err != nil {
		return err
	}
	if pos, err = eng.Position(ctx, loanID, wo); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%s written off by collections-head, approved by cfo-zhao: %s (principal %s, interest %s, penalty %s); case %s\n",
		wo, pos.WrittenOff.Total(), pos.WrittenOff.Principal.Number(), pos.WrittenOff.Interest.Number(), pos.WrittenOff.Penalty.Number(), cs.Status)

	// The guarantor pays 3,000 on the written-off claim.
	rec := day(2027, time.June, 15)
	if err := wk.post(loan.Entry{Kind: loan.Recovery, ValueDate: rec, Amount: cny("3000")}); err != nil {
		return err
	}
	if err := wk.closeTo(rec); err != nil {
		return err
	}
	if pos, err = eng.Position(ctx, loanID, rec); err != nil {
		return err
	}
	fmt.Fprintf(w, "%s recovery %s from the guarantor: claim still pursued %s (principal %s)\n",
		rec, cny("3000"), pos.Claim.Total(), pos.Claim.Principal.Number())
	state, err := eng.State(ctx, loanID)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s state after the close: %s, claim %s, collection %s\n", rec, state.Status, state.Claim, state.Collection)

	// The limitation period as of the recovery: restarted by the last
	// receipted demand letter; without the letters it would have expired
	// three years after the acceleration.
	lim := policies.Limitation
	ls := lim.Status(&wk.claim, rec)
	fmt.Fprintf(w, "\ndemand letters since the acceleration:")
	for _, ev := range wk.claim.Events {
		fmt.Fprintf(w, " %s", ev.Day)
	}
	fmt.Fprintf(w, "\nlimitation on %s: period restarted %s, expires %s (%d days left)\n", rec, ls.Restart, ls.Expiry, ls.DaysLeft)
	bare := collect.Claim{Loan: loanID, Party: collect.Borrower, Start: accel}
	fmt.Fprintf(w, "without the letters it would expire %s\n", lim.Status(&bare, rec).Expiry)

	fmt.Fprintln(w, "\noutbox delivered by the host:")
	fmt.Fprintf(w, "  reminders   %d:", wk.counts[lendcore.TopicReminder])
	for _, due := range slices.SortedFunc(maps.Keys(wk.reminders), func(a, b date.Date) int { return int(a.Sub(b)) }) {
		fmt.Fprintf(w, " %d before %s", wk.reminders[due], due)
	}
	fmt.Fprintf(w, "\n  collection  %d actions\n", wk.counts[lendcore.TopicAction])
	fmt.Fprintf(w, "  postings    %d for the general ledger\n", wk.counts[lendcore.TopicPosting])
	return nil
}

// post books an entry on the loan with a key derived from its kind and date.
func (wk *walk) post(e loan.Entry) error {
	if e.Actor == "" {
		e.Actor = "collections-head"
	}
	e.IdempotencyKey = e.Kind.String() + "-" + e.ValueDate.String()
	_, err := wk.eng.Post(wk.ctx, loanID, e)
	return err
}

// closeTo runs the daily close day by day up to to, and after each day
// delivers the outbox the way a host would: it reads what is pending,
// acts on it, and marks it delivered.
func (wk *walk) closeTo(to date.Date) error {
	last, ok, err := wk.eng.LastClosed(wk.ctx)
	if err != nil {
		return err
	}
	from := day(2026, time.February, 16)
	if ok {
		from = last.Add(1)
	}
	for d := from; !d.After(to); d = d.Add(1) {
		if _, err := wk.eng.CloseOfDay(wk.ctx, d); err != nil {
			return err
		}
		st, err := wk.eng.State(wk.ctx, loanID)
		if err != nil {
			return err
		}
		entered := st.Collection != wk.stage
		if entered || st.Grade != wk.grade {
			fmt.Fprintf(wk.w, "  %s %-18s dpd %3d, %-3s grade %s\n", d, st.Collection, st.DPD, st.Bucket+",", st.Grade)
			wk.stage, wk.grade = st.Collection, st.Grade
		}
		if _, err := storage.Drain(wk.ctx, wk.eng.Store(), 100, func(_ context.Context, m storage.Message) error {
			return wk.deliver(m, entered)
		}); err != nil {
			return err
		}
	}
	return nil
}

// deliver handles one outbox message: it counts it, prints the actions
// issued on the day a stage is entered, and files each demand letter sent
// after the acceleration as an interruption of the limitation period.
func (wk *walk) deliver(m storage.Message, entered bool) error {
	wk.counts[m.Topic]++
	if m.Topic == lendcore.TopicReminder {
		var r collect.Reminder
		if err := json.Unmarshal(m.Payload, &r); err != nil {
			return err
		}
		wk.reminders[r.Due]++
	}
	if m.Topic != lendcore.TopicAction {
		return nil
	}
	var a collect.ActionDue
	if err := json.Unmarshal(m.Payload, &a); err != nil {
		return err
	}
	if entered {
		fmt.Fprintf(wk.w, "      %-18s %s\n", a.Action, a.Party)
	}
	if a.Action == collect.CollectionLetter && !wk.claim.Start.IsZero() {
		return wk.claim.Record(collect.LimitationEvent{Day: m.Day, Kind: collect.Demand, Channel: collect.Letter,
			Delivered: true, SignedReceipt: true, Evidence: m.Key})
	}
	return nil
}
