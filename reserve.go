package lendcore

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/invest"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
)

// The platform's risk reserve (风险准备金) is the list of its movements:
// contributions paid in by disbursements, recoveries on the claims it took
// over (credited by the close's batches) and compensation payouts (the
// close's portfolio step). Paying in only ever adds rows, so disbursements
// on many replicas never contend; a payout states the reserve version it
// read, so two payouts can never spend one balance.

// ReserveID is the payer id under which the Engine's reserve holds the
// claims it took over by compensation (代偿).
var ReserveID = uuid.NewSHA1(uuid.NameSpaceOID, []byte("lendcore/risk-reserve"))

// ReserveMovement is the payload of an outbox record of topic "reserve":
// one movement of the reserve, for the host's ledger. Unlike
// invest.ReserveEntry it carries no running balance: movements paid in by
// many replicas at once have no one order to run a balance in
// (ReserveState gives the balance).
type ReserveMovement struct {
	Kind   string       `json:"kind"` // "contribution", "payout", "recovery"
	Loan   uuid.UUID    `json:"loan"`
	Day    date.Date    `json:"day"`
	Amount money.Amount `json:"amount"` // positive in, negative out
}

// ReserveSummary is the risk reserve's balance and what went in and out
// since it was opened.
type ReserveSummary struct {
	Balance       money.Amount `json:"balance"`
	Contributions money.Amount `json:"contributions"`
	Payouts       money.Amount `json:"payouts"` // paid out, as a positive amount
	Recoveries    money.Amount `json:"recoveries"`
}

// ReserveState returns the risk reserve (zero amounts when the policies
// have none or nothing was paid in yet).
func (e *Engine) ReserveState(ctx context.Context) (ReserveSummary, error) {
	t, err := e.store.Reserve().Totals(ctx)
	if err != nil {
		return ReserveSummary{}, err
	}
	return ReserveSummary{Balance: t.Balance, Contributions: t.Contributions, Payouts: t.Payouts, Recoveries: t.Recoveries}, nil
}

// reserveMessage is the outbox record of a movement, keyed by the
// movement's own key.
func reserveMessage(m storage.Movement) (storage.Message, error) {
	return message(TopicReserve, "reserve/"+m.Key, m.LoanID, m.Day,
		ReserveMovement{Kind: m.Kind, Loan: m.LoanID, Day: m.Day, Amount: m.Amount})
}

// fundReserve pays the policy's share of a new P2P loan's principal into
// the reserve, in the disbursement's unit of work.
func (e *Engine) fundReserve(ctx context.Context, tx storage.Tx, l *loan.Loan) error {
	p := e.policies.Reserve
	if p == nil || p.LoanShare.IsZero() {
		return nil
	}
	amt, err := l.Terms().Principal.MulRate(p.LoanShare, p.Rounding)
	if err != nil || amt.IsZero() {
		return err
	}
	mv := storage.Movement{Key: "contribution/" + l.ID().String(), Kind: invest.EntryContribution.String(),
		LoanID: l.ID(), Day: l.Terms().Start, Amount: amt}
	if _, err := tx.Reserve().Add(ctx, storage.ReserveAdd{Movements: []storage.Movement{mv}}); err != nil {
		return err
	}
	m, err := reserveMessage(mv)
	if err != nil {
		return err
	}
	_, err = tx.Outbox().Add(ctx, m)
	return err
}

