package lendcore_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/uuid"
	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/storage"
	"github.com/lendcore/lendcore/storage/memory"
	"github.com/lendcore/lendcore/storage/sqlstore"
)

// journalOf returns the loan's journal, to show that a refused command
// left it as it was.
func journalOf(t *testing.T, e *lendcore.Engine, id uuid.UUID) []loan.Entry {
	t.Helper()
	l, err := e.Loan(context.Background(), id)
	require.NoError(t, err)
	return l.Journal()
}

// fieldsOf returns the bad fields of err, failing when it has none.
func fieldsOf(t *testing.T, err error) *fault.Fields {
	t.Helper()
	var bad *fault.Fields
	require.ErrorAs(t, err, &bad)
	return bad
}

func TestPostReportsEveryBadFieldAtOnce(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	id := uuid.New()
	openLoan(t, e, id)
	before := journalOf(t, e, id)

	// No idempotency key, no value date, no amount: three fields, each
	// with its own problem (a missing key used to hide the other two, and
	// a missing date read "before the disbursement").
	_, err := e.Post(ctx, id, loan.Entry{Kind: loan.Repayment, Actor: "bank-feed"})
	bad := fieldsOf(t, err)
	assert.ErrorIs(t, err, loan.ErrInvalidInput)
	for _, name := range []string{"idempotency_key", "value_date", "amount"} {
		assert.True(t, bad.Has(name), "%s is reported: %v", name, err)
	}
	f, _ := bad.Get("value_date")
	assert.Equal(t, "required", f.Problem)
	assert.False(t, bad.Has("id"), "the id is the Engine's to make: %v", err)
	assert.Equal(t, before, journalOf(t, e, id))
}

func TestPostRefusesValueDatesAfterTheClock(t *testing.T) {
	ctx := context.Background()
	// fixedClock reads 2030-01-01 09:00 UTC: today is 2030-01-01 in UTC
	// and 2030-01-01 (23:00) in UTC+14, where the day is latest.
	pay := func(day date.Date, key string) loan.Entry {
		return loan.Entry{Kind: loan.Repayment, ValueDate: day, Actor: "bank-feed", IdempotencyKey: key, Amount: cny("100")}
	}

	e := newEngine(t)
	id := uuid.New()
	openLoan(t, e, id)
	before := journalOf(t, e, id)
	_, err := e.Post(ctx, id, pay(d(2030, 1, 2), "ahead"))
	bad := fieldsOf(t, err)
	require.True(t, bad.Has("value_date"), "%v", err)
	assert.Equal(t, before, journalOf(t, e, id))

	// Together with the loan's own checks: both fields at once.
	en := pay(d(2031, 1, 2), "ahead-and-empty")
	en.Amount = cny("0")
	_, err = e.Post(ctx, id, en)
	bad = fieldsOf(t, err)
	assert.True(t, bad.Has("value_date") && bad.Has("amount"), "%v", err)

	_, err = e.Post(ctx, id, pay(d(2030, 1, 1), "today"))
	require.NoError(t, err, "today is accepted")

	// A host whose bank feed value-dates receipts two days ahead says so.
	p := testPolicies()
	p.Posting.FutureDays = 2
	lag, err := lendcore.New(memory.New(), lendcore.WithPolicies(p), lendcore.WithClock(fixedClock))
	require.NoError(t, err)
	id2 := uuid.New()
	openLoan(t, lag, id2)
	_, err = lag.Post(ctx, id2, pay(d(2030, 1, 3), "two-days-ahead"))
	require.NoError(t, err)
	_, err = lag.Post(ctx, id2, pay(d(2030, 1, 4), "three-days-ahead"))
	assert.True(t, fieldsOf(t, err).Has("value_date"))

	p.Posting.FutureDays = -1
	_, err = lendcore.New(memory.New(), lendcore.WithPolicies(p))
	assert.True(t, fieldsOf(t, err).Has("posting.future_days"), "%v", err)
}

func TestSecondDisbursementUnderAnotherKey(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	id := uuid.New()
	openLoan(t, e, id)
	before := journalOf(t, e, id)

	// The retry of the first disbursement returns the loan.
	l, err := e.Disburse(ctx, id, lendcore.Disbursement{Actor: "teller", IdempotencyKey: "disburse-" + id.String()})
	require.NoError(t, err)
	assert.Equal(t, id, l.ID())

	_, err = e.Disburse(ctx, id, lendcore.Disbursement{Actor: "teller", IdempotencyKey: "disburse-again"})
	var tr *fault.Transition
	require.ErrorAs(t, err, &tr)
	assert.Equal(t, fault.CodeTransition, fault.CodeOf(err))
	assert.Equal(t, before, journalOf(t, e, id))

	// Both of its fields missing: both reported.
	_, err = e.Disburse(ctx, id, lendcore.Disbursement{})
	bad := fieldsOf(t, err)
	assert.True(t, bad.Has("actor") && bad.Has("idempotency_key"), "%v", err)
}

