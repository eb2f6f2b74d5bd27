package sim

import (
	"context"
	"fmt"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
)

// check verifies the portfolio-wide invariants after a simulated day; the
// error names the loan, so a run can be replayed with the same seed.
func (s *Sim) check(ctx context.Context, day date.Date) error {
	received := money.Zero(money.CNY)
	for i := range s.plans {
		st := &s.state[i]
		if !st.opened {
			continue
		}
		p := &s.plans[i]
		l, err := s.eng.Loan(ctx, p.id)
		if err != nil {
			return err
		}
		pos, err := l.PositionAt(day)
		if err != nil {
			return fmt.Errorf("loan %s: %w", p.id, err)
		}
		// Every cent received is allocated to a component, recovered on a
		// written-off claim, held as credit or refunded.
		in := pos.Received.Sub(pos.Refunded)
		out := pos.Paid.Total().Add(pos.Recovered.Total()).Add(pos.Credit)
		if in.Minor() != out.Minor() {
			return fmt.Errorf("loan %s: received %s but allocated %s", p.id, in, out)
		}
		for _, inst := range pos.Installments {
			for _, a := range []money.Amount{inst.Outstanding.Principal, inst.Outstanding.Interest,
				inst.Outstanding.Penalty, inst.Outstanding.Fee, inst.Paid.Total()} {
				if a.IsNegative() {
					return fmt.Errorf("loan %s installment %d: negative component %s", p.id, inst.Number, a)
				}
			}
		}
		// Cash moved as money did (every posting is a balanced pair by
		// construction): in by
		// receipts, out by the disbursement and refunds.
		postings, err := l.Postings(day)
		if err != nil {
			return err
		}
		cashAcct := l.Policy().Accounts.Cash
		var cash int64
		for _, pst := range postings {
			if pst.Debit == cashAcct {
				cash += pst.Amount.Minor()
			}
			if pst.Credit == cashAcct {
				cash -= pst.Amount.Minor()
			}
		}
		if want := in.Minor() - l.Terms().Principal.Minor(); cash != want {
			return fmt.Errorf("loan %s: cash account moved %d, receipts less disbursement are %d", p.id, cash, want)
		}
		received = received.Add(pos.Received)
		if err := s.checkBook(ctx, p, &pos); err != nil {
			return err
		}
		// A grade never improves while days past due grow.
		ls, err := s.eng.State(ctx, p.id)
		if err != nil {
			return err
		}
		if st.lastDay == day.Add(-1) && ls.Day == day && ls.DPD > st.lastDPD && ls.Grade < st.lastGrade {
			return fmt.Errorf("loan %s: grade improved from %s to %s while days past due grew from %d to %d",
				p.id, st.lastGrade, ls.Grade, st.lastDPD, ls.DPD)
		}
		st.lastDay, st.lastDPD, st.lastGrade = ls.Day, ls.DPD, ls.Grade
	}
	if want := s.stats.Paid.Add(s.stats.Recoveries); received.Minor() != want.Minor() {
		return fmt.Errorf("the loans received %s in all, the borrowers paid %s", received, want)
	}
	if s.cfg.P2P > 0 {
		return s.checkCash(ctx)
	}
	return nil
}

// checkBook verifies a P2P loan's investor book after the day's close: the
// holdings sum to the loan's principal still owed (on the books or as a
// written-off claim), and what the investors received, fees included, is
// exactly what the close passed on.
func (s *Sim) checkBook(ctx context.Context, p *plan, pos *loan.Position) error {
	b, err := s.eng.Book(ctx, p.id)
	if err != nil {
		return fmt.Errorf("loan %s: investor book: %w", p.id, err)
	}
	st, err := s.eng.State(ctx, p.id)
	if err != nil {
		return err
	}
	owed := pos.PrincipalBalance.Add(pos.Claim.Principal)
	if got := b.Outstanding(); got != owed {
		return fmt.Errorf("loan %s: investors hold %s of principal, the loan owes %s", p.id, got, owed)
	}
	received := money.Zero(money.CNY)
	for _, h := range b.Holdings() {
		received = received.Add(h.Received.Total())
	}
	for _, c := range b.Claims() {
		received = received.Add(c.Recovered.Total())
	}
	if want := st.Distributed.Total(); received.Minor() != want.Minor() {
		return fmt.Errorf("loan %s: investors received %s (fees included), the close passed on %s", p.id, received, want)
	}
	return nil
}
