package sim_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/internal/sim"
	"github.com/lendcore/lendcore/storage/memory"
)

// BenchmarkSimulate is the main job, `lendcore simulate`, on the memory
// store: the targets are for the default run (10,000 loans over 24
// months); -short runs a tenth of the loans over the same months.
func BenchmarkSimulate(b *testing.B) {
	cfg := sim.DefaultConfig()
	if testing.Short() {
		cfg.Loans = 1000
	}
	var days int64
	for b.Loop() {
		clock := sim.NewClock(cfg.Start)
		eng, err := lendcore.New(memory.New(), lendcore.WithLogger(slog.New(slog.DiscardHandler)),
			lendcore.WithPolicies(sim.Policies()), lendcore.WithClock(clock.Now))
		if err != nil {
			b.Fatal(err)
		}
		s, err := sim.New(cfg, clock, eng)
		if err != nil {
			b.Fatal(err)
		}
		st, err := s.Run(context.Background(), func(lendcore.Portfolio, sim.Stats) {}, nil)
		if err != nil {
			b.Fatal(err)
		}
		days += st.LoanDays
	}
	b.ReportMetric(float64(days)/b.Elapsed().Seconds(), "loan-days/s")
}
