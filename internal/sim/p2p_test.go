package sim

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/account"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/storage/memory"
)

// TestP2PShare: half the loans listed and funded by bids through the
// investors' cash accounts, checked every day (checkCash): every listing
// fills and settles, the investors deposit, bid and withdraw, and the run
// is as deterministic as the default one.
func TestP2PShare(t *testing.T) {
	run := func() (Stats, *Sim) {
		cfg := small(3)
		cfg.P2P, cfg.Check = 50, true
		e, clock := engine(t, cfg)
		s, err := New(cfg, clock, e)
		require.NoError(t, err)
		st, err := s.Run(context.Background(), nil, nil)
		require.NoError(t, err)
		return st, s
	}
	st, s := run()
	assert.Equal(t, 40, st.Originated)
	assert.Equal(t, 20, st.Listings, "every other loan: 20 of 40")
	assert.GreaterOrEqual(t, st.Bids, 20)
	assert.Positive(t, st.Deposits)
	assert.Greater(t, st.Withdrawals, 20, "the borrowers' proceeds and the investors' month ends")
	again, _ := run()
	assert.Equal(t, st, again)

	// The investors got their distributions into their accounts.
	tot, err := s.eng.Store().Accounts().Totals(context.Background())
	require.NoError(t, err)
	assert.True(t, tot.Kinds[account.Distribution.String()].Amount.IsPositive())

	// checkCash catches a cent the simulation did not account for.
	ctx := context.Background()
	last := s.cfg.Start.AddDate(0, s.cfg.Months, 0)
	require.NoError(t, s.check(ctx, last))
	_, err = s.eng.Deposit(ctx, s.p2p.investors[0], lendcore.CashMove{Key: "stray", Day: last, Amount: money.New(1, money.CNY)})
	require.NoError(t, err)
	err = s.check(ctx, last)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the accounts hold")
}

// TestP2PShareOnReplicas: the P2P share on two Engines over one store
// passes the same checks.
func TestP2PShareOnReplicas(t *testing.T) {
	cfg := small(4)
	cfg.P2P, cfg.Check = 30, true
	clock := NewClock(cfg.Start)
	st := memory.New()
	var engs []*lendcore.Engine
	for i := range 2 {
		e, err := lendcore.New(st, lendcore.WithPolicies(Policies()), lendcore.WithClock(clock.Now),
			lendcore.WithReplicaID([]string{"a", "b"}[i]))
		require.NoError(t, err)
		engs = append(engs, e)
	}
	s, err := New(cfg, clock, engs[0], engs[1])
	require.NoError(t, err)
	stats, err := s.Run(context.Background(), nil, nil)
	require.NoError(t, err)
	assert.Equal(t, 12, stats.Listings, "30 % of 40")
}
