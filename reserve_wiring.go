package lendcore

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/invest"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
)

// The platform's risk reserve (风险准备金) is one document: its balance and
// ledger. It is written by disbursements (contributions), by the daily
// close's batches (recoveries on claims it took over) and by the close's
// compensation pass (payouts), always under reserveMu within this Engine.
const (
	scopeReserve = "invest-reserve"
	keyReserve   = "reserve"
)

// ReserveID is the payer id under which the Engine's reserve holds the
// claims it took over by compensation (代偿).
var ReserveID = uuid.NewSHA1(uuid.NameSpaceOID, []byte("lendcore/risk-reserve"))

// ReserveEntry is one movement of the reserve. Each is written to the
// outbox (topic "reserve") for the host's ledger; the reserve document
// keeps only the balance and totals, so it stays small.
type ReserveEntry struct {
	Kind    string       `json:"kind"` // "contribution", "payout", "recovery"
	Loan    uuid.UUID    `json:"loan"`
	On      date.Date    `json:"on"`
	Amount  money.Amount `json:"amount"` // positive in, negative out
	Balance money.Amount `json:"balance"`
}

// Reserve is the risk reserve's state: its balance and what went in and
// out since it was opened.
type Reserve struct {
	Balance       money.Amount `json:"balance"`
	Contributions money.Amount `json:"contributions"`
	Payouts       money.Amount `json:"payouts"` // paid out, as a positive amount
	Recoveries    money.Amount `json:"recoveries"`
	// Entries counts the movements; the n-th is outbox record
	// "reserve/<n>".
	Entries int `json:"entries"`

	pending []ReserveEntry // movements of the current unit of work
}

func (r *Reserve) post(kind string, id uuid.UUID, on date.Date, amt money.Amount) {
	r.Balance = r.Balance.Add(amt)
	switch kind {
	case "contribution":
		r.Contributions = r.Contributions.Add(amt)
	case "payout":
		r.Payouts = r.Payouts.Sub(amt)
	case "recovery":
		r.Recoveries = r.Recoveries.Add(amt)
	}
	r.Entries++
	r.pending = append(r.pending, ReserveEntry{Kind: kind, Loan: id, On: on, Amount: amt, Balance: r.Balance})
}

type reserveGuard struct{ mu sync.Mutex }

// ReserveState returns the risk reserve (the zero Reserve when the
// policies have none or nothing was paid in yet).
func (e *Engine) ReserveState(ctx context.Context) (Reserve, error) {
	r, err := e.getReserve(ctx, e.store)
	if err != nil {
		return Reserve{}, err
	}
	return *r, nil
}

func (e *Engine) getReserve(ctx context.Context, tx storage.Tx) (*Reserve, error) {
	r, err := getDoc[Reserve](ctx, tx, scopeReserve, keyReserve)
	return &r, err
}

// putReserve stores the reserve document and writes its new movements to
// the outbox, in tx.
func (e *Engine) putReserve(ctx context.Context, tx storage.Tx, r *Reserve, day date.Date) error {
	if err := putDoc(ctx, tx, scopeReserve, keyReserve, day, r); err != nil {
		return err
	}
	var err error
	msgs := make([]storage.Message, len(r.pending))
	first := r.Entries - len(r.pending) + 1
	for i, en := range r.pending {
		if msgs[i], err = message(TopicReserve, fmt.Sprintf("reserve/%d", first+i), en.Loan, en.On, en); err != nil {
			return err
		}
	}
	r.pending = nil
	if len(msgs) == 0 {
		return nil
	}
	_, err = tx.Outbox().Add(ctx, msgs...)
	return err
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
	r, err := e.getReserve(ctx, tx)
	if err != nil {
		return err
	}
	r.post("contribution", l.ID(), l.Terms().Start, amt)
	return e.putReserve(ctx, tx, r, l.Terms().Start)
}

// creditReserve records recoveries a batch's distributions paid the reserve.
func (e *Engine) creditReserve(ctx context.Context, tx storage.Tx, credits []ReserveEntry, day date.Date) error {
	r, err := e.getReserve(ctx, tx)
	if err != nil {
		return err
	}
	for _, c := range credits {
		r.post("recovery", c.Loan, c.On, c.Amount)
	}
	return e.putReserve(ctx, tx, r, day)
}

