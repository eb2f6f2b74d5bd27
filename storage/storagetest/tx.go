package storagetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
)

// txWorld is what a unit-of-work test starts from: a loan with a book and
// a collection record, and two outbox messages, one delivered long ago.
type txWorld struct {
	existing, fresh uuid.UUID
}

var txDay = day(2024, 5, 1)

func newTxWorld(t *testing.T, s storage.Store) txWorld {
	ctx := context.Background()
	w := txWorld{existing: uuid.New(), fresh: uuid.New()}
	l := newLoan()
	l.ID = w.existing
	mustCreate(t, s, l)
	b := newBook()
	b.LoanID = w.existing
	require.NoError(t, s.Books().Create(ctx, b))
	_, err := s.Collections().Save(ctx, storage.Collection{LoanID: w.existing, Document: doc("0")})
	require.NoError(t, err)
	_, err = s.Outbox().Add(ctx,
		storage.Message{Key: "old-delivered", Topic: "t", Day: day(2024, 1, 1), Payload: []byte(`{}`)},
		storage.Message{Key: "old-pending", Topic: "t", Day: day(2024, 1, 1), Payload: []byte(`{}`)})
	require.NoError(t, err)
	require.NoError(t, s.Outbox().MarkDelivered(ctx, "old-delivered"))
	return w
}

