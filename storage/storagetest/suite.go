package storagetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
)

// Factory returns a fresh, empty store. It registers its own cleanup with
// tb.Cleanup (closing the store, dropping a database schema).
type Factory func(tb testing.TB) storage.Store

// Run runs the whole conformance suite against stores made by newStore.
func Run(t *testing.T, newStore Factory) {
	t.Run("LoanRoundTrip", func(t *testing.T) { testLoanRoundTrip(t, newStore(t)) })
	t.Run("DomainRoundTrip", func(t *testing.T) { testDomainRoundTrip(t, newStore(t)) })
	t.Run("LoanCopies", func(t *testing.T) { testLoanCopies(t, newStore(t)) })
	t.Run("LoanValidation", func(t *testing.T) { testLoanValidation(t, newStore(t)) })
	t.Run("NotFound", func(t *testing.T) { testNotFound(t, newStore(t)) })
	t.Run("AppendHeader", func(t *testing.T) { testAppendHeader(t, newStore(t)) })
	t.Run("Conflict", func(t *testing.T) { testConflict(t, newStore(t)) })
	t.Run("Idempotency", func(t *testing.T) { testIdempotency(t, newStore(t)) })
	t.Run("UpdateIndex", func(t *testing.T) { testUpdateIndex(t, newStore(t)) })
	t.Run("Applications", func(t *testing.T) { testApplications(t, newStore(t)) })
	t.Run("Outbox", func(t *testing.T) { testOutbox(t, newStore(t)) })
	t.Run("Checkpoints", func(t *testing.T) { testCheckpoints(t, newStore(t)) })
	t.Run("TxCommit", func(t *testing.T) { testTxCommit(t, newStore(t)) })
	t.Run("TxRollback", func(t *testing.T) { testTxRollback(t, newStore(t)) })
	t.Run("TxPanic", func(t *testing.T) { testTxPanic(t, newStore(t)) })
	t.Run("TxCancelled", func(t *testing.T) { testTxCancelled(t, newStore(t)) })
	t.Run("TxFailedWriteKeepsTx", func(t *testing.T) { testTxFailedWrite(t, newStore(t)) })
	t.Run("ConcurrentSameLoan", func(t *testing.T) { testConcurrentSameLoan(t, newStore(t)) })
	t.Run("ConcurrentManyLoans", func(t *testing.T) { testConcurrentManyLoans(t, newStore(t)) })
	t.Run("ScanLoans", func(t *testing.T) { testScanLoans(t, newStore(t)) })
	t.Run("ScanStops", func(t *testing.T) { testScanStops(t, newStore(t)) })
	t.Run("ScanApplications", func(t *testing.T) { testScanApplications(t, newStore(t)) })
}

// day is a short constructor for test dates.
func day(y, m, d int) date.Date { return date.New(y, time.Month(m), d) }

// amt parses an exact amount; the suite's literals are valid.
func amt(s string, c money.Currency) money.Amount { return money.MustParse(s, c) }

// newLoan is an active CNY loan with a small terms document and no journal.
func newLoan() storage.Loan {
	return storage.Loan{
		ID:       uuid.New(),
		Status:   "active",
		Currency: money.CNY,
		Document: json.RawMessage(`{"principal":"CNY 12000.00","periods":12}`),
	}
}

// repayment is a journal entry paying a of the loan on d.
func repayment(key string, d date.Date, a money.Amount) storage.Entry {
	p, _ := json.Marshal(map[string]any{"kind": "repayment", "key": key, "amount": a})
	return storage.Entry{ID: uuid.New(), IdempotencyKey: key, ValueDate: d, Kind: "repayment", Amount: a, Payload: p}
}

func mustCreate(t testing.TB, s storage.Store, ls ...storage.Loan) {
	t.Helper()
	require.NoError(t, s.Loans().Create(context.Background(), ls...))
}

func mustGet(t testing.TB, s storage.Store, id uuid.UUID) storage.Loan {
	t.Helper()
	l, err := s.Loans().Get(context.Background(), id)
	require.NoError(t, err)
	return l
}

// appendOne appends e at the loan's current version, retrying on conflict.
func appendOne(ctx context.Context, s storage.Store, id uuid.UUID, e storage.Entry) (storage.AppendResult, error) {
	for {
		l, err := s.Loans().Get(ctx, id)
		if err != nil {
			return storage.AppendResult{}, err
		}
		res, err := s.Loans().Append(ctx, storage.Append{LoanID: id, ExpectedVersion: l.Version, Entries: []storage.Entry{e}})
		if err == nil || !isConflict(err) {
			return res, err
		}
	}
}

func isConflict(err error) bool { return errors.Is(err, storage.ErrConflict) }

func key(format string, args ...any) string { return fmt.Sprintf(format, args...) }
