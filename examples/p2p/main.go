// P2p runs a loan on a P2P platform through the lendcore Engine: three
// investors fund it at disbursement, the borrower repays, the daily close
// splits each repayment among the investors to the fen (net of the
// platform's servicing fee), one investor sells part of her claim to a
// newcomer (债权转让), and each investor gets a statement.
//
//	go run ./examples/p2p
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/invest"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
	"github.com/lendcore/lendcore/storage/memory"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "p2p:", err)
		os.Exit(1)
	}
}

var (
	loanID   = uuid.MustParse("00000000-0000-4000-8000-000000000002")
	borrower = uuid.MustParse("00000000-0000-4000-8000-0000000000b2")
	booked   = time.Date(2029, time.December, 31, 9, 0, 0, 0, time.UTC)

	// The investors, by name for the printout.
	alice = uuid.MustParse("00000000-0000-4000-8000-00000000a11c")
	bob   = uuid.MustParse("00000000-0000-4000-8000-000000000b0b")
	carol = uuid.MustParse("00000000-0000-4000-8000-0000000ca201")
	dave  = uuid.MustParse("00000000-0000-4000-8000-000000000da5")
	names = map[uuid.UUID]string{alice: "alice", bob: "bob", carol: "carol", dave: "dave"}
)

func cny(s string) money.Amount { return money.MustParse(s, money.CNY) }

