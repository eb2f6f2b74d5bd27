package loan

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/schedule"
)

// Posting to a clone leaves the original exactly as it was, and the other
// way round.
func TestCloneIsIndependent(t *testing.T) {
	l := newTestLoan(t, testTerms(schedule.EqualPrincipal, 12), DefaultPolicy())
	before, err := l.MarshalJSON()
	require.NoError(t, err)
	c := l.Clone()
	mustPost(t, c, entry(Repayment, day(2026, 2, 15), yuan("1120.00"), "pay-1"))
	after, err := l.MarshalJSON()
	require.NoError(t, err)
	assert.JSONEq(t, string(before), string(after), "the original is unchanged")
	assert.Equal(t, l.Version()+1, c.Version())

	mustPost(t, l, entry(Repayment, day(2026, 2, 20), yuan("100.00"), "pay-x"))
	assert.Equal(t, "pay-1", c.Journal()[c.Version()-1].IdempotencyKey, "the clone keeps its own journal")
	assert.Equal(t, "pay-x", l.Journal()[l.Version()-1].IdempotencyKey)
}