// writeAll is a unit of work that writes through every repository: new
// records keyed by w.fresh, changes to the records of w.existing.
func writeAll(ctx context.Context, tx storage.Tx, w txWorld) error {
	l := newLoan()
	l.ID = w.fresh
	steps := []func() error{
		func() error { return tx.Loans().Create(ctx, l) },
		func() error {
			_, err := tx.Loans().Append(ctx, storage.Append{LoanID: w.existing, ExpectedVersion: 1, Status: "closed",
				Entries: []storage.Entry{repayment("tx", txDay, amt("500.00", money.CNY))}})
			return err
		},
		func() error {
			return tx.Loans().UpdateIndex(ctx, storage.IndexUpdate{LoanID: w.existing, Index: storage.LoanIndex{DaysPastDue: 9, AsOf: txDay}})
		},
		func() error { return tx.Applications().Create(ctx, newApplication(w.fresh)) },
		func() error {
			b := newBook()
			b.LoanID = w.fresh
			return tx.Books().Create(ctx, b)
		},
		func() error {
			_, _, err := tx.Books().Append(ctx, storage.BookAppend{LoanID: w.existing, ExpectedVersion: 1, Ops: []storage.BookOp{bookOp("tx", 1)}})
			return err
		},
		func() error {
			_, err := tx.Collections().Save(ctx, storage.Collection{LoanID: w.fresh, Document: doc("1")})
			return err
		},
		func() error {
			_, err := tx.Collections().Save(ctx, storage.Collection{LoanID: w.existing, Version: 1, Document: doc("2"), NextDeadline: txDay})
			return err
		},
		func() error {
			_, _, err := tx.Debtors().Save(ctx, storage.DebtorSave{ID: w.fresh, State: doc("1"),
				Contacts: []storage.Contact{contact("c", w.fresh, time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC))}})
			return err
		},
		func() error {
			_, err := tx.Reserve().Add(ctx, storage.ReserveAdd{Movements: []storage.Movement{movement("in", "contribution", w.fresh, 1, 100_00)}})
			if err != nil {
				return err
			}
			tot, err := tx.Reserve().Totals(ctx)
			if err != nil {
				return err
			}
			_, err = tx.Reserve().Add(ctx, storage.ReserveAdd{ExpectedVersion: tot.Version,
				Movements: []storage.Movement{movement("out", "payout", w.fresh, 2, -40_00)}})
			return err
		},
		func() error {
			i := newInspection(w.fresh, 1)
			i.ID = w.fresh
			_, err := tx.Inspections().Save(ctx, i)
			return err
		},
		func() error {
			_, err := tx.Collateral().SaveItem(ctx, storage.Item{ID: w.fresh, Status: "pledged", Loans: []uuid.UUID{w.fresh}, Document: doc("1")})
			return err
		},
		func() error {
			_, err := tx.Collateral().SaveCover(ctx, storage.Cover{LoanID: w.fresh, Call: "open", Document: doc("1")})
			return err
		},
		func() error {
			_, err := tx.Collateral().SaveGuarantor(ctx, storage.Guarantor{ID: w.fresh, Loans: []uuid.UUID{w.fresh}, Document: doc("1")})
			return err
		},
		func() error {
			ps, err := tx.Closes().Plan(ctx, txDay, 2)
			if err != nil {
				return err
			}
			p := ps[0]
			p.Owner, p.Done = "me", true
			if _, err := tx.Closes().Save(ctx, p); err != nil {
				return err
			}
			return tx.Closes().Finish(ctx, txDay)
		},
		func() error {
			_, err := tx.Outbox().Add(ctx, storage.Message{Key: "posting/" + w.fresh.String(), Topic: "posting",
				Day: txDay, Payload: []byte(`{}`)})
			return err
		},
		func() error { return tx.Outbox().MarkDelivered(ctx, "old-pending") },
		func() error {
			n, err := tx.Outbox().Purge(ctx, txDay)
			if err == nil && n != 2 {
				err = errors.New("storagetest: purge inside the unit of work deleted the wrong messages")
			}
			return err
		},
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// assertNothing checks that no trace of writeAll is visible.
func assertNothing(t *testing.T, s storage.Store, w txWorld) {
	t.Helper()
	ctx := context.Background()
	gone := func(name string, err error) {
		t.Helper()
		assert.ErrorIs(t, err, storage.ErrNotFound, name)
	}
	_, err := s.Loans().Get(ctx, w.fresh)
	gone("loan", err)
	l := mustGet(t, s, w.existing)
	assert.Equal(t, int64(1), l.Version)
	assert.Equal(t, "active", l.Status)
	assert.Empty(t, l.Journal)
	assert.Equal(t, storage.LoanIndex{}, l.Index)
	_, err = s.Applications().Get(ctx, w.fresh)
	gone("application", err)
	_, err = s.Books().Get(ctx, w.fresh)
	gone("book", err)
	b, err := s.Books().Get(ctx, w.existing)
	require.NoError(t, err)
	assert.Equal(t, int64(1), b.Version)
	assert.Empty(t, b.Ops)
	_, err = s.Collections().Get(ctx, w.fresh)
	gone("collection record", err)
	c, err := s.Collections().Get(ctx, w.existing)
	require.NoError(t, err)
	assert.Equal(t, int64(1), c.Version)
	assert.True(t, c.NextDeadline.IsZero())
	_, err = s.Debtors().Get(ctx, w.fresh, time.Time{})
	gone("debtor", err)
	assert.Equal(t, storage.ReserveTotals{}, totals(t, s))
	_, err = s.Inspections().Get(ctx, w.fresh)
	gone("inspection", err)
	_, err = s.Inspections().Last(ctx, w.fresh)
	gone("last inspection", err)
	_, err = s.Collateral().Item(ctx, w.fresh)
	gone("item", err)
	_, err = s.Collateral().Cover(ctx, w.fresh)
	gone("cover", err)
	_, err = s.Collateral().Guarantor(ctx, w.fresh)
	gone("guarantor", err)
	last, err := s.Closes().Last(ctx)
	require.NoError(t, err)
	assert.True(t, last.IsZero())
	_, err = s.Closes().Save(ctx, storage.ClosePart{Day: txDay, Part: 1, Parts: 2, Version: 1})
	gone("the day's plan", err)
	var keys []string
	for m, err := range s.Outbox().Scan(ctx, storage.MessageFilter{}) {
		require.NoError(t, err)
		keys = append(keys, m.Key)
		assert.Equal(t, m.Key == "old-delivered", m.Delivered, m.Key)
	}
	assert.Equal(t, []string{"old-delivered", "old-pending"}, keys, "the purge and the new message are undone")
}

// assertAll checks that everything writeAll wrote is visible.
func assertAll(t *testing.T, s storage.Store, w txWorld) {
	t.Helper()
	ctx := context.Background()
	l := mustGet(t, s, w.existing)
	assert.Equal(t, int64(2), l.Version)
	assert.Equal(t, "closed", l.Status)
	assert.Equal(t, 9, l.Index.DaysPastDue)
	mustGet(t, s, w.fresh)
	_, err := s.Applications().Get(ctx, w.fresh)
	assert.NoError(t, err)
	_, err = s.Books().Get(ctx, w.fresh)
	assert.NoError(t, err)
	b, err := s.Books().Get(ctx, w.existing)
	require.NoError(t, err)
	assert.Len(t, b.Ops, 1)
	c, err := s.Collections().Get(ctx, w.existing)
	require.NoError(t, err)
	assert.Equal(t, int64(2), c.Version)
	_, err = s.Collections().Get(ctx, w.fresh)
	assert.NoError(t, err)
	d, err := s.Debtors().Get(ctx, w.fresh, time.Time{})
	require.NoError(t, err)
	assert.Len(t, d.Contacts, 1)
	tot := totals(t, s)
	assert.Equal(t, cny(60_00), tot.Balance)
	assert.Equal(t, int64(1), tot.Version)
	_, err = s.Inspections().Last(ctx, w.fresh)
	assert.NoError(t, err)
	_, err = s.Collateral().Item(ctx, w.fresh)
	assert.NoError(t, err)
	_, err = s.Collateral().Cover(ctx, w.fresh)
	assert.NoError(t, err)
	_, err = s.Collateral().Guarantor(ctx, w.fresh)
	assert.NoError(t, err)
	last, err := s.Closes().Last(ctx)
	require.NoError(t, err)
	assert.Equal(t, txDay, last)
	var keys []string
	for m, err := range s.Outbox().Scan(ctx, storage.MessageFilter{}) {
		require.NoError(t, err)
		keys = append(keys, m.Key)
	}
	assert.Equal(t, []string{"posting/" + w.fresh.String()}, keys, "the old messages were delivered and purged")
}

func testTxCommit(t *testing.T, s storage.Store) {
	ctx := context.Background()
	w := newTxWorld(t, s)
	require.NoError(t, s.WithTx(ctx, func(tx storage.Tx) error {
		if err := writeAll(ctx, tx, w); err != nil {
			return err
		}
		// Reads inside the unit of work see its own writes.
		l, err := tx.Loans().Get(ctx, w.existing)
		if err != nil {
			return err
		}
		assert.Equal(t, int64(2), l.Version)
		tot, err := tx.Reserve().Totals(ctx)
		if err != nil {
			return err
		}
		assert.Equal(t, int64(2), tot.Movements)
		return nil
	}))
	assertAll(t, s, w)
}

var errBoom = errors.New("storagetest: boom")

func testTxRollback(t *testing.T, s storage.Store) {
	ctx := context.Background()
	w := newTxWorld(t, s)
	err := s.WithTx(ctx, func(tx storage.Tx) error {
		if err := writeAll(ctx, tx, w); err != nil {
			return err
		}
		return errBoom
	})
	require.ErrorIs(t, err, errBoom)
	assertNothing(t, s, w)
	// The same unit of work again commits: nothing of the first is left
	// to get in its way.
	require.NoError(t, s.WithTx(ctx, func(tx storage.Tx) error { return writeAll(ctx, tx, w) }))
	assertAll(t, s, w)
}

func testTxPanic(t *testing.T, s storage.Store) {
	ctx := context.Background()
	w := newTxWorld(t, s)
	assert.PanicsWithValue(t, "boom", func() {
		_ = s.WithTx(ctx, func(tx storage.Tx) error {
			if err := writeAll(ctx, tx, w); err != nil {
				return err
			}
			panic("boom")
		})
	})
	assertNothing(t, s, w)
}

// testTxCancelled: a context cancelled in the middle of a unit of work
// leaves nothing behind, whether fn notices (a later write fails) or not
// (fn returns nil and the commit must not happen).
func testTxCancelled(t *testing.T, s storage.Store) {
	for _, notice := range []bool{true, false} {
		w := newTxWorld(t, s)
		ctx, cancel := context.WithCancel(context.Background())
		err := s.WithTx(ctx, func(tx storage.Tx) error {
			if err := writeAll(ctx, tx, w); err != nil {
				return err
			}
			cancel()
			if notice {
				_, err := tx.Outbox().Add(ctx, storage.Message{Key: "late", Topic: "t", Day: txDay, Payload: []byte(`1`)})
				return err
			}
			return nil
		})
		cancel()
		require.Error(t, err, "notice=%v", notice)
		assertNothing(t, s, w)
	}
}

// testTxFailedWrite: a write that fails inside a unit of work (conflict,
// duplicate, not found, bad input) changes nothing by itself — not even
// the part of a batch it had got through — and leaves the unit usable, so
// the caller can go on and commit the rest.
func testTxFailedWrite(t *testing.T, s storage.Store) {
	ctx := context.Background()
	w := newTxWorld(t, s)
	other := newLoan()
	mustCreate(t, s, other)
	require.NoError(t, s.WithTx(ctx, func(tx storage.Tx) error {
		fails := []struct {
			name string
			err  error
			kind error
		}{}
		fail := func(name string, kind error, err error) {
			fails = append(fails, struct {
				name string
				err  error
				kind error
			}{name, err, kind})
		}
		_, err := tx.Loans().Append(ctx, storage.Append{LoanID: w.existing, ExpectedVersion: 7,
			Entries: []storage.Entry{repayment("x", day(2024, 1, 1), amt("1.00", money.CNY))}})
		fail("stale append", storage.ErrConflict, err)
		dup := newLoan()
		dup.ID = w.existing
		fail("create beside an existing loan", storage.ErrDuplicate, tx.Loans().Create(ctx, newLoanWithID(w.fresh), dup))
		fail("index batch with a stale fence", storage.ErrConflict, tx.Loans().UpdateIndex(ctx,
			storage.IndexUpdate{LoanID: other.ID, Index: storage.LoanIndex{DaysPastDue: 5, AsOf: txDay}},
			storage.IndexUpdate{LoanID: w.existing, PrevAsOf: txDay, Index: storage.LoanIndex{DaysPastDue: 6}}))
		_, err = tx.Reserve().Add(ctx, storage.ReserveAdd{Movements: []storage.Movement{movement("in", "contribution", w.fresh, 1, 1_00)}})
		require.NoError(t, err)
		_, err = tx.Reserve().Add(ctx, storage.ReserveAdd{Movements: []storage.Movement{
			movement("in2", "contribution", w.fresh, 1, 5_00), movement("in", "contribution", w.fresh, 1, 2_00)}})
		fail("reserve add with a duplicate", storage.ErrDuplicate, err)
		_, err = tx.Outbox().Add(ctx, storage.Message{Key: "new", Topic: "t", Day: txDay, Payload: []byte(`{}`)},
			storage.Message{Key: "old-pending", Topic: "other", Day: txDay, Payload: []byte(`{}`)})
		fail("outbox add with a duplicate", storage.ErrDuplicate, err)
		fail("mark delivered with an unknown key", storage.ErrNotFound, tx.Outbox().MarkDelivered(ctx, "old-pending", "unknown"))
		_, err = tx.Collections().Save(ctx, storage.Collection{LoanID: w.existing, Document: doc("9")})
		fail("collection at version 0", storage.ErrConflict, err)
		_, _, err = tx.Debtors().Save(ctx, storage.DebtorSave{ID: w.fresh, ExpectedVersion: 3, State: doc("1")})
		fail("debtor at a version", storage.ErrNotFound, err)
		_, err = tx.Closes().Save(ctx, storage.ClosePart{Day: txDay, Parts: 1, Version: 1})
		fail("close part not planned", storage.ErrNotFound, err)
		_, err = tx.Inspections().Save(ctx, storage.Inspection{})
		fail("bad inspection", storage.ErrInvalid, err)
		for _, f := range fails {
			assert.ErrorIs(t, f.err, f.kind, f.name)
		}

		// The unit goes on.
		_, err = tx.Loans().Append(ctx, storage.Append{LoanID: w.existing, ExpectedVersion: 1,
			Entries: []storage.Entry{repayment("y", day(2024, 1, 1), amt("2.00", money.CNY))}})
		if err != nil {
			return err
		}
		_, err = tx.Outbox().Add(ctx, storage.Message{Key: "after", Topic: "t", Day: txDay, Payload: []byte(`{}`)})
		return err
	}))
	got := mustGet(t, s, w.existing)
	require.Len(t, got.Journal, 1)
	assert.Equal(t, "y", got.Journal[0].IdempotencyKey)
	assert.Equal(t, storage.LoanIndex{}, got.Index)
	_, err := s.Loans().Get(ctx, w.fresh)
	assert.ErrorIs(t, err, storage.ErrNotFound, "the failed create left nothing")
	assert.Equal(t, storage.LoanIndex{}, mustGet(t, s, other.ID).Index, "the failed index batch left nothing")
	tot := totals(t, s)
	assert.Equal(t, cny(1_00), tot.Balance, "the failed reserve add left nothing")
	pending, err := s.Outbox().Pending(ctx, 10)
	require.NoError(t, err)
	var keys []string
	for _, m := range pending {
		keys = append(keys, m.Key)
	}
	assert.Equal(t, []string{"old-pending", "after"}, keys, "the failed outbox writes left nothing")
	c, err := s.Collections().Get(ctx, w.existing)
	require.NoError(t, err)
	assert.Equal(t, int64(1), c.Version)
	_, err = s.Debtors().Get(ctx, w.fresh, time.Time{})
	assert.ErrorIs(t, err, storage.ErrNotFound)
}

func newLoanWithID(id uuid.UUID) storage.Loan {
	l := newLoan()
	l.ID = id
	return l
}

// testTxDone: a Tx kept after its WithTx returned refuses every use with
// ErrTxDone, a scan included, and the store is not affected.
func testTxDone(t *testing.T, s storage.Store) {
	ctx := context.Background()
	w := newTxWorld(t, s)
	var kept storage.Tx
	require.NoError(t, s.WithTx(ctx, func(tx storage.Tx) error {
		kept = tx
		_, err := tx.Loans().Get(ctx, w.existing)
		return err
	}))
	_, err := kept.Loans().Get(ctx, w.existing)
	assert.ErrorIs(t, err, storage.ErrTxDone, "Loans.Get")
	assert.ErrorIs(t, kept.Loans().Create(ctx, newLoanWithID(w.fresh)), storage.ErrTxDone, "Loans.Create")
	_, err = kept.Books().Get(ctx, w.existing)
	assert.ErrorIs(t, err, storage.ErrTxDone, "Books.Get")
	_, err = kept.Collections().Save(ctx, storage.Collection{LoanID: w.fresh, Document: doc("1")})
	assert.ErrorIs(t, err, storage.ErrTxDone, "Collections.Save")
	_, err = kept.Reserve().Totals(ctx)
	assert.ErrorIs(t, err, storage.ErrTxDone, "Reserve.Totals")
	_, err = kept.Closes().Last(ctx)
	assert.ErrorIs(t, err, storage.ErrTxDone, "Closes.Last")
	_, err = kept.Outbox().Add(ctx, storage.Message{Key: "k", Topic: "t", Day: txDay, Payload: []byte(`{}`)})
	assert.ErrorIs(t, err, storage.ErrTxDone, "Outbox.Add")
	n := 0
	for _, err := range kept.Outbox().Scan(ctx, storage.MessageFilter{}) {
		assert.ErrorIs(t, err, storage.ErrTxDone, "Outbox.Scan")
		n++
	}
	assert.Equal(t, 1, n, "the scan yields the error once")
	_, err = s.Loans().Get(ctx, w.fresh)
	assert.ErrorIs(t, err, storage.ErrNotFound)
	pending, err := s.Outbox().Pending(ctx, 10)
	require.NoError(t, err)
	assert.Len(t, pending, 1)
}
