package lendcore_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/storage/memory"
)

// The default cadence (classify.DefaultInspection, NF: bank practice)
// inspects a loan in good standing at least every three months: a loan
// disbursed 2024-01-15 and paid on time is due for inspection 2024-04-15;
// an inspection recorded 2024-04-20 restarts the cadence to 2024-07-20.
func TestInspectionCadence(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	ids := fixture(t, e, 4)
	id := ids[3] // pays its first three installments on time: current until 2024-05-15
	closeDays(t, e, d(2024, 1, 16), d(2024, 4, 19))
	assert.True(t, hasMessage(t, e, "inspection/"+id.String()+"/2024-04-15"))
	st, err := e.State(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, d(2024, 4, 15), st.InspectionDue)

	err = e.RecordInspection(ctx, id, classify.InspectionRecord{Date: d(2024, 4, 20), Inspector: "officer-7",
		Conclusion: classify.Satisfactory})
	require.NoError(t, err)
	closeDays(t, e, d(2024, 4, 20), d(2024, 4, 25))
	st, err = e.State(ctx, id)
	require.NoError(t, err)
	assert.True(t, st.InspectionDue.IsZero(), "inspected: nothing due")
	assert.Equal(t, d(2024, 4, 20), st.LastInspection)

	// A record without inspector or conclusion is refused, naming both.
	err = e.RecordInspection(ctx, id, classify.InspectionRecord{Date: d(2024, 4, 26)})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "inspector")
	assert.Contains(t, err.Error(), "conclusion")
	// One dated before the last is kept in the history and does not move
	// the cadence back; recording it again adds nothing.
	early := classify.InspectionRecord{Date: d(2024, 4, 1), Inspector: "x", Conclusion: classify.Concerns}
	require.NoError(t, e.RecordInspection(ctx, id, early))
	require.NoError(t, e.RecordInspection(ctx, id, early))
	history, err := e.Inspections(ctx, id)
	require.NoError(t, err)
	require.Len(t, history, 2)
	assert.Equal(t, d(2024, 4, 1), history[0].Date, "oldest first")
	closeDays(t, e, d(2024, 4, 26), d(2024, 4, 26))
	st, err = e.State(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, d(2024, 4, 20), st.LastInspection)

	// One dated after today (the Engine's clock) is refused.
	late := lateEngine(t)
	lid := uuid.New()
	openLoan(t, late, lid)
	err = late.RecordInspection(ctx, lid, classify.InspectionRecord{Date: d(2025, 7, 2), Inspector: "x", Conclusion: classify.Concerns})
	var bad *fault.Fields
	require.ErrorAs(t, err, &bad)
	assert.True(t, bad.Has("date"))
	assert.ErrorIs(t, err, classify.ErrInvalidInput)
	history, err = late.Inspections(ctx, lid)
	require.NoError(t, err)
	assert.Empty(t, history)
}

// lateEngine is an Engine whose clock reads 2025-06-30.
func lateEngine(t *testing.T) *lendcore.Engine {
	t.Helper()
	e, err := lendcore.New(memory.New(), lendcore.WithPolicies(testPolicies()), lendcore.WithClock(lateClock))
	require.NoError(t, err)
	return e
}

func hasMessage(t *testing.T, e *lendcore.Engine, key string) bool {
	t.Helper()
	msgs, err := e.Store().Outbox().Pending(context.Background(), 1_000_000)
	require.NoError(t, err)
	for _, m := range msgs {
		if m.Key == key {
			return true
		}
	}
	return false
}

// The portfolio's inspections due, with a good-standing cadence of 14
// days for the test: a loan disbursed on 2024-04-01 and never inspected
// falls due for its first inspection on 04-15, overdue once more than the
// default ten days have passed (on 04-26, not on 04-25); a loan inspected
// on 04-12 is not due by cadence, but a litigation fact on 04-20 turns it
// red and asks for a special inspection at once. Neither
// loan has an installment due before 05-01, so none is overdue.
func TestInspectionsDueAcrossPortfolio(t *testing.T) {
	ctx := context.Background()
	p := testPolicies()
	p.Inspection.Cadence[0] = classify.Cadence{Standing: classify.Good, Days: 14}
	e, err := lendcore.New(memory.New(), lendcore.WithPolicies(p), lendcore.WithClock(fixedClock))
	require.NoError(t, err)
	first, second, borrower := uuid.New(), uuid.New(), uuid.New()
	openBorrowerLoan(t, e, first, uuid.New(), loan.Individual, d(2024, 4, 1))
	openBorrowerLoan(t, e, second, borrower, loan.Individual, d(2024, 4, 1))
	require.NoError(t, e.RecordInspection(ctx, second, classify.InspectionRecord{Date: d(2024, 4, 12), Kind: classify.FirstInspection,
		Inspector: "officer-7", Conclusion: classify.Satisfactory}))
	require.NoError(t, e.RecordFact(ctx, borrower, classify.Fact{Kind: classify.LitigationFiled, Day: d(2024, 4, 20), Key: "suit",
		Source: "court", RecordedBy: "officer-7"}))
	due := func() map[string]classify.InspectionDue {
		out := map[string]classify.InspectionDue{}
		for d, err := range e.InspectionsDue(ctx) {
			require.NoError(t, err)
			out[d.Loan] = d
		}
		return out
	}
	closeDays(t, e, d(2024, 4, 2), d(2024, 4, 14))
	assert.Empty(t, due())
	closeDays(t, e, d(2024, 4, 15), d(2024, 4, 25))
	got := due()
	assert.Equal(t, classify.InspectionDue{Loan: first.String(), Due: d(2024, 4, 15), Reasons: classify.ByCadence,
		Kind: classify.FirstInspection, Overdue: false}, got[first.String()])
	assert.Equal(t, classify.InspectionDue{Loan: second.String(), Due: d(2024, 4, 20), Reasons: classify.ByWarning,
		Kind: classify.SpecialInspection, Overdue: false}, got[second.String()])
	closeDays(t, e, d(2024, 4, 26), d(2024, 4, 26))
	got = due()
	assert.True(t, got[first.String()].Overdue, "11 days after it fell due")
	assert.False(t, got[second.String()].Overdue, "6 days")
	assert.Equal(t, classify.ByWarning, got[second.String()].Reasons,
		"the litigation made it 关注, ordinary standing: by cadence not due until 05-12")
}
