package lendcore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/invest"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
	"github.com/lendcore/lendcore/storage"
)

// scopeBook is the checkpoint scope of the investor books, keyed by loan id.
const scopeBook = "invest-book"

// Funding is one investor's share of a P2P loan's principal.
type Funding = invest.Funding

// bookDoc is a loan's investor book stored as its inputs: the funding and
// every operation since, replayed through package invest to rebuild it, so
// the stored form never disagrees with the package's rules.
type bookDoc struct {
	On       date.Date        `json:"on"`
	Fundings []invest.Funding `json:"fundings"`
	Ops      []bookOp         `json:"ops,omitempty"`
}

// bookOp is one operation on a book: a distribution or a claim transfer.
type bookOp struct {
	Distribute *invest.Repayment `json:"distribute,omitempty"`
	Transfer   *transferOp       `json:"transfer,omitempty"`
	Payout     *payoutOp         `json:"payout,omitempty"`
}

type transferOp struct {
	Request invest.TransferRequest `json:"request"`
	Status  invest.LoanStatus      `json:"status"`
}

// replay rebuilds the book from its document.
func (d *bookDoc) replay(id uuid.UUID, p invest.BookPolicy) (*invest.Book, error) {
	b, err := invest.NewBook(id, d.On, d.Fundings, p)
	if err != nil {
		return nil, err
	}
	for i, op := range d.Ops {
		switch {
		case op.Distribute != nil:
			_, err = b.Distribute(*op.Distribute)
		case op.Transfer != nil:
			_, err = b.Transfer(op.Transfer.Request, op.Transfer.Status)
		case op.Payout != nil:
			err = op.Payout.apply(b, invest.DefaultReservePolicy())
		}
		if err != nil {
			return nil, fmt.Errorf("%w: investor book of %s, operation %d: %w", storage.ErrCorrupt, id, i+1, err)
		}
	}
	return b, nil
}

// fund creates the investor book of a newly disbursed P2P loan; with no
// funding the lender holds the loan alone and there is no book.
func (e *Engine) fund(ctx context.Context, tx storage.Tx, l *loan.Loan, f []Funding) error {
	if len(f) == 0 {
		return nil
	}
	sum := money.Zero(l.Currency())
	for _, x := range f {
		if !x.Amount.SameCurrency(sum) {
			return fault.Invalid(loan.ErrInvalidInput, "funding", "amounts must be in "+l.Currency().Code())
		}
		sum = sum.Add(x.Amount)
	}
	if sum != l.Terms().Principal {
		return fault.Invalid(loan.ErrInvalidInput, "funding", fmt.Sprintf("sums to %s, the principal is %s", sum, l.Terms().Principal))
	}
	doc := bookDoc{On: l.Terms().Start, Fundings: f}
	if _, err := doc.replay(l.ID(), e.policies.Investors); err != nil {
		return err
	}
	if err := e.putBook(ctx, tx, l.ID(), &doc); err != nil {
		return err
	}
	return e.fundReserve(ctx, tx, l)
}

func (e *Engine) putBook(ctx context.Context, tx storage.Tx, id uuid.UUID, doc *bookDoc) error {
	return putDoc(ctx, tx, scopeBook, id.String(), doc.On, doc)
}

func (e *Engine) getBook(ctx context.Context, tx storage.Tx, id uuid.UUID) (*bookDoc, error) {
	cp, err := tx.Checkpoints().Get(ctx, scopeBook, id.String())
	if err != nil {
		return nil, err
	}
	var doc bookDoc
	if err := guardedUnmarshal(cp.Payload, &doc); err != nil {
		return nil, fmt.Errorf("%w: investor book of %s: %v", storage.ErrCorrupt, id, err)
	}
	return &doc, nil
}

// bookCache keeps each loan's replayed investor book keyed by the stored
// document's bytes: a daily distribution then appends one operation
// instead of replaying them all. A book is only reused while the store
// still holds exactly the bytes it was built from, so a unit of work that
// rolled back simply misses the cache.
type bookCache struct {
	mu sync.Mutex
	m  map[uuid.UUID]cachedBook
}

type cachedBook struct {
	raw  []byte
	doc  *bookDoc
	book *invest.Book
}

// loadBook returns a loan's book document and the book it replays to,
// for an update by the caller (who must then rememberBook what it stored).
func (e *Engine) loadBook(ctx context.Context, tx storage.Tx, id uuid.UUID) (*bookDoc, *invest.Book, error) {
	cp, err := tx.Checkpoints().Get(ctx, scopeBook, id.String())
	if err != nil {
		return nil, nil, err
	}
	e.books.mu.Lock()
	hit, ok := e.books.m[id]
	if ok {
		delete(e.books.m, id) // handed out for update: never shared
	}
	e.books.mu.Unlock()
	if ok && bytes.Equal(hit.raw, cp.Payload) {
		return hit.doc, hit.book, nil
	}
	var doc bookDoc
	if err := guardedUnmarshal(cp.Payload, &doc); err != nil {
		return nil, nil, fmt.Errorf("%w: investor book of %s: %v", storage.ErrCorrupt, id, err)
	}
	b, err := doc.replay(id, e.policies.Investors)
	if err != nil {
		return nil, nil, err
	}
	return &doc, b, nil
}

