package lendcore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/invest"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
	"github.com/lendcore/lendcore/storage"
)

// Funding is one investor's share of a P2P loan's principal.
type Funding = invest.Funding

// fund opens the investor book of a newly disbursed P2P loan and pays the
// reserve's share in, in the disbursement's unit of work; with no funding
// the lender holds the loan alone and there is no book.
func (e *Engine) fund(ctx context.Context, tx storage.Tx, l *loan.Loan, f []Funding, p *policySet) error {
	if len(f) == 0 {
		return nil
	}
	bad := &fault.Fields{Kind: loan.ErrInvalidInput}
	sum := money.Zero(l.Currency())
	for i, x := range f {
		if !x.Amount.SameCurrency(sum) {
			bad.Addf(fmt.Sprintf("funding[%d].amount", i), "must be in %s, the loan's currency", l.Currency().Code())
			continue
		}
		sum = sum.Add(x.Amount)
	}
	if bad.Len() == 0 && sum != l.Terms().Principal {
		bad.Addf("funding", "sums to %s, the principal is %s", sum, l.Terms().Principal)
	}
	if err := bad.Err(); err != nil {
		return err
	}
	// The book keeps the investor policy it was opened under: a policy
	// changed later applies to new books, and old ones replay as they were.
	b, err := invest.OpenBook(l.ID(), l.Terms().Start, f, p.Investors)
	if err != nil {
		return err
	}
	open := b.Opening()
	doc, err := json.Marshal(open)
	if err != nil {
		return err
	}
	rec := storage.Book{LoanID: l.ID(), Currency: l.Currency(), Opened: open.On, Holders: b.Holders(), Document: doc}
	if err := tx.Books().Create(ctx, rec); err != nil {
		return err
	}
	return e.fundReserve(ctx, tx, l)
}

// openBook replays a stored book through package invest.
func (e *Engine) openBook(rec *storage.Book) (*invest.Book, error) {
	return e.openBookThrough(rec, len(rec.Ops))
}

// openBookThrough replays the opening and the first n operations.
func (e *Engine) openBookThrough(rec *storage.Book, n int) (*invest.Book, error) {
	open, ops, err := e.books.decode(rec, n)
	if err != nil {
		return nil, err
	}
	b, err := open.Open(rec.LoanID, ops...)
	if err != nil {
		return nil, fmt.Errorf("%w: investor book of %s: %w", storage.ErrCorrupt, rec.LoanID, err)
	}
	return b, nil
}

// decodeBook decodes a stored book's opening and its first n operations
// after the first from (which the caller already holds decoded).
func decodeBook(rec *storage.Book, from, n int, open *invest.Opening, ops []invest.BookOp) ([]invest.BookOp, error) {
	if from == 0 {
		if err := guardedUnmarshal(rec.Document, open); err != nil {
			return nil, fmt.Errorf("%w: investor book of %s: %v", storage.ErrCorrupt, rec.LoanID, err)
		}
	}
	for i := from; i < n; i++ {
		var op invest.BookOp
		if err := guardedUnmarshal(rec.Ops[i].Payload, &op); err != nil {
			return nil, fmt.Errorf("%w: investor book of %s, operation %d: %v", storage.ErrCorrupt, rec.LoanID, i+1, err)
		}
		ops = append(ops, op)
	}
	return ops, nil
}

// bookOp is the stored row of an operation on a book.
func bookOp(key string, op invest.BookOp) (storage.BookOp, error) {
	raw, err := json.Marshal(op)
	if err != nil {
		return storage.BookOp{}, err
	}
	return storage.BookOp{Key: key, Day: op.Day(), Kind: op.Kind(), Payload: raw}, nil
}

// Book returns a P2P loan's investor book: holdings, claims, receipts.
// Errors: storage.ErrNotFound when the loan has no investors.
func (e *Engine) Book(ctx context.Context, id uuid.UUID) (*invest.Book, error) {
	rec, err := e.store.Books().Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return e.openBook(&rec)
}

// bookCursor is a loan's investor book during one close: read once, at
// the first distribution, and written once, with the distributions of every
// day the close derives.
type bookCursor struct {
	loaded  bool
	rec     storage.Book
	book    *invest.Book // nil: the loan has no investors
	ops     []storage.BookOp
	credits []storage.Movement
}

// write returns the append of the distributions made, nil when none.
func (bk *bookCursor) write(id uuid.UUID) *storage.BookAppend {
	if len(bk.ops) == 0 {
		return nil
	}
	return &storage.BookAppend{LoanID: id, ExpectedVersion: bk.rec.Version, Ops: bk.ops, Holders: bk.book.Holders()}
}

