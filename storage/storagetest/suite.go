package storagetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage"
)

// Factory returns a fresh, empty store. It registers its own cleanup with
// tb.Cleanup (closing the store, dropping a database schema).
type Factory func(tb testing.TB) storage.Store

// PairFactory returns two stores on one fresh, empty database, as two
// replicas of a host service would open it (two connection pools, two
// processes' worth of state). An adapter without a database to share
// returns the same store twice.
type PairFactory func(tb testing.TB) (storage.Store, storage.Store)

// Run runs the whole conformance suite against stores made by newStore;
// its concurrency tests run every writer on one store (RunShared runs
// them across two).
func Run(t *testing.T, newStore Factory) {
	tests := []struct {
		name string
		fn   func(*testing.T, storage.Store)
	}{
		{"LoanRoundTrip", testLoanRoundTrip},
		{"DomainRoundTrip", testDomainRoundTrip},
		{"LoanCopies", testLoanCopies},
		{"LoanValidation", testLoanValidation},
		{"NotFound", testNotFound},
		{"AppendHeader", testAppendHeader},
		{"Conflict", testConflict},
		{"Idempotency", testIdempotency},
		{"UpdateIndex", testUpdateIndex},
		{"UpdateIndexFence", testUpdateIndexFence},
		{"ScanLoans", testScanLoans},
		{"ScanLoanIndex", testScanLoanIndex},
		{"ScanStops", testScanStops},
		{"ScanDuringWrites", testScanDuringWrites},
		{"Applications", testApplications},
		{"ScanApplications", testScanApplications},
		{"BookRoundTrip", testBookRoundTrip},
		{"BookAppend", testBookAppend},
		{"BookIdempotency", testBookIdempotency},
		{"BookValidation", testBookValidation},
		{"ScanBooks", testScanBooks},
		{"CollectionRoundTrip", testCollectionRoundTrip},
		{"CollectionValidation", testCollectionValidation},
		{"ScanCollections", testScanCollections},
		{"DebtorRoundTrip", testDebtorRoundTrip},
		{"DebtorVersions", testDebtorVersions},
		{"DebtorIdempotency", testDebtorIdempotency},
		{"DebtorValidation", testDebtorValidation},
		{"ScanContacts", testScanContacts},
		{"ReserveTotals", testReserveTotals},
		{"ReserveVersions", testReserveVersions},
		{"ReserveIdempotency", testReserveIdempotency},
		{"ReserveValidation", testReserveValidation},
		{"ScanMovements", testScanMovements},
		{"InspectionRoundTrip", testInspectionRoundTrip},
		{"InspectionVersions", testInspectionVersions},
		{"InspectionLast", testInspectionLast},
		{"InspectionValidation", testInspectionValidation},
		{"ScanInspections", testScanInspections},
		{"CollateralRoundTrip", testCollateralRoundTrip},
		{"CollateralVersions", testCollateralVersions},
		{"CollateralValidation", testCollateralValidation},
		{"ScanItems", testScanItems},
		{"ScanCovers", testScanCovers},
		{"ScanGuarantors", testScanGuarantors},
		{"ClosePlan", testClosePlan},
		{"CloseSave", testCloseSave},
		{"CloseFinish", testCloseFinish},
		{"CloseValidation", testCloseValidation},
		{"Outbox", testOutbox},
		{"OutboxScan", testOutboxScan},
		{"OutboxPurge", testOutboxPurge},
		{"OutboxHistory", testOutboxHistory},
		{"OutboxValidation", testOutboxValidation},
		{"TxCommit", testTxCommit},
		{"TxRollback", testTxRollback},
		{"TxPanic", testTxPanic},
		{"TxCancelled", testTxCancelled},
		{"TxFailedWriteKeepsTx", testTxFailedWrite},
		{"TxDone", testTxDone},
		{"AccountRoundTrip", testAccountRoundTrip},
		{"AccountPost", testAccountPost},
		{"AccountIdempotency", testAccountIdempotency},
		{"AccountValidation", testAccountValidation},
		{"ScanAccounts", testScanAccounts},
		{"AccountRunningBalance", testAccountRunningBalance},
		{"Listings", testListings},
		{"LineRoundTrip", testLineRoundTrip},
		{"LineVersions", testLineVersions},
		{"LineValidation", testLineValidation},
		{"MonthEnds", testMonthEnds},
		{"MonthEndsConcurrent", testMonthEndsConcurrent},
		{"MonthEndValidation", testMonthEndValidation},
		{"Products", testProducts},
		{"ProductValidation", testProductValidation},
		{"ProductMoves", testProductMoves},
		{"ScanLines", testScanLines},
		{"FactRoundTrip", testFactRoundTrip},
		{"FactVersions", testFactVersions},
		{"FactIdempotency", testFactIdempotency},
		{"FactValidation", testFactValidation},
		{"ScanFacts", testScanFacts},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newStore(t)) })
	}
	runConcurrent(t, func(tb testing.TB) (storage.Store, storage.Store) {
		s := newStore(tb)
		return s, s
	})
}

