package storagetest

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
)

// writeAll is a unit of work touching every repository: a new loan, an
// append to an existing one, an application, an outbox message and a
// checkpoint.
func writeAll(ctx context.Context, tx storage.Tx, existing, fresh uuid.UUID) error {
	l := newLoan()
	l.ID = fresh
	if err := tx.Loans().Create(ctx, l); err != nil {
		return err
	}
	if _, err := tx.Loans().Append(ctx, storage.Append{LoanID: existing, ExpectedVersion: 1, Status: "closed",
		Entries: []storage.Entry{repayment("tx", day(2024, 5, 1), amt("500.00", money.CNY))}}); err != nil {
		return err
	}
	if err := tx.Loans().UpdateIndex(ctx, storage.IndexUpdate{LoanID: existing, Index: storage.LoanIndex{DaysPastDue: 9}}); err != nil {
		return err
	}
	if err := tx.Applications().Create(ctx, newApplication(fresh)); err != nil {
		return err
	}
	if _, err := tx.Outbox().Add(ctx, storage.Message{Key: "posting/" + fresh.String(), Topic: "posting",
		Day: day(2024, 5, 1), Payload: []byte(`{}`)}); err != nil {
		return err
	}
	return tx.Checkpoints().Put(ctx, storage.Checkpoint{Scope: "close", Key: fresh.String(), Day: day(2024, 5, 1)})
}

// assertNothing checks that no trace of writeAll is visible.
func assertNothing(t *testing.T, s storage.Store, existing, fresh uuid.UUID) {
	t.Helper()
	ctx := context.Background()
	_, err := s.Loans().Get(ctx, fresh)
	assert.ErrorIs(t, err, storage.ErrNotFound)
	l := mustGet(t, s, existing)
	assert.Equal(t, int64(1), l.Version)
	assert.Equal(t, "active", l.Status)
	assert.Empty(t, l.Journal)
	assert.Equal(t, 0, l.Index.DaysPastDue)
	_, err = s.Applications().Get(ctx, fresh)
	assert.ErrorIs(t, err, storage.ErrNotFound)
	pending, err := s.Outbox().Pending(ctx, 10)
	require.NoError(t, err)
	assert.Empty(t, pending)
	_, err = s.Checkpoints().Get(ctx, "close", fresh.String())
	assert.ErrorIs(t, err, storage.ErrNotFound)
}

func testTxCommit(t *testing.T, s storage.Store) {
	ctx := context.Background()
	existing, fresh := newLoan(), uuid.New()
	mustCreate(t, s, existing)
	require.NoError(t, s.WithTx(ctx, func(tx storage.Tx) error {
		if err := writeAll(ctx, tx, existing.ID, fresh); err != nil {
			return err
		}
		// Reads inside the unit of work see its own writes.
		l, err := tx.Loans().Get(ctx, existing.ID)
		if err != nil {
			return err
		}
		assert.Equal(t, int64(2), l.Version)
		return nil
	}))
	l := mustGet(t, s, existing.ID)
	assert.Equal(t, int64(2), l.Version)
	assert.Equal(t, "closed", l.Status)
	assert.Equal(t, 9, l.Index.DaysPastDue)
	_ = mustGet(t, s, fresh)
	pending, err := s.Outbox().Pending(ctx, 10)
	require.NoError(t, err)
	assert.Len(t, pending, 1)
}

var errBoom = errors.New("storagetest: boom")

func testTxRollback(t *testing.T, s storage.Store) {
	ctx := context.Background()
	existing, fresh := newLoan(), uuid.New()
	mustCreate(t, s, existing)
	err := s.WithTx(ctx, func(tx storage.Tx) error {
		if err := writeAll(ctx, tx, existing.ID, fresh); err != nil {
			return err
		}
		return errBoom
	})
	require.ErrorIs(t, err, errBoom)
	assertNothing(t, s, existing.ID, fresh)
}

func testTxPanic(t *testing.T, s storage.Store) {
	ctx := context.Background()
	existing, fresh := newLoan(), uuid.New()
	mustCreate(t, s, existing)
	assert.PanicsWithValue(t, "boom", func() {
		_ = s.WithTx(ctx, func(tx storage.Tx) error {
			if err := writeAll(ctx, tx, existing.ID, fresh); err != nil {
				return err
			}
			panic("boom")
		})
	})
	assertNothing(t, s, existing.ID, fresh)
}

// testTxCancelled: a context cancelled in the middle of a unit of work
// leaves nothing behind, whether fn notices (a later write fails) or not
// (fn returns nil and the commit must not happen).
func testTxCancelled(t *testing.T, s storage.Store) {
	for _, notice := range []bool{true, false} {
		existing, fresh := newLoan(), uuid.New()
		mustCreate(t, s, existing)
		ctx, cancel := context.WithCancel(context.Background())
		err := s.WithTx(ctx, func(tx storage.Tx) error {
			if err := writeAll(ctx, tx, existing.ID, fresh); err != nil {
				return err
			}
			cancel()
			if notice {
				_, err := tx.Outbox().Add(ctx, storage.Message{Key: "late", Topic: "t", Day: day(2024, 5, 1), Payload: []byte(`1`)})
				return err
			}
			return nil
		})
		cancel()
		require.Error(t, err, "notice=%v", notice)
		assertNothing(t, s, existing.ID, fresh)
		_, err = s.Loans().Get(context.Background(), existing.ID)
		require.NoError(t, err, "the store is usable after a cancelled unit of work")
	}
}

// testTxFailedWrite: a write that fails inside a unit of work (conflict,
// duplicate) leaves the unit usable and changes nothing by itself, so the
// caller can decide to go on and commit the rest.
func testTxFailedWrite(t *testing.T, s storage.Store) {
	ctx := context.Background()
	l := newLoan()
	mustCreate(t, s, l)
	require.NoError(t, s.WithTx(ctx, func(tx storage.Tx) error {
		_, err := tx.Loans().Append(ctx, storage.Append{LoanID: l.ID, ExpectedVersion: 7,
			Entries: []storage.Entry{repayment("x", day(2024, 1, 1), amt("1.00", money.CNY))}})
		assert.ErrorIs(t, err, storage.ErrConflict)
		assert.ErrorIs(t, tx.Loans().Create(ctx, l), storage.ErrDuplicate)
		_, err = tx.Loans().Append(ctx, storage.Append{LoanID: l.ID, ExpectedVersion: 1,
			Entries: []storage.Entry{repayment("y", day(2024, 1, 1), amt("2.00", money.CNY))}})
		return err
	}))
	got := mustGet(t, s, l.ID)
	require.Len(t, got.Journal, 1)
	assert.Equal(t, "y", got.Journal[0].IdempotencyKey)
}
