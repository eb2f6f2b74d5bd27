package lendcore_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/uuid"
	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/collect"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/storage"
)

// migrated is the import of a loan the old system kept until 2024-05-10:
// request(id)'s terms (10,000 at 12 % for 12 months from 2024-01-15), the
// first installment paid on its due date, nothing since.
func migrated(id uuid.UUID) lendcore.LoanImport {
	return lendcore.LoanImport{ID: id, Borrower: uuid.NewSHA1(id, []byte("borrower")), Terms: request(id).Terms,
		ImportedBy: "migration", CutOver: d(2024, 5, 10),
		Journal: []loan.Entry{{Kind: loan.Repayment, ValueDate: d(2024, 2, 15), Actor: "old-system",
			IdempotencyKey: "old-tx-1001", Amount: cny("888.49")}}}
}

func TestImportedLoanContinuesAsIfItHadAlwaysBeenHere(t *testing.T) {
	ctx := context.Background()
	// The same loan lived here from its start, closed on 2024-06-01 (the
	// close derives every day it missed, as daily closes would have) ...
	native := newEngine(t)
	id := uuid.New()
	openLoan(t, native, id)
	for _, en := range migrated(id).Journal {
		_, err := native.Post(ctx, id, en)
		require.NoError(t, err)
	}
	_, err := native.CloseOfDay(ctx, d(2024, 6, 1))
	require.NoError(t, err)
	want, err := native.State(ctx, id)
	require.NoError(t, err)

	// ... and was migrated on its cut-over 2024-05-10, then closed on
	// 2024-06-01: the same state.
	imp := newEngine(t)
	l, err := imp.ImportLoan(ctx, migrated(id))
	require.NoError(t, err)
	assert.Equal(t, loan.Active, l.Status())
	assert.Len(t, l.Journal(), 2, "the disbursement and the payment")
	atCutOver, err := imp.State(ctx, id)
	require.NoError(t, err, "the import derives the state on the cut-over day")
	assert.Equal(t, d(2024, 5, 10), atCutOver.Day)
	assert.Equal(t, 56, atCutOver.DPD, "installment 2, due 2024-03-15, unpaid for 56 days")
	sameAsNative(t, want, imp, id, d(2024, 6, 1))
}

// TestImportedJournalWithFeesAndRestructures: a journal with a fee, a
// waiver and a restructure (展期 by six periods) comes in as it was, and
// the loan closes as the same loan kept here would.
func TestImportedJournalWithFeesAndRestructures(t *testing.T) {
	ctx := context.Background()
	id := uuid.New()
	im := migrated(id)
	im.Journal = append(im.Journal,
		loan.Entry{Kind: loan.FeeCharge, ValueDate: d(2024, 3, 20), Actor: "old-system", IdempotencyKey: "old-tx-1002",
			Amount: cny("50"), Reason: "late fee"},
		loan.Entry{Kind: loan.Waiver, ValueDate: d(2024, 3, 25), Actor: "old-system", IdempotencyKey: "old-tx-1003",
			Amount: cny("20"), Component: loan.Fee, Reason: "goodwill"},
		loan.Entry{Kind: loan.Restructure, ValueDate: d(2024, 4, 1), Actor: "old-system", Approver: "old-committee",
			IdempotencyKey: "old-tx-1004", Reason: "hardship", Change: &loan.Change{ExtendPeriods: 6, CapitalizeArrears: true}},
	)
	native := newEngine(t)
	openLoan(t, native, id)
	for _, en := range im.Journal {
		_, err := native.Post(ctx, id, en)
		require.NoError(t, err)
	}
	_, err := native.CloseOfDay(ctx, d(2024, 6, 1))
	require.NoError(t, err)
	want, err := native.State(ctx, id)
	require.NoError(t, err)

	imp := newEngine(t)
	_, err = imp.ImportLoan(ctx, im)
	require.NoError(t, err)
	sched, err := imp.Schedule(ctx, id, d(2024, 5, 10))
	require.NoError(t, err)
	assert.Len(t, sched, 18, "the restructured plan: 12 periods extended by 6")
	sameAsNative(t, want, imp, id, d(2024, 6, 1))
}

// sameAsNative closes the imported loan on day and compares its state
// with want, the state of the same loan kept here from its start.
func sameAsNative(t *testing.T, want lendcore.LoanState, imp *lendcore.Engine, id uuid.UUID, day date.Date) {
	t.Helper()
	ctx := context.Background()
	_, err := imp.CloseOfDay(ctx, day)
	require.NoError(t, err)
	got, err := imp.State(ctx, id)
	require.NoError(t, err)
	// The store's version differs: the import writes the whole journal
	// in one Create (version 1), the native loan took an Append per entry.
	assert.Equal(t, int64(1), got.Version)
	want.Version, got.Version = 0, 0
	a, _ := json.Marshal(want)
	b, _ := json.Marshal(got)
	assert.JSONEq(t, string(a), string(b))
	assert.Equal(t, want.Day, got.Day)

	// The old system's reminders and actions are not repeated: the
	// outbox holds nothing dated on or before the cut-over but postings.
	msgs, err := imp.Store().Outbox().Pending(ctx, 1000)
	require.NoError(t, err)
	for _, m := range msgs {
		if m.Topic != lendcore.TopicPosting {
			assert.True(t, m.Day.After(d(2024, 5, 10)), "%s %s %s", m.Topic, m.Day, m.Key)
		}
	}
}

