package schedule_test

import (
	"fmt"
	"testing"

	"github.com/lendcore/lendcore/schedule"
)

// BenchmarkGenerate carries issue 2's targets: 360 periods in ≤ 50 µs and
// ≤ 800 allocations, 12 periods in ≤ 3 µs.
func BenchmarkGenerate(b *testing.B) {
	methods := []schedule.Method{schedule.EqualInstallment, schedule.EqualPrincipal, schedule.InterestOnly, schedule.Bullet, schedule.Flat}
	for _, n := range []int{12, 36, 360} {
		for _, m := range methods {
			terms := monthly("1000000", "4.9%", n, m)
			b.Run(fmt.Sprintf("%s/%d", m, n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := schedule.Generate(terms); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "loans/s")
			})
		}
	}
}

func BenchmarkAPR(b *testing.B) {
	s, err := schedule.Generate(monthly("10000", "12%", 12, schedule.Flat))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.APR(); err != nil {
			b.Fatal(err)
		}
	}
}
