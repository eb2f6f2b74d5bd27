package lifecycle_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/lifecycle"
)

type status string

func (s status) String() string { return string(s) }

type event string

func (e event) String() string { return string(e) }

var errIllegal = fault.New(fault.CodeTransition, "listing: illegal transition")

var listing = lifecycle.New("listing", errIllegal,
	lifecycle.Move[status, event]{From: "open", On: "fill", To: "full"},
	lifecycle.Move[status, event]{From: "open", On: "expire", To: "failed"},
	lifecycle.Move[status, event]{From: "full", On: "disburse", To: "disbursed"},
)

func TestNext(t *testing.T) {
	to, err := listing.Next("open", "fill")
	require.NoError(t, err)
	assert.Equal(t, status("full"), to)

	to, err = listing.Next("failed", "fill")
	assert.Equal(t, status("failed"), to, "an illegal move stays put")
	assert.ErrorIs(t, err, errIllegal)
	assert.EqualError(t, err, "listing: illegal transition: cannot fill a listing that is failed")
	assert.Equal(t, fault.CodeTransition, fault.CodeOf(err))

	assert.True(t, listing.Can("full", "disburse"))
	assert.False(t, listing.Can("full", "fill"))
	assert.Equal(t, []event{"fill", "expire"}, listing.Events("open"))
	assert.Len(t, listing.Moves(), 3)
	assert.Equal(t, "listing", listing.Machine())
}

func TestDuplicateRowPanics(t *testing.T) {
	assert.Panics(t, func() {
		lifecycle.New("x", errIllegal,
			lifecycle.Move[status, event]{From: "a", On: "go", To: "b"},
			lifecycle.Move[status, event]{From: "a", On: "go", To: "c"})
	})
}
