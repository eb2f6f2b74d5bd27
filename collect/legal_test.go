package collect_test

import (
	"testing"

	"github.com/lendcore/lendcore/collect"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProceedingLifecycle(t *testing.T) {
	p, err := collect.FileProceeding(loanID, loanID, "Huangpu District Court", day(2024, 3, 1), cny("52000"))
	require.NoError(t, err)
	require.NoError(t, p.AddRecovery(cny("0"), cny("1200"))) // filing fee
	require.NoError(t, p.Judge(day(2024, 7, 15), cny("50000")))
	require.NoError(t, p.Enforce(day(2024, 8, 20)))
	require.NoError(t, p.AddRecovery(cny("8000"), cny("300")))
	require.NoError(t, p.Conclude(day(2025, 2, 1), "enforcement terminated: no further assets (终结本次执行)"))

	// Recovered 8,000 against costs 1,200 + 300 = 1,500: net 6,500.
	assert.Equal(t, cny("6500"), p.Net())
	o := p.Outcome()
	assert.True(t, o.Unrecovered, "8,000 recovered of 50,000 awarded")
	assert.Equal(t, collect.Concluded, o.Status)

	err = p.Judge(day(2025, 3, 1), cny("1"))
	var te *collect.TransitionError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "concluded", te.From)
	assert.ErrorIs(t, p.AddRecovery(cny("1"), cny("0")), collect.ErrIllegalTransition)
}
