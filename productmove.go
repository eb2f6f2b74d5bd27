package lendcore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/storage"
)

// ProductMove moves a loan to another product version or segment
// (MoveLoanProduct): an explicit, audited decision, never a side effect of
// publishing a version.
//
// A move changes the policies the daily close and commands apply to the
// loan from Effective on — classification, provisioning, inspection, the
// collection ladder, reminders, approval. It does not change the loan's
// contract: the servicing policy (waterfall, penalty, fees) and the
// investor book's policy stay those the loan was disbursed with, as they
// do when the Engine's policies change (see Policies); a new contract is
// a Restructure.
type ProductMove struct {
	// To is the product version and segment the loan moves to; version
	// 0 is the latest, fixed when the move is recorded.
	To ProductRef `json:"to"`
	// From is the product the loan was under; the Engine fills it in.
	From ProductRef `json:"from"`
	// Effective is the first business day the loan is under To: a day
	// the close has not closed yet, and not before an earlier move's.
	Effective date.Date `json:"effective"`
	// By is who decided the move, Reason why: both required.
	By     string `json:"by"`
	Reason string `json:"reason"`
	// BookedAt is when the move was recorded, by the Engine's clock.
	BookedAt time.Time `json:"booked_at"`
}

// ProductMoved is the payload of an outbox record of topic "product".
type ProductMoved struct {
	Loan uuid.UUID   `json:"loan"`
	Move ProductMove `json:"move"`
}

// MoveLoanProduct moves a loan to another product version (or segment)
// from m.Effective on, and records who and why with an outbox record, in
// one unit of work; it returns the move as recorded. Recording the same
// move again (a retry) returns the first. Errors: a *fault.Fields naming
// every bad field — "by", "reason", "effective", "to.name",
// "to.version", "to.segment", and the loan's "terms.*" outside the new
// version's ranges (wrapping ErrOutsideProduct or ErrInvalidInput);
// storage.ErrNotFound for an unknown loan.
func (e *Engine) MoveLoanProduct(ctx context.Context, id uuid.UUID, m ProductMove) (ProductMove, error) {
	bad := &fault.Fields{Kind: ErrInvalidInput}
	if m.By == "" {
		bad.Add("by", "is missing")
	}
	if m.Reason == "" {
		bad.Add("reason", "must say why the loan moves")
	}
	if m.Effective.IsZero() {
		bad.Add("effective", "is missing")
	}
	if m.To.Name == "" {
		bad.Add("to.name", "is missing")
	}
	if m.To.Version < 0 {
		bad.AddValue("to.version", m.To.Version, "must not be negative (0 is the latest)")
	}
	if err := bad.Err(); err != nil {
		return ProductMove{}, err
	}
	var out ProductMove
	err := e.command(ctx, "move loan product", func(tx storage.Tx) error {
		out = m
		out.BookedAt = e.clock()
		rec, err := tx.Loans().Get(ctx, id)
		if err != nil {
			return err
		}
		var moves []ProductMove
		for sm, err := range tx.Products().Moves(ctx, storage.MoveFilter{LoanID: id}) {
			if err != nil {
				return err
			}
			var mv ProductMove
			if err := guardedUnmarshal(sm.Document, &mv); err != nil {
				return fmt.Errorf("%w: loan %s product move %d: %v", storage.ErrCorrupt, id, sm.Seq, err)
			}
			moves = append(moves, mv)
		}
		st, err := storedState(&rec)
		if err != nil {
			return err
		}
		out.From = st.Product
		if n := len(moves); n > 0 {
			last := moves[n-1]
			if replay := last; replay.To.Name == m.To.Name && (m.To.Version == 0 || m.To.Version == last.To.Version) &&
				replay.To.Segment == m.To.Segment && replay.Effective == m.Effective && replay.By == m.By && replay.Reason == m.Reason {
				out = last
				return nil
			}
			out.From = last.To
		}
		bad := &fault.Fields{Kind: ErrOutsideProduct}
		closed, err := tx.Closes().Last(ctx)
		if err != nil {
			return err
		}
		if !closed.IsZero() && !m.Effective.After(closed) {
			bad.AddValue("effective", m.Effective, fmt.Sprintf("must be after %s, the last closed day: a move does not change days closed", closed))
		}
		if n := len(moves); n > 0 && m.Effective.Before(moves[n-1].Effective) {
			bad.AddValue("effective", m.Effective, fmt.Sprintf("must not be before %s, the loan's last move", moves[n-1].Effective))
		}
		p, err := e.product(ctx, tx, m.To.Name, m.To.Version)
		if err != nil {
			if !bad.Merge("to", stripProductPrefix(err)) {
				return err
			}
			return bad
		}
		out.To.Version = p.Version
		if _, ok := p.Segments[m.To.Segment]; m.To.Segment != "" && !ok {
			bad.AddValue("to.segment", m.To.Segment, fmt.Sprintf("product %s version %d declares no such segment", p.Name, p.Version))
		}
		l, err := e.decode(&rec)
		if err != nil {
			return err
		}
		terms := l.Terms()
		bad.Merge("", p.Terms.Check(&terms, "terms"))
		if out.To == out.From {
			bad.Add("to", "is the product the loan is under")
		}
		if err := bad.Err(); err != nil {
			return err
		}
		if _, err := e.policiesOf(ctx, tx, out.To); err != nil {
			return err
		}
		doc, err := json.Marshal(out)
		if err != nil {
			return err
		}
		seq := int64(len(moves) + 1)
		if err := tx.Products().Move(ctx, storage.ProductMove{LoanID: id, Seq: seq, Day: out.Effective, Document: doc}); err != nil {
			return err
		}
		msg, err := message(TopicProduct, fmt.Sprintf("product-move/%s/%d", id, seq), id, out.Effective, ProductMoved{Loan: id, Move: out})
		if err != nil {
			return err
		}
		_, err = tx.Outbox().Add(ctx, msg)
		return err
	})
	if err != nil {
		return ProductMove{}, err
	}
	e.log.Info("loan moved to another product", "loan", id, "to", out.To.Name, "version", out.To.Version, "effective", out.Effective)
	return out, nil
}

