package lendcore

import (
	"testing"

	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/storage"
	"github.com/lendcore/lendcore/storage/memory"
)

// TestQuietOffFoldsClosedLoans: WithQuietShortcut(false) means every loan
// is folded every day, closed ones included.
func TestQuietOffFoldsClosedLoans(t *testing.T) {
	day := date.New(2024, 3, 2)
	rec := &storage.Loan{Version: 5}
	prev := LoanState{Status: loan.Closed, Version: 5, Day: day.Add(-1)}

	on, err := New(memory.New())
	require.NoError(t, err)
	assert.True(t, on.quiet(on.base, rec, &prev, day), "with the shortcut a final closed loan is carried over")

	off, err := New(memory.New(), WithQuietShortcut(false))
	require.NoError(t, err)
	assert.False(t, off.quiet(off.base, rec, &prev, day), "without the shortcut every loan is folded")
}