// compensate is the daily close's compensation pass (代偿): every loan
// with investors whose days past due reach a trigger of the reserve policy
// has its overdue installments (and at the last trigger its outstanding
// principal) paid to its investors from the reserve, oldest claims first,
// until the balance runs out; the reserve takes the claims over. Payouts,
// the books and the reserve are written in one unit of work; a re-run pays
// nothing twice (what was compensated is a claim in the book).
func (e *Engine) compensate(ctx context.Context, day date.Date) (int, error) {
	p := e.policies.Reserve
	if p == nil || len(p.Triggers) == 0 {
		return 0, nil
	}
	e.reserve.mu.Lock()
	defer e.reserve.mu.Unlock()
	type candidate struct {
		id   uuid.UUID
		doc  *bookDoc
		book *invest.Book
	}
	var cands []candidate
	var defaults []invest.Default
	for rec, err := range e.store.Loans().Scan(ctx, storage.LoanFilter{NoDocument: true,
		Statuses:    []string{loan.Active.String(), loan.Accelerated.String()},
		DaysPastDue: &storage.IntRange{Min: p.Triggers[0].DaysPastDue, Max: 1 << 30}}) {
		if err != nil {
			return 0, err
		}
		// A payout is due only when a trigger is reached or another
		// installment has just become overdue (it fell due yesterday).
		st, err := e.cache.state(&rec)
		if err != nil {
			return 0, err
		}
		if !atTrigger(p, st.DPD) && st.LastDue != day.Add(-1) {
			continue
		}
		doc, err := e.getBook(ctx, e.store, rec.ID)
		if errors.Is(err, storage.ErrNotFound) {
			continue
		}
		if err != nil {
			return 0, err
		}
		b, err := doc.replay(rec.ID, e.policies.Investors)
		if err != nil {
			return 0, err
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
		cands = append(cands, candidate{rec.ID, doc, b})
		defaults = append(defaults, invest.Default{Book: b, Arrears: ar})
	}
	if len(defaults) == 0 {
		return 0, nil
	}
	var added int
	err := e.store.WithTx(ctx, func(tx storage.Tx) error {
		state, err := e.getReserve(ctx, tx)
		if err != nil || !state.Balance.IsPositive() {
			return err
		}
		r, err := invest.NewReserve(ReserveID, state.Balance.Currency(), *p)
		if err != nil {
			return err
		}
		if err := r.Deposit(uuid.Nil, state.Balance, day); err != nil {
			return err
		}
		comps, err := r.Compensate(day, defaults)
		if err != nil {
			return err
		}
		var msgs []storage.Message
		touched := map[uuid.UUID]bool{}
		for i, c := range comps {
			for k := range cands {
				if cands[k].id == c.Loan {
					po := c.Payout
					cands[k].doc.Ops = append(cands[k].doc.Ops, bookOp{Payout: &payoutOp{Payer: ReserveID, Payout: po}})
					touched[c.Loan] = true
				}
			}
			state.post("payout", c.Loan, day, c.Payout.Total().Neg())
			m, err := message(TopicInvestor, fmt.Sprintf("compensation/%s/%s/%d", c.Loan, day, i), c.Loan, day, c)
			if err != nil {
				return err
			}
			msgs = append(msgs, m)
		}
		for _, c := range cands {
			if touched[c.id] {
				if err := e.putBook(ctx, tx, c.id, c.doc); err != nil {
					return err
				}
			}
		}
		if len(comps) == 0 {
			return nil
		}
		if err := e.putReserve(ctx, tx, state, day); err != nil {
			return err
		}
		added, err = tx.Outbox().Add(ctx, msgs...)
		return err
	})
	return added, err
}

// payoutOp is a compensation payout in a book's operations.
type payoutOp struct {
	Payer  uuid.UUID     `json:"payer"`
	Payout invest.Payout `json:"payout"`
}

// apply replays the payout on b with a throwaway reserve holding exactly
// the payout: the book's side of the compensation is all that is stored.
func (op *payoutOp) apply(b *invest.Book, p invest.ReservePolicy) error {
	r, err := invest.NewReserve(op.Payer, b.Currency(), p)
	if err != nil {
		return err
	}
	if err := r.Deposit(uuid.Nil, op.Payout.Total(), op.Payout.On); err != nil {
		return err
	}
	_, err = r.Pay(b, op.Payout)
	return err
}

func atTrigger(p *invest.ReservePolicy, dpd int) bool {
	for _, t := range p.Triggers {
		if t.DaysPastDue == dpd {
			return true
		}
	}
	return false
}