// distribution computes the day's investor distribution of a funded loan:
// what the borrower's payments allocated (and recoveries) since the last
// distribution, by component. A component that went down (a reversal of a
// payment already passed on) is held back and netted against later
// payments, so investors are never paid a cent the loan did not receive.
// The book's new operation and what it paid the reserve on claims it took
// over go to bk, for the batch to write; the distribution's outbox records
// to msgs.
func (e *Engine) distribution(ctx context.Context, id uuid.UUID, pos *loan.Position, st *LoanState, day date.Date,
	bk *bookCursor, msgs *[]storage.Message) error {
	paid := pos.Paid.Add(pos.Recovered)
	delta := paid.Sub(st.Distributed)
	var give loan.Split
	for c := loan.Principal; c <= loan.Fee; c++ {
		if a := delta.Get(c); a.IsPositive() {
			give.Set(c, a)
		}
	}
	if give.Total().IsZero() {
		return nil
	}
	if !bk.loaded {
		rec, err := e.store.Books().Get(ctx, id)
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		bk.loaded = true
		if err == nil {
			bk.rec = rec
			if bk.book, err = e.openBook(&rec); err != nil {
				return err
			}
		}
	}
	if bk.book == nil {
		return nil
	}
	r := invest.Repayment{On: day, Paid: give}
	d, err := bk.book.Distribute(r)
	if err != nil {
		return err
	}
	row, err := bookOp("distribution/"+day.String(), invest.BookOp{Distribute: &r})
	if err != nil {
		return err
	}
	bk.ops = append(bk.ops, row)
	st.Distributed = st.Distributed.Add(give)
	m, err := message(TopicInvestor, fmt.Sprintf("distribution/%s/%d", id, d.Seq), id, day,
		InvestorEvent{Kind: "distribution", Distribution: d})
	if err != nil {
		return err
	}
	*msgs = append(*msgs, m)
	toReserve := d.PaidTo(ReserveID)
	if !toReserve.IsPositive() {
		return nil
	}
	mv := storage.Movement{Key: fmt.Sprintf("recovery/%s/%s", id, day), Kind: invest.EntryRecovery.String(),
		LoanID: id, Day: day, Amount: toReserve}
	rm, err := reserveMessage(mv)
	if err != nil {
		return err
	}
	*msgs = append(*msgs, rm)
	bk.credits = append(bk.credits, mv)
	return nil
}

// TransferClaim sells all or part of an investor's holding to another
// investor on req.On (债权转让) under the investor policy's eligibility
// rules; the price includes the interest accrued to that day. The
// transfer and its outbox record are written in one unit of work.
// Sending the same request again returns the first transfer.
func (e *Engine) TransferClaim(ctx context.Context, id uuid.UUID, req invest.TransferRequest) (invest.Transfer, error) {
	raw, err := json.Marshal(req)
	if err != nil {
		return invest.Transfer{}, fault.Invalid(invest.ErrInvalidInput, "request", err.Error())
	}
	key := "transfer/" + uuid.NewSHA1(id, raw).String()
	var out invest.Transfer
	err = e.command(ctx, "transfer claim", func(tx storage.Tx) error {
		brec, err := tx.Books().Get(ctx, id)
		if err != nil {
			return err
		}
		for i, op := range brec.Ops {
			if op.Key == key { // a retried command: the transfer it made
				out, err = e.replayTransfer(&brec, i)
				return err
			}
		}
		rec, err := tx.Loans().Get(ctx, id)
		if err != nil {
			return err
		}
		l, err := e.decode(&rec)
		if err != nil {
			return err
		}
		status, err := transferStatus(l, req.On)
		if err != nil {
			return err
		}
		b, err := e.openBook(&brec)
		if err != nil {
			return err
		}
		if out, err = b.Transfer(req, status); err != nil {
			return err
		}
		row, err := bookOp(key, invest.BookOp{Transfer: &invest.TransferOp{Request: req, Status: status}})
		if err != nil {
			return err
		}
		if _, _, err := tx.Books().Append(ctx, storage.BookAppend{LoanID: id, ExpectedVersion: brec.Version,
			Ops: []storage.BookOp{row}, Holders: b.Holders()}); err != nil {
			return err
		}
		if err := payClaimTransfer(ctx, tx, key, &out); err != nil {
			return err
		}
		m, err := message(TopicInvestor, key+"/"+id.String(), id, req.On, InvestorEvent{Kind: "transfer", Transfer: &out})
		if err != nil {
			return err
		}
		_, err = tx.Outbox().Add(ctx, m)
		return err
	})
	return out, err
}

// replayTransfer returns the transfer the i-th operation of a book made.
func (e *Engine) replayTransfer(rec *storage.Book, i int) (invest.Transfer, error) {
	b, err := e.openBookThrough(rec, i)
	if err != nil {
		return invest.Transfer{}, err
	}
	var op invest.BookOp
	if err := guardedUnmarshal(rec.Ops[i].Payload, &op); err != nil || op.Transfer == nil {
		return invest.Transfer{}, fmt.Errorf("%w: investor book of %s, operation %d", storage.ErrCorrupt, rec.LoanID, i+1)
	}
	return b.Transfer(op.Transfer.Request, op.Transfer.Status)
}

// transferStatus is what a claim transfer on day needs to know of the
// loan: its days past due and its running interest period.
func transferStatus(l *loan.Loan, day date.Date) (invest.LoanStatus, error) {
	pos, err := l.PositionAt(day)
	if err != nil {
		return invest.LoanStatus{}, err
	}
	status := invest.LoanStatus{DaysPastDue: pos.DaysPastDue}
	if pos.NextDue == nil {
		return status, fault.Invalid(invest.ErrInvalidInput, "on", "the loan has no running interest period on "+day.String())
	}
	in := pos.Installments[pos.NextDue.Number-1]
	terms := l.Terms()
	dc := terms.DayCount
	if dc == 0 {
		dc = schedule.Actual360 // the zero DayCount's documented meaning
	}
	status.Period = invest.Period{Start: in.From, Due: in.Due, AnnualRate: terms.AnnualRate, DayCount: dc}
	return status, nil
}