// rememberBook caches the book that the stored bytes raw replay to.
func (e *Engine) rememberBook(id uuid.UUID, raw []byte, doc *bookDoc, b *invest.Book) {
	e.books.mu.Lock()
	if e.books.m == nil {
		e.books.m = make(map[uuid.UUID]cachedBook)
	}
	e.books.m[id] = cachedBook{raw: raw, doc: doc, book: b}
	e.books.mu.Unlock()
}

// Book returns a P2P loan's investor book: holdings, claims, receipts.
// Errors: storage.ErrNotFound when the loan has no investors.
func (e *Engine) Book(ctx context.Context, id uuid.UUID) (*invest.Book, error) {
	doc, err := e.getBook(ctx, e.store, id)
	if err != nil {
		return nil, err
	}
	return doc.replay(id, e.policies.Investors)
}

// distribution computes the day's investor distribution of a funded loan:
// what the borrower's payments allocated (and recoveries) since the last
// distribution, by component. A component that went down (a reversal of a
// payment already passed on) is held back and netted against later
// payments, so investors are never paid a cent the loan did not receive.
// It also returns what the distribution paid the reserve on claims it took
// over, for the batch to credit.
func (e *Engine) distribution(ctx context.Context, id uuid.UUID, pos *loan.Position, st *LoanState, day date.Date) (*storage.Checkpoint, *storage.Message, money.Amount, error) {
	return e.distributionIn(ctx, e.store, id, pos, st, day)
}

func (e *Engine) distributionIn(ctx context.Context, tx storage.Tx, id uuid.UUID, pos *loan.Position, st *LoanState, day date.Date) (*storage.Checkpoint, *storage.Message, money.Amount, error) {
	paid := pos.Paid.Add(pos.Recovered)
	delta := paid.Sub(st.Distributed)
	var give loan.Split
	for c := loan.Principal; c <= loan.Fee; c++ {
		if a := delta.Get(c); a.IsPositive() {
			give.Set(c, a)
		}
	}
	var none money.Amount
	if give.Total().IsZero() {
		return nil, nil, none, nil
	}
	doc, b, err := e.loadBook(ctx, tx, id)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil, none, nil
	}
	if err != nil {
		return nil, nil, none, err
	}
	r := invest.Repayment{On: day, Paid: give}
	d, err := b.Distribute(r)
	if err != nil {
		return nil, nil, none, err
	}
	doc.Ops = append(doc.Ops, bookOp{Distribute: &r})
	payload, err := json.Marshal(doc)
	if err != nil {
		return nil, nil, none, err
	}
	e.rememberBook(id, payload, doc, b)
	st.Distributed = st.Distributed.Add(give)
	msg, err := message(TopicInvestor, fmt.Sprintf("distribution/%s/%d", id, d.Seq), id, day, d)
	if err != nil {
		return nil, nil, none, err
	}
	return &storage.Checkpoint{Scope: scopeBook, Key: id.String(), Day: day, Payload: payload}, &msg, d.PaidTo(ReserveID), nil
}

// TransferClaim sells all or part of an investor's holding to another
// investor on req.On (债权转让) under the investor policy's eligibility
// rules; the price includes the interest accrued to that day. The
// transfer and its outbox record are written in one unit of work.
func (e *Engine) TransferClaim(ctx context.Context, id uuid.UUID, req invest.TransferRequest) (invest.Transfer, error) {
	// Investor books are written by the daily close too; one at a time.
	e.closing.Lock()
	defer e.closing.Unlock()
	var out invest.Transfer
	err := e.store.WithTx(ctx, func(tx storage.Tx) error {
		rec, err := tx.Loans().Get(ctx, id)
		if err != nil {
			return err
		}
		l, err := e.cache.load(rec)
		if err != nil {
			return err
		}
		pos, err := l.PositionAt(req.On)
		if err != nil {
			return err
		}
		status := invest.LoanStatus{DaysPastDue: pos.DaysPastDue}
		if pos.NextDue == nil {
			return fault.Invalid(loan.ErrInvalidInput, "on", "the loan has no running interest period on "+req.On.String())
		}
		in := pos.Installments[pos.NextDue.Number-1]
		terms := l.Terms()
		dc := terms.DayCount
		if dc == 0 {
			dc = schedule.Actual360 // the zero DayCount's documented meaning
		}
		status.Period = invest.Period{Start: in.From, Due: in.Due, AnnualRate: terms.AnnualRate, DayCount: dc}
		doc, err := e.getBook(ctx, tx, id)
		if err != nil {
			return err
		}
		b, err := doc.replay(id, e.policies.Investors)
		if err != nil {
			return err
		}
		if out, err = b.Transfer(req, status); err != nil {
			return err
		}
		doc.Ops = append(doc.Ops, bookOp{Transfer: &transferOp{Request: req, Status: status}})
		if err := e.putBook(ctx, tx, id, doc); err != nil {
			return err
		}
		msg, err := message(TopicInvestor, fmt.Sprintf("transfer/%s/%d", id, len(doc.Ops)), id, req.On, out)
		if err != nil {
			return err
		}
		_, err = tx.Outbox().Add(ctx, msg)
		return err
	})
	return out, err
}
