package lendcore_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/storage/memory"
)

func TestPrototypeHelpersKeepTheControls(t *testing.T) {
	ctx := context.Background()
	p := lendcore.DefaultPolicies()
	p.Approval.Authority = lendcore.PrototypeAuthority("officer", cny("20000"))
	e, err := lendcore.New(memory.New(), lendcore.WithPolicies(p), lendcore.WithClock(fixedClock))
	require.NoError(t, err)

	r := request(uuid.New())
	r.Dossier = lendcore.PrototypeDossier(d(2024, 1, 10))
	_, err = e.Submit(ctx, r)
	require.NoError(t, err, "a complete dossier")

	// Four-eyes still holds: an investigator may not approve.
	_, err = e.Approve(ctx, r.ID, loan.Action{Officer: lendcore.PrototypeInvestigators[0], On: d(2024, 1, 12)}, loan.Exposure{})
	assert.Equal(t, fault.CodeRefused, fault.CodeOf(err), "%v", err)
	app, err := e.Approve(ctx, r.ID, loan.Action{Officer: "officer", On: d(2024, 1, 12)}, loan.Exposure{})
	require.NoError(t, err)
	assert.Equal(t, loan.Approved, app.Status())

	// And the officer's limit: 30,000 is above it.
	big := request(uuid.New())
	big.Dossier = lendcore.PrototypeDossier(d(2024, 1, 10))
	big.Terms.Principal = cny("30000")
	_, err = e.Submit(ctx, big)
	require.NoError(t, err)
	_, err = e.Approve(ctx, big.ID, loan.Action{Officer: "officer", On: d(2024, 1, 12)}, loan.Exposure{})
	assert.ErrorIs(t, err, loan.ErrAuthority)
}