func TestIdenticalResubmissionIsIdempotent(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	id := uuid.New()
	r := request(id)
	first, err := e.Submit(ctx, r)
	require.NoError(t, err)
	again, err := e.Submit(ctx, r)
	require.NoError(t, err, "a retry of the same request")
	assert.Equal(t, first.ID(), again.ID())
	assert.Equal(t, first.Status(), again.Status())

	// After the approval, a retry of the submission returns the
	// application as it is now.
	_, err = e.Approve(ctx, id, loan.Action{Officer: "approver", On: d(2024, 1, 12)}, loan.Exposure{})
	require.NoError(t, err)
	again, err = e.Submit(ctx, r)
	require.NoError(t, err)
	assert.Equal(t, loan.Approved, again.Status())

	other := r
	other.Purpose = "education"
	_, err = e.Submit(ctx, other)
	assert.ErrorIs(t, err, storage.ErrDuplicate)
	assert.Equal(t, fault.CodeDuplicate, fault.CodeOf(err))
	stored, err := e.Application(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, "consumption", stored.Request().Purpose, "the stored request is unchanged")
}

func TestPaymentOnAnApplicationNotDisbursed(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	id := uuid.New()
	_, err := e.Submit(ctx, request(id))
	require.NoError(t, err)
	_, err = e.Approve(ctx, id, loan.Action{Officer: "approver", On: d(2024, 1, 12)}, loan.Exposure{})
	require.NoError(t, err)

	_, err = e.Post(ctx, id, loan.Entry{Kind: loan.Repayment, ValueDate: d(2024, 2, 15), Actor: "bank-feed",
		IdempotencyKey: "pay-1", Amount: cny("888.49")})
	require.ErrorIs(t, err, lendcore.ErrNotDisbursed)
	var tr *fault.Transition
	require.ErrorAs(t, err, &tr)
	assert.Contains(t, err.Error(), "approved, not disbursed")
	assert.NotErrorIs(t, err, storage.ErrNotFound)

	// A read finds no loan, and says why.
	_, err = e.Position(ctx, id, d(2024, 2, 15))
	assert.ErrorIs(t, err, lendcore.ErrNotDisbursed)
	assert.ErrorIs(t, err, storage.ErrNotFound)
	_, err = e.State(ctx, id)
	assert.ErrorIs(t, err, lendcore.ErrNotDisbursed)
	assert.ErrorIs(t, err, storage.ErrNotFound)
	_, err = e.Loan(ctx, id)
	assert.ErrorIs(t, err, lendcore.ErrNotDisbursed)
	assert.Equal(t, fault.CodeNotFound, fault.CodeOf(err))
	assert.Contains(t, err.Error(), "approved, not disbursed")

	// An id nobody knows is still "not found".
	_, err = e.Post(ctx, uuid.New(), loan.Entry{Kind: loan.Repayment, ValueDate: d(2024, 2, 15), Actor: "bank-feed",
		IdempotencyKey: "pay-1", Amount: cny("888.49")})
	assert.ErrorIs(t, err, storage.ErrNotFound)

	// The application can still be disbursed: nothing was written.
	_, err = e.Disburse(ctx, id, lendcore.Disbursement{Actor: "teller", IdempotencyKey: "disburse"})
	require.NoError(t, err)
}

func TestStoreUsedBeforeMigrate(t *testing.T) {
	ctx := context.Background()
	open := map[string]func(t *testing.T) (*sqlstore.Store, error){
		"sqlite": func(t *testing.T) (*sqlstore.Store, error) {
			return sqlstore.OpenSQLite(filepath.Join(t.TempDir(), "fresh.db"))
		},
	}
	if os.Getenv(postgresDSNEnv) != "" {
		open["postgres"] = func(t *testing.T) (*sqlstore.Store, error) { return sqlstore.OpenPostgres(postgresSchema(t)) }
	}
	for name, open := range open {
		t.Run(name, func(t *testing.T) {
			s, err := open(t)
			require.NoError(t, err)
			t.Cleanup(func() { _ = s.Close() })
			e, err := lendcore.New(s, lendcore.WithPolicies(testPolicies()), lendcore.WithClock(fixedClock))
			require.NoError(t, err)

			_, err = e.Submit(ctx, request(uuid.New()))
			require.ErrorIs(t, err, storage.ErrNotMigrated)
			assert.Contains(t, err.Error(), "run Migrate")
			_, err = e.Post(ctx, uuid.New(), loan.Entry{Kind: loan.Repayment, ValueDate: d(2024, 2, 15), Actor: "bank-feed",
				IdempotencyKey: "pay-1", Amount: cny("1")})
			assert.ErrorIs(t, err, storage.ErrNotMigrated)
			_, err = e.CloseOfDay(ctx, d(2024, 2, 1))
			assert.ErrorIs(t, err, storage.ErrNotMigrated)
			_, _, err = e.LastClosed(ctx)
			assert.ErrorIs(t, err, storage.ErrNotMigrated)

			require.NoError(t, s.Migrate(ctx))
			_, err = e.Submit(ctx, request(uuid.New()))
			assert.NoError(t, err)
		})
	}
}

func TestStateBeforeTheFirstClose(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	id := uuid.New()
	openLoan(t, e, id)
	_, err := e.State(ctx, id)
	require.ErrorIs(t, err, lendcore.ErrNotClosed)
	assert.Equal(t, fault.CodeNotFound, fault.CodeOf(err))

	_, err = e.CloseOfDay(ctx, d(2024, 1, 20))
	require.NoError(t, err)
	st, err := e.State(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, d(2024, 1, 20), st.Day)
	assert.Equal(t, loan.Active, st.Status)
}