// compensate is the daily close's compensation pass (代偿): every loan
// with investors whose days past due reach a trigger of the reserve policy
// has its overdue installments (and at the last trigger its outstanding
// principal) paid to its investors from the reserve in the policy's order
// (invest.ReservePolicy.Order; by default oldest claims first), until the
// balance runs out; the reserve takes the claims over. Payouts,
// the books and the reserve are written in one unit of work; a re-run pays
// nothing twice (what was compensated is a claim in the book).
func (e *Engine) compensate(ctx context.Context, day date.Date) (int, error) {
	p := e.policies.Reserve
	if p == nil || len(p.Triggers) == 0 {
		return 0, nil
	}
	type candidate struct {
		id      uuid.UUID
		arrears invest.Arrears
	}
	var cands []candidate
	for rec, err := range e.store.Loans().Scan(ctx, storage.LoanFilter{NoDocument: true,
		Statuses:    []string{loan.Active.String(), loan.Accelerated.String()},
		DaysPastDue: &storage.IntRange{Min: p.Triggers[0].DaysPastDue, Max: p.Triggers[0].DaysPastDue - 1}}) {
		if err != nil {
			return 0, err
		}
		// A payout is due only when a trigger is reached or another
		// installment has just become overdue (it fell due yesterday).
		st, err := e.stateOf(&rec)
		if err != nil {
			return 0, err
		}
		if !atTrigger(p, st.DPD) && st.LastDue != day.Add(-1) {
			continue
		}
		l, err := e.loadLoan(ctx, &rec)
		if err != nil {
			return 0, err
		}
		pos, err := l.PositionAt(day)
		if err != nil {
			return 0, err
		}
		ar := invest.Arrears{DaysPastDue: pos.DaysPastDue}
		for _, in := range pos.Installments {
			if in.Due.Before(day) && (in.Outstanding.Principal.IsPositive() || in.Outstanding.Interest.IsPositive()) {
				ar.Overdue = append(ar.Overdue, invest.OverdueInstallment{Number: in.Number, Due: in.Due,
					Principal: in.Outstanding.Principal, Interest: in.Outstanding.Interest})
			}
		}
		cands = append(cands, candidate{rec.ID, ar})
	}
	if len(cands) == 0 {
		return 0, nil
	}
	var added int
	err := e.command(ctx, "compensate", func(tx storage.Tx) error {
		added = 0
		totals, err := tx.Reserve().Totals(ctx)
		if err != nil || !totals.Balance.IsPositive() {
			return err
		}
		r, err := invest.RestoreReserve(ReserveID, *p, totals.Balance)
		if err != nil {
			return err
		}
		books := map[uuid.UUID]*storage.Book{}
		var defaults []invest.Default
		for _, c := range cands {
			brec, err := tx.Books().Get(ctx, c.id)
			if err != nil {
				if isNotFound(err) {
					continue
				}
				return err
			}
			b, err := e.openBook(&brec)
			if err != nil {
				return err
			}
			books[c.id] = &brec
			defaults = append(defaults, invest.Default{Book: b, Arrears: c.arrears})
		}
		comps, err := r.Compensate(day, defaults)
		if err != nil || len(comps) == 0 {
			return err
		}
		appends := map[uuid.UUID]*storage.BookAppend{}
		var order []uuid.UUID
		var moves []storage.Movement
		var msgs []storage.Message
		for i, c := range comps {
			a := appends[c.Loan]
			if a == nil {
				brec := books[c.Loan]
				a = &storage.BookAppend{LoanID: c.Loan, ExpectedVersion: brec.Version}
				appends[c.Loan] = a
				order = append(order, c.Loan)
			}
			row, err := bookOp(fmt.Sprintf("payout/%s/%d", day, len(a.Ops)), c.Op())
			if err != nil {
				return err
			}
			a.Ops = append(a.Ops, row)
			mv := storage.Movement{Key: fmt.Sprintf("payout/%s/%s/%d", c.Loan, day, len(a.Ops)-1),
				Kind: invest.EntryPayout.String(), LoanID: c.Loan, Day: day, Amount: c.Payout.Total().Neg()}
			moves = append(moves, mv)
			cm, err := message(TopicInvestor, fmt.Sprintf("compensation/%s/%s/%d", c.Loan, day, i), c.Loan, day,
				InvestorEvent{Kind: "compensation", Compensation: c})
			if err != nil {
				return err
			}
			rm, err := reserveMessage(mv)
			if err != nil {
				return err
			}
			msgs = append(msgs, cm, rm)
		}
		for _, id := range order {
			a := appends[id]
			for _, d := range defaults {
				if d.Book.Loan() == id {
					a.Holders = d.Book.Holders()
				}
			}
			if _, _, err := tx.Books().Append(ctx, *a); err != nil {
				return err
			}
		}
		if _, err := tx.Reserve().Add(ctx, storage.ReserveAdd{ExpectedVersion: totals.Version, Movements: moves}); err != nil {
			return err
		}
		if err := creditInvestors(ctx, tx, msgs); err != nil {
			return err
		}
		added, err = tx.Outbox().Add(ctx, msgs...)
		return err
	})
	return added, err
}

func atTrigger(p *invest.ReservePolicy, dpd int) bool {
	for _, t := range p.Triggers {
		if t.DaysPastDue == dpd {
			return true
		}
	}
	return false
}