func TestImportCarriesStageGradeAndPromises(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	id := uuid.New()
	im := migrated(id)
	im.Collection, im.CollectionSince = collect.LegalReview, d(2024, 5, 1)
	im.Grade = classify.Substandard
	im.Promises = []collect.Promise{{Collector: "old-collector", Made: d(2024, 5, 8), Due: d(2024, 5, 20), Amount: cny("1800")}}
	_, err := e.ImportLoan(ctx, im)
	require.NoError(t, err)

	st, err := e.State(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, collect.LegalReview, st.Collection)
	assert.Equal(t, d(2024, 5, 1), st.CollectionSince)
	assert.Equal(t, classify.Substandard, st.Grade)
	rec, err := e.Collection(ctx, id)
	require.NoError(t, err)
	require.Len(t, rec.Promises, 1)

	// The ladder moves on from legal review: the first close does not
	// start the loan again at M2, where 58 days past due alone would put it.
	_, err = e.CloseOfDay(ctx, d(2024, 5, 12))
	require.NoError(t, err)
	st, err = e.State(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, 58, st.DPD)
	assert.Equal(t, collect.LegalReview, st.Collection)
	assert.GreaterOrEqual(t, st.Grade, classify.Substandard, "held under the cure rules")
	found := false
	for row, err := range e.Loans(ctx, lendcore.LoanQuery{Collections: []collect.Stage{collect.LegalReview}}) {
		require.NoError(t, err)
		found = found || row.ID == id
	}
	assert.True(t, found, "the back office finds it in legal review")
}

func TestImportIsValidatedAsAWhole(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	id := uuid.New()
	im := migrated(id)
	im.Borrower = uuid.Nil
	im.CollectionSince = d(2024, 5, 1) // without a stage
	im.Journal = append(im.Journal,
		loan.Entry{Kind: loan.Repayment, ValueDate: d(2024, 3, 15), Actor: "old-system", IdempotencyKey: "old-tx-1002", Amount: cny("0")},
		loan.Entry{Kind: loan.Repayment, ValueDate: d(2024, 6, 15), Actor: "old-system", IdempotencyKey: "old-tx-1003", Amount: cny("888.49")},
		loan.Entry{Kind: loan.Disbursement, ValueDate: d(2024, 1, 15), Actor: "old-system", IdempotencyKey: "old-tx-1000", Amount: cny("10000")},
		loan.Entry{Kind: loan.Repayment, Actor: "old-system", Amount: cny("10")},
	)
	im.Promises = []collect.Promise{{Collector: "c", Made: d(2024, 5, 20), Due: d(2024, 5, 30), Amount: cny("100")}}
	_, err := e.ImportLoan(ctx, im)
	bad := fieldsOf(t, err)
	assert.ErrorIs(t, err, lendcore.ErrInvalidInput)
	for _, f := range []string{"borrower", "collection_since", "journal[1].amount", "journal[2].value_date", "journal[3].kind",
		"journal[4].value_date", "journal[4].idempotency_key", "promises[0].made"} {
		assert.True(t, bad.Has(f), "%s: %v", f, err)
	}
	_, err = e.Loan(ctx, id)
	assert.ErrorIs(t, err, storage.ErrNotFound, "nothing stored")

	late := migrated(id)
	late.CutOver = d(2031, 1, 1)
	_, err = e.ImportLoan(ctx, late)
	assert.True(t, fieldsOf(t, err).Has("cut_over"), "a cut-over after today: %v", err)
}

func TestImportAgain(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	id := uuid.New()
	first, err := e.ImportLoan(ctx, migrated(id))
	require.NoError(t, err)
	again, err := e.ImportLoan(ctx, migrated(id))
	require.NoError(t, err, "a retried migration batch")
	assert.Equal(t, first.Journal(), again.Journal())

	other := migrated(id)
	other.Journal[0].Amount = cny("500")
	_, err = e.ImportLoan(ctx, other)
	assert.ErrorIs(t, err, storage.ErrDuplicate)
}

// TestImportOnTwoReplicas: two Engines on one database import the same
// loan at once (a migration batch retried on another replica): one loan,
// and both get it.
func TestImportOnTwoReplicas(t *testing.T) {
	for _, db := range databases(t) {
		t.Run(db.name, func(t *testing.T) {
			ctx := context.Background()
			stores := db.stores(t, 2)
			var engines [2]*lendcore.Engine
			for i := range engines {
				var err error
				engines[i], err = lendcore.New(stores[i], lendcore.WithPolicies(testPolicies()), lendcore.WithClock(fixedClock))
				require.NoError(t, err)
			}
			id := uuid.New()
			errs := make(chan error, 2)
			for _, e := range engines {
				go func() {
					_, err := e.ImportLoan(ctx, migrated(id))
					errs <- err
				}()
			}
			for range engines {
				require.NoError(t, <-errs)
			}
			n := 0
			for row, err := range engines[0].Loans(ctx, lendcore.LoanQuery{}) {
				require.NoError(t, err)
				assert.Equal(t, id, row.ID)
				n++
			}
			assert.Equal(t, 1, n)
			l, err := engines[1].Loan(ctx, id)
			require.NoError(t, err)
			assert.Len(t, l.Journal(), 2)
		})
	}
}
