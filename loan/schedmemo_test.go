package loan

import (
	"sync"
	"testing"

	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/schedule"
)

// memoLoan is a 24-month loan with a keep-installment prepayment, a
// backdated repayment before it (so the prepayment is re-amortised from
// different inputs) and a restructure with an extension.
func memoLoan(t *testing.T) *Loan {
	t.Helper()
	terms := testTerms(schedule.EqualInstallment, 24)
	terms.Principal = yuan("240000")
	l := newTestLoan(t, terms, DefaultPolicy())
	p := mustPos(t, l, terms.Start)
	for i := range 4 {
		mustPost(t, l, entry(Repayment, p.Installments[i].Due, p.Installments[i].Owed.Total(), "r"+string(rune('a'+i))))
	}
	pp := entry(Prepayment, day(2026, 6, 1), yuan("50000"), "pp")
	pp.Reamortize = KeepInstallment
	mustPost(t, l, pp)
	mustPost(t, l, entry(Repayment, day(2026, 5, 20), yuan("300"), "backdated"))
	rs := entry(Restructure, day(2026, 9, 1), yuan("0"), "rs")
	rs.Change, rs.Approver, rs.Reason = &Change{ExtendPeriods: 6}, "manager-1", "hardship"
	mustPost(t, l, rs)
	return l
}

// The memo of re-amortised schedules is a cache only: positions and
// postings are the same with it, without it, and on a second fold that
// reads it (issue 3: the fold is deterministic).
func TestReamortizationMemoChangesNothing(t *testing.T) {
	l := memoLoan(t)
	require.NotNil(t, l.memo)
	for _, asOf := range []date.Date{day(2026, 6, 1), day(2026, 8, 15), day(2027, 3, 1)} {
		withMemo := mustPos(t, l, asOf)
		again := mustPos(t, l, asOf)
		bare := *l
		bare.memo = nil
		without := mustPos(t, &bare, asOf)
		assert.Equal(t, without, withMemo, "as of %s", asOf)
		assert.Equal(t, withMemo, again, "as of %s", asOf)
		p1, err := l.Postings(asOf)
		require.NoError(t, err)
		p2, err := bare.Postings(asOf)
		require.NoError(t, err)
		assert.Equal(t, p2, p1)
	}
}

// Once a loan's prepayment and restructure have been folded, folding it
// again generates no schedule.
func TestReamortizationMemoGeneratesOnce(t *testing.T) {
	l := memoLoan(t)
	calls := 0
	saved := generate
	defer func() { generate = saved }()
	generate = func(t schedule.Terms) (*schedule.Schedule, error) { calls++; return saved(t) }
	mustPos(t, l, day(2027, 1, 1))
	assert.Zero(t, calls)
	l.memo = nil
	mustPos(t, l, day(2027, 1, 1))
	assert.Equal(t, 2, calls, "without the memo each re-amortisation generates its schedule")
}

// Readers may fold one loan at once (the Engine's cached loans): the memo
// locks. Run with -race.
func TestReamortizationMemoConcurrentReaders(t *testing.T) {
	l := memoLoan(t)
	want := mustPos(t, l, day(2027, 1, 1))
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 20 {
				p, err := l.PositionAt(day(2027, 1, 1))
				assert.NoError(t, err)
				assert.Equal(t, want, p)
			}
		})
	}
	wg.Wait()
}
