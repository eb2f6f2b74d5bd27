package loan

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/schedule"
)

// PositionInto over a reused, dirty Position gives exactly PositionAt: no
// field of an earlier, different loan's position survives.
func TestPositionIntoReusesWithoutLeaks(t *testing.T) {
	long := newTestLoan(t, testTerms(schedule.EqualPrincipal, 24), DefaultPolicy())
	wo := entry(WriteOff, day(2026, 9, 1), yuan("0"), "wo")
	wo.Approver, wo.Reason = "risk-committee", "uncollectible"
	mustPost(t, long, wo)
	short := newTestLoan(t, testTerms(schedule.EqualInstallment, 12), DefaultPolicy())
	mustPost(t, short, entry(Repayment, day(2026, 2, 15), yuan("500.00"), "p1"))

	var p Position
	require.NoError(t, long.PositionInto(&p, day(2026, 10, 1)))
	require.NotEmpty(t, p.Claim.Total().Minor())
	for _, d := range []int{1, 15, 20} {
		require.NoError(t, short.PositionInto(&p, day(2026, 3, d)))
		want := mustPos(t, short, day(2026, 3, d))
		assert.Equal(t, want, p, "2026-03-%02d", d)
	}
}

// BenchmarkPositionIntoTypical is BenchmarkPositionAtTypical through
// PositionInto reusing one Position, as the daily close folds its loans.
func BenchmarkPositionIntoTypical(b *testing.B) {
	l := benchLoan(b, 36, 12)
	asOf := day(2027, 2, 1)
	var p Position
	b.ReportAllocs()
	for b.Loop() {
		if err := l.PositionInto(&p, asOf); err != nil {
			b.Fatal(err)
		}
	}
	reportLoans(b)
}

// BenchmarkPositionAtTypical12 is the short end of "typical": a
// 12-installment loan with a dozen entries.
func BenchmarkPositionAtTypical12(b *testing.B) {
	l := benchLoan(b, 12, 12)
	benchPosition(b, l, day(2026, 12, 1))
}