// RunShared runs the concurrency tests with half the writers on each of
// two stores on one database: what two replicas of a host service do.
func RunShared(t *testing.T, newPair PairFactory) { runConcurrent(t, newPair) }

func runConcurrent(t *testing.T, newPair PairFactory) {
	tests := []struct {
		name string
		fn   func(*testing.T, [2]storage.Store)
	}{
		{"ConcurrentSameLoan", testConcurrentSameLoan},
		{"ConcurrentManyLoans", testConcurrentManyLoans},
		{"ConcurrentIndexFence", testConcurrentIndexFence},
		{"ConcurrentApplications", testConcurrentApplications},
		{"ConcurrentBooks", testConcurrentBooks},
		{"ConcurrentCollections", testConcurrentCollections},
		{"ConcurrentDebtors", testConcurrentDebtors},
		{"ConcurrentReserveCredits", testConcurrentReserveCredits},
		{"ConcurrentPayouts", testConcurrentPayouts},
		{"ConcurrentInspections", testConcurrentInspections},
		{"ConcurrentCollateral", testConcurrentCollateral},
		{"ConcurrentCloseClaims", testConcurrentCloseClaims},
		{"ConcurrentClosePlan", testConcurrentClosePlan},
		{"ConcurrentOutbox", testConcurrentOutbox},
		{"ConcurrentTx", testConcurrentTx},
		{"ConcurrentAccounts", testConcurrentAccounts},
		{"ConcurrentBids", testConcurrentBids},
		{"ConcurrentLines", testConcurrentLines},
		{"ConcurrentFacts", testConcurrentFacts},
		{"ConcurrentRunningBalance", testConcurrentRunningBalance},
		{"ConcurrentProducts", testConcurrentProducts},
		{"ConcurrentProductMoves", testConcurrentProductMoves},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := newPair(t)
			tc.fn(t, [2]storage.Store{a, b})
		})
	}
}

// day is a short constructor for test dates.
func day(y, m, d int) date.Date { return date.New(y, time.Month(m), d) }

// amt parses an exact amount; the suite's literals are valid.
func amt(s string, c money.Currency) money.Amount { return money.MustParse(s, c) }

func cny(minor int64) money.Amount { return money.New(minor, money.CNY) }

// newLoan is an active CNY loan of a borrower of its own, with a small
// terms document and no journal.
func newLoan() storage.Loan {
	return storage.Loan{
		ID:       uuid.New(),
		Borrower: uuid.New(),
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

// doc returns a JSON document with non-ASCII text and insignificant white
// space, which must come back byte for byte.
func doc(format string, args ...any) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(`{ "note": "催收 记录", "v": `+format+` }`, args...))
}

// assertInvalid checks that err is bad input (ErrInvalid, a *fault.Fields)
// naming exactly the fields given, in any order.
func assertInvalid(t *testing.T, err error, fields ...string) {
	t.Helper()
	require.ErrorIs(t, err, storage.ErrInvalid)
	var v *fault.Fields
	require.True(t, errors.As(err, &v), "%v is not a *fault.Fields", err)
	var got []string
	for _, f := range v.List {
		got = append(got, f.Name)
	}
	assert.ElementsMatch(t, fields, got, "%v", err)
}

// assertScan runs scan with batch sizes 1, 2, 3 and the default and checks
// that each yields exactly want (keys of the records, in the order the port
// documents), so every record comes once whatever the batch boundaries;
// then that breaking out of the loop after the first record stops the
// scan.
func assertScan[T, K any](t *testing.T, name string, want []K, keyOf func(T) K, scan func(batch int) iter.Seq2[T, error]) {
	t.Helper()
	for _, batch := range []int{1, 2, 3, 0} {
		var got []K
		for v, err := range scan(batch) {
			require.NoError(t, err, "%s, batch %d", name, batch)
			got = append(got, keyOf(v))
		}
		if len(want) == 0 {
			assert.Empty(t, got, "%s, batch %d", name, batch)
		} else {
			assert.Equal(t, want, got, "%s, batch %d", name, batch)
		}
	}
	if len(want) > 1 {
		n := 0
		for _, err := range scan(1) {
			require.NoError(t, err)
			n++
			break
		}
		assert.Equal(t, 1, n, "%s: stopped after one", name)
	}
}

// byteOrder compares ids as the scans order them.
func byteOrder(a, b uuid.UUID) int {
	for i := range a {
		if a[i] != b[i] {
			return int(a[i]) - int(b[i])
		}
	}
	return 0
}
