package lendcore_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"

	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/internal/sim"
	"github.com/lendcore/lendcore/money"
)

// runMonthEnds runs a small simulation on n replicas of db and returns
// the month-end documents the close recorded, and the recoveries and
// loans originated the simulation counted at each month end.
func runMonthEnds(t *testing.T, db database, n int) ([]lendcore.MonthEndFigures, map[date.Date]sim.Stats) {
	t.Helper()
	ctx := context.Background()
	cfg := sim.DefaultConfig()
	cfg.Loans, cfg.Months, cfg.OriginationMonths, cfg.Investors = 60, 4, 3, 20
	clock := sim.NewClock(cfg.Start)
	var engs []*lendcore.Engine
	for i, st := range db.stores(t, n) {
		e, err := lendcore.New(st, lendcore.WithLogger(slog.New(slog.DiscardHandler)), lendcore.WithPolicies(sim.Policies()),
			lendcore.WithClock(clock.Now), lendcore.WithReplicaID(fmt.Sprintf("r%d", i)))
		require.NoError(t, err)
		engs = append(engs, e)
	}
	s, err := sim.New(cfg, clock, engs[0], engs[1:]...)
	require.NoError(t, err)
	stats := map[date.Date]sim.Stats{}
	_, err = s.Run(ctx, func(p lendcore.Portfolio, st sim.Stats) { stats[p.Day] = st }, nil)
	require.NoError(t, err)
	var out []lendcore.MonthEndFigures
	for f, err := range engs[0].MonthEnds(ctx, date.Date{}, date.Date{}) {
		require.NoError(t, err)
		out = append(out, f)
	}
	return out, stats
}

// TestCloseRecordsMonthEnds: the close records every month end once, with
// the day's portfolio, vintages that count every loan disbursed by then
// and the recoveries the simulation made; the records are the same on
// every database and with two replicas as with one.
func TestCloseRecordsMonthEnds(t *testing.T) {
	var first []lendcore.MonthEndFigures
	for _, db := range databases(t) {
		for _, n := range []int{1, 2} {
			t.Run(fmt.Sprintf("%s/%d", db.name, n), func(t *testing.T) {
				got, stats := runMonthEnds(t, db, n)
				require.Len(t, got, 4, "January to April 2025")
				for i, f := range got {
					end := date.New(2025, 1, 1).AddDate(0, i+1, 0).Add(-1)
					require.Equal(t, end, f.Portfolio.Day)
					st := stats[end]
					assert.Equal(t, st.Recoveries.Minor(), f.Recovered.Minor(), "%s: recovered to date", end)
					var loans int64
					for _, v := range f.Vintages {
						loans += v.Loans
						var worst int64
						for _, w := range v.Worst {
							worst += w
						}
						assert.Equal(t, v.Loans, worst+v.WrittenOff, "%s %s: every loan counted once", end, v.Cohort)
					}
					assert.Equal(t, int64(st.Originated), loans, "%s: every loan disbursed by then", end)
					assert.Equal(t, money.CNY, f.Portfolio.Snapshot.Currency)
				}
				if first == nil {
					first = got
				} else {
					assert.Equal(t, first, got, "the same records on every database and number of replicas")
				}
			})
		}
	}
}