// stripProductPrefix renames the "product.*" fields of a lookup error to
// their names inside a move's "to".
func stripProductPrefix(err error) error {
	var f *fault.Fields
	if !errors.As(err, &f) {
		return err
	}
	out := &fault.Fields{Kind: f.Kind}
	for _, x := range f.List {
		if len(x.Name) > len("product.") && x.Name[:len("product.")] == "product." {
			x.Name = x.Name[len("product."):]
		}
		out.List = append(out.List, x)
	}
	return out
}

// closeMoves are the product moves in force on the day of a close, read
// once per replica and day (a lender moves few loans) and looked up per
// loan.
type closeMoves struct {
	once   sync.Once
	byLoan map[uuid.UUID][]ProductMove // in the order made
	err    error
}

// productOn returns the product a loan is under on day d: the last move
// in force by then, else ref, what its state says.
func (c *dayClose) productOn(ctx context.Context, id uuid.UUID, ref ProductRef, d date.Date) (ProductRef, error) {
	m := &c.moves
	m.once.Do(func() { m.byLoan, m.err = c.e.loadMoves(ctx, c.day) })
	if m.err != nil {
		return ref, m.err
	}
	for i := range m.byLoan[id] {
		if mv := &m.byLoan[id][i]; !mv.Effective.After(d) {
			ref = mv.To
		}
	}
	return ref, nil
}

// loadMoves reads every product move in force on day.
func (e *Engine) loadMoves(ctx context.Context, day date.Date) (map[uuid.UUID][]ProductMove, error) {
	out := map[uuid.UUID][]ProductMove{}
	for sm, err := range e.store.Products().Moves(ctx, storage.MoveFilter{Days: &storage.DateRange{To: day}}) {
		if err != nil {
			return nil, err
		}
		var mv ProductMove
		if err := guardedUnmarshal(sm.Document, &mv); err != nil {
			return nil, fmt.Errorf("%w: loan %s product move %d: %v", storage.ErrCorrupt, sm.LoanID, sm.Seq, err)
		}
		out[sm.LoanID] = append(out[sm.LoanID], mv)
	}
	return out, nil
}
