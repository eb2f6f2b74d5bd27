package lendcore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/line"
)

// BenchmarkLineDrawdown measures drawdowns, each one unit of work that
// reads the line and its loans, files and disburses the loan and saves
// the line, on each database. A line takes 20 drawdowns of 100 and then
// a new line is opened, so the figure is that of a line with a few loans
// (each drawdown folds the line's loans to know what is outstanding).
// Report drawdowns/s.
func BenchmarkLineDrawdown(b *testing.B) {
	t := &testing.T{}
	for _, db := range databases(t) {
		b.Run(db.name, func(b *testing.B) {
			ctx := context.Background()
			e, err := lendcore.New(db.stores(b, 1)[0], lendcore.WithPolicies(testPolicies()), lendcore.WithClock(fixedClock))
			require.NoError(b, err)
			var l *line.Line
			b.ResetTimer()
			for i := range b.N {
				if i%20 == 0 {
					b.StopTimer()
					l, err = e.OpenLine(ctx, lineTerms(true), d(2024, 1, 10))
					require.NoError(b, err)
					b.StartTimer()
				}
				if _, err := drawOn(ctx, e, l.ID(), fmt.Sprint(i), "100", d(2024, 1, 15)); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "drawdowns/s")
		})
	}
}