func day(m time.Month, d int) date.Date { return date.New(2026, m, d) }

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
	fee := policies.Investors.Servicing
	fmt.Fprintf(w, "platform servicing fee: %s of each receipt (%s)\n\n", fee.Rate.Percent(0), fee.Basis)

	// A listing of CNY 10,000 at 12 % for 12 months, equal installments.
	terms := schedule.Terms{Principal: cny("10000"), AnnualRate: money.MustRate("12%"),
		Method: schedule.EqualInstallment, Frequency: schedule.Monthly, Periods: 12,
		Start: day(time.January, 15), DayCount: schedule.Thirty360}
	var findings []loan.Finding
	for a := loan.BasicEligibility; a <= loan.Guarantees; a++ {
		findings = append(findings, loan.Finding{Area: a, Summary: "checked"})
	}
	if _, err := eng.Submit(ctx, loan.Request{ID: loanID, Terms: terms, Borrower: borrower,
		BorrowerKind: loan.Individual, Purpose: "consumption",
		Dossier:     loan.Dossier{Findings: findings, Investigators: [2]string{"zhang", "wang"}, SignedOn: day(time.January, 8)},
		SubmittedBy: "zhang", SubmittedOn: day(time.January, 9)}); err != nil {
		return err
	}
	if _, err := eng.Approve(ctx, loanID, loan.Action{Officer: "officer-li", On: day(time.January, 12)}, loan.Exposure{}); err != nil {
		return err
	}

	// Disbursement with the investors' funding: the Engine opens the
	// loan's investor book in the same unit of work.
	funding := []lendcore.Funding{
		{Investor: alice, Amount: cny("5000")},
		{Investor: bob, Amount: cny("3000")},
		{Investor: carol, Amount: cny("2000")},
	}
	if _, err := eng.Disburse(ctx, loanID, lendcore.Disbursement{Actor: "platform", IdempotencyKey: "disburse", Funding: funding}); err != nil {
		return err
	}
	fmt.Fprintf(w, "%s disbursed %s, funded by", terms.Start, terms.Principal)
	for _, f := range funding {
		fmt.Fprintf(w, " %s %s", names[f.Investor], f.Amount.Number())
	}
	fmt.Fprintln(w)

	// Installment 1 (888.49 = principal 788.49 + interest 100.00) is paid
	// on its due date; the daily close of that day passes it on.
	if err := repayAndDistribute(ctx, w, eng, day(time.February, 15)); err != nil {
		return err
	}

	// Alice sells 2,000 of her principal to Dave on 2026-03-01, at par:
	// principal plus the interest accrued since 2026-02-15.
	if _, err := eng.CloseOfDay(ctx, day(time.March, 1)); err != nil {
		return err
	}
	b, err := eng.Book(ctx, loanID)
	if err != nil {
		return err
	}
	t, err := eng.TransferClaim(ctx, loanID, invest.TransferRequest{Holding: b.HoldingsOf(alice)[0], Buyer: dave,
		Principal: cny("2000"), On: day(time.March, 1), Premium: money.Zero(money.CNY)})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%s claim transfer %s → %s: principal %s + accrued %s = price %s, seller fee %s, seller nets %s\n",
		t.On, names[t.Seller], names[t.Buyer], t.Principal.Number(), t.Accrued.Number(), t.Price.Number(),
		t.SellerFee.Number(), t.SellerNet().Number())

	// A transfer inside the blackout before a due date is refused, with
	// every broken rule listed.
	_, err = eng.TransferClaim(ctx, loanID, invest.TransferRequest{Holding: b.HoldingsOf(bob)[0], Buyer: dave,
		Principal: cny("1000"), On: day(time.March, 14), Premium: money.Zero(money.CNY)})
	fmt.Fprintf(w, "%s transfer bob → dave refused: %v\n", day(time.March, 14), err)

	// Installment 2 is paid on time; Dave receives the whole period's
	// interest on the claim he bought (he paid Alice the accrued part).
	if err := repayAndDistribute(ctx, w, eng, day(time.March, 15)); err != nil {
		return err
	}

	// Statements as of 2026-03-31, in the period running to 2026-04-15.
	asOf := day(time.March, 31)
	pos, err := eng.Position(ctx, loanID, asOf)
	if err != nil {
		return err
	}
	in := pos.Installments[pos.NextDue.Number-1]
	period := invest.Period{Start: in.From, Due: in.Due, AnnualRate: terms.AnnualRate, DayCount: terms.DayCount}
	if b, err = eng.Book(ctx, loanID); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nstatements as of %s (period %s..%s):\n", asOf, period.Start, period.Due)
	fmt.Fprintln(w, "  investor  received  fees   net      sales    purchases  outstanding  accrued")
	for _, inv := range []uuid.UUID{alice, bob, carol, dave} {
		s, err := b.Statement(inv, asOf, period)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %-8s %8s %6s %8s %8s %8s %12s %8s\n", names[inv], s.Received.Total().Number(), s.Fees.Number(),
			s.Net.Number(), s.Sales.Number(), s.Purchases.Number(), s.Outstanding.Number(), s.Accrued.Number())
	}
	fmt.Fprintf(w, "  book outstanding %s = loan principal balance %s\n", b.Outstanding().Number(), pos.PrincipalBalance.Number())

	msgs, err := eng.Store().Outbox().Pending(ctx, 1000)
	if err != nil {
		return err
	}
	kinds := map[string]int{}
	for _, m := range msgs {
		if m.Topic == lendcore.TopicInvestor {
			kind, _, _ := strings.Cut(m.Key, "/")
			kinds[kind]++
		}
	}
	fmt.Fprintf(w, "\noutbox for the platform to pay out: %d distributions, %d transfer\n", kinds["distribution"], kinds["transfer"])
	return nil
}

// repayAndDistribute posts the borrower's installment of 888.49 on its
// due date, runs that day's close, which passes it on to the investors,
// and lists every holding: what it holds now and what it has received so
// far, gross by component and net of the servicing fee.
func repayAndDistribute(ctx context.Context, w io.Writer, eng *lendcore.Engine, on date.Date) error {
	if _, err := eng.Post(ctx, loanID, loan.Entry{Kind: loan.Repayment, ValueDate: on, Actor: "bank-feed",
		IdempotencyKey: "pay-" + on.String(), Amount: cny("888.49")}); err != nil {
		return err
	}
	if _, err := eng.CloseOfDay(ctx, on); err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%s repayment CNY 888.49, distributed by the daily close:\n", on)
	b, err := eng.Book(ctx, loanID)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "  holding  investor  holds     principal  interest  fee    net")
	for _, h := range b.Holdings() {
		fmt.Fprintf(w, "  %-8d %-8s %8s %10s %9s %6s %7s\n", h.ID, names[h.Holder], h.Principal.Number(),
			h.Received.Principal.Number(), h.Received.Interest.Number(), h.Fees.Number(), h.Net().Number())
	}
	return nil
}
