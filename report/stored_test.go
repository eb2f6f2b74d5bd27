package report_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/internal/sim"
	"github.com/lendcore/lendcore/report"
	"github.com/lendcore/lendcore/storage"
	"github.com/lendcore/lendcore/storage/memory"
)

// simulated runs a small simulation from 2025-01-01 to 2025-03-01 on a
// memory store and returns its Engine: January and February are recorded.
func simulated(t *testing.T) *lendcore.Engine {
	t.Helper()
	cfg := sim.DefaultConfig()
	cfg.Loans, cfg.Months, cfg.OriginationMonths, cfg.Investors = 30, 2, 2, 10
	clock := sim.NewClock(cfg.Start)
	e, err := lendcore.New(memory.New(), lendcore.WithLogger(slog.New(slog.DiscardHandler)),
		lendcore.WithPolicies(sim.Policies()), lendcore.WithClock(clock.Now))
	require.NoError(t, err)
	s, err := sim.New(cfg, clock, e)
	require.NoError(t, err)
	_, err = s.Run(context.Background(), nil, nil)
	require.NoError(t, err)
	return e
}

func fieldNames(t *testing.T, err error) []string {
	t.Helper()
	var f *fault.Fields
	require.ErrorAs(t, err, &f)
	var names []string
	for _, b := range f.List {
		names = append(names, b.Name)
	}
	return names
}

// Stored reads the month ends the close recorded; bad ranges, a store
// never closed and bad stored records are typed errors.
func TestStoredMonthEnds(t *testing.T) {
	ctx := context.Background()
	e := simulated(t)
	src := report.Stored{Engine: e, Title: "t"}
	jan, feb := date.New(2025, 1, 31), date.New(2025, 2, 28)

	f, err := report.Load(ctx, src, date.New(2025, 1, 1), date.New(2025, 12, 31))
	require.NoError(t, err)
	require.Len(t, f.Months, 2)
	assert.Equal(t, []date.Date{jan, feb}, []date.Date{f.Months[0].End, f.Months[1].End})
	assert.Nil(t, f.Months[0].Roll, "no month end before January")
	assert.NotNil(t, f.Months[1].Roll)
	var originated int64
	for _, m := range f.Months {
		originated += m.Originated
	}
	assert.Equal(t, int64(30), originated)

	// February alone keeps its flows since January.
	only, err := report.Load(ctx, src, date.New(2025, 2, 1), feb)
	require.NoError(t, err)
	require.Len(t, only.Months, 1)
	assert.Equal(t, f.Months[1], only.Months[0])

	_, err = report.Load(ctx, src, feb, jan)
	require.ErrorIs(t, err, report.ErrInvalidRange)
	assert.Equal(t, []string{"to"}, fieldNames(t, err))
	_, err = report.Load(ctx, src, date.New(2025, 3, 1), date.New(2025, 3, 31))
	require.ErrorIs(t, err, report.ErrNoMonthEnds, "March is not closed")
	_, err = report.Load(ctx, src, date.New(2025, 2, 1), date.New(2025, 2, 27))
	require.ErrorIs(t, err, report.ErrInvalidRange, "no month end in the range")

	never, err := lendcore.New(memory.New())
	require.NoError(t, err)
	_, err = report.Load(ctx, report.Stored{Engine: never}, jan, feb)
	require.ErrorIs(t, err, report.ErrNoMonthEnds, "a store never closed")
	_, err = report.Load(ctx, report.Stored{}, jan, feb)
	require.ErrorIs(t, err, report.ErrInvalidFigures)
	assert.Equal(t, []string{"engine"}, fieldNames(t, err))

	// March recorded with other buckets than January and February.
	rec, err := e.Store().MonthEnds().Get(ctx, feb)
	require.NoError(t, err)
	var other lendcore.MonthEndFigures
	require.NoError(t, json.Unmarshal(rec.Document, &other))
	other.Portfolio.Day = date.New(2025, 3, 31)
	other.Buckets[1].Name = "late"
	doc, err := json.Marshal(other)
	require.NoError(t, err)
	require.NoError(t, e.Store().MonthEnds().Add(ctx, storage.MonthEnd{Day: other.Portfolio.Day, Document: doc}))
	_, err = report.Load(ctx, src, jan, date.New(2025, 3, 31))
	require.ErrorIs(t, err, report.ErrInvalidFigures)
	assert.Equal(t, []string{"buckets"}, fieldNames(t, err))

	// April's record has no portfolio: the store is corrupt.
	apr := date.New(2025, 4, 30)
	require.NoError(t, e.Store().MonthEnds().Add(ctx, storage.MonthEnd{Day: apr, Document: []byte(`{"portfolio":{"day":"2025-04-30"}}`)}))
	_, err = report.Load(ctx, src, apr, apr)
	require.ErrorIs(t, err, storage.ErrCorrupt)
}
