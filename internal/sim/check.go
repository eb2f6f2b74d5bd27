package sim

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"

	"github.com/rickb777/date"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
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
		if err := s.checkLedger(p, l, &pos, postings); err != nil {
			return err
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

// book adds a delivered posting message to the host's ledger of its loan.
func (s *Sim) book(m *storage.Message) error {
	var p loan.Posting
	if err := json.Unmarshal(m.Payload, &p); err != nil {
		return fmt.Errorf("posting %s: %w", m.Key, err)
	}
	if s.ledgers == nil {
		s.ledgers = map[uuid.UUID]*lendcore.TrialBalance{}
	}
	tb := s.ledgers[m.LoanID]
	if tb == nil {
		tb = &lendcore.TrialBalance{}
		s.ledgers[m.LoanID] = tb
	}
	return tb.Post(m.LoanID, p)
}

// checkLedger verifies the host's ledger of a loan, built only from the
// posting messages the closes emitted (book): debits equal credits, every
// account holds what the loan's own postings folded to the day give, to
// the cent, and the receivables are the position's: principal, penalty
// and fees outstanding, the credit balance owed back, and interest fallen
// due and unpaid less interest paid ahead of its due date (plus what the
// policy books ahead of due dates: daily, the interest accrued to the
// day, unless the loan is in nonaccrual).
func (s *Sim) checkLedger(p *plan, l *loan.Loan, pos *loan.Position, postings []loan.Posting) error {
	tb := s.ledgers[p.id]
	if tb == nil {
		tb = &lendcore.TrialBalance{}
	}
	if !tb.Balanced() {
		return fmt.Errorf("loan %s: outbox ledger debits %s, credits %s", p.id, tb.Debits, tb.Credits)
	}
	want := lendcore.TrialBalance{}
	for _, x := range postings {
		if err := want.Post(p.id, x); err != nil {
			return err
		}
	}
	if len(want.Accounts) != len(tb.Accounts) {
		return fmt.Errorf("loan %s: outbox ledger %v, the loan's %v", p.id, tb.Accounts, want.Accounts)
	}
	for acc, a := range want.Accounts {
		if tb.Accounts[acc] != a {
			return fmt.Errorf("loan %s: outbox ledger %s %s, the loan's %s", p.id, acc, tb.Accounts[acc], a)
		}
	}
	pol := l.Policy()
	var interest int64
	for _, in := range pos.Installments {
		if in.Due.After(pos.AsOf) {
			interest -= in.Paid.Interest.Minor()
		} else {
			interest += in.Outstanding.Interest.Minor()
		}
	}
	checkInterest := true
	switch pol.Accrual.Frequency {
	case loan.AccrueDaily:
		interest += pos.AccruedInterest.Minor()
		checkInterest = pol.Accrual.NonaccrualDPD == 0
	case loan.AccrueMonthEnd:
		checkInterest = false // the month end's figure: checked against the loan's postings above
	}
	acc := &pol.Accounts
	for _, c := range []struct {
		account string
		want    int64
		check   bool
	}{
		{acc.LoansReceivable, pos.Outstanding.Principal.Minor(), true},
		{acc.InterestReceivable, interest, checkInterest},
		{acc.PenaltyReceivable, pos.Outstanding.Penalty.Minor(), true},
		{acc.FeeReceivable, pos.Outstanding.Fee.Minor(), true},
		{acc.Overpayment, -pos.Credit.Minor(), true},
	} {
		if got := tb.Accounts[c.account].Minor(); c.check && got != c.want {
			return fmt.Errorf("loan %s: outbox ledger %s %d, the position %d", p.id, c.account, got, c.want)
		}
	}
	return nil
}
