package lendcore_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/storage/memory"
)

// portfolio opens n identical loans (10,000 at 12 % over 12 months) on a
// memory store and closes their first day.
func portfolio(b *testing.B, n int) *lendcore.Engine {
	b.Helper()
	e, err := lendcore.New(memory.New(), lendcore.WithPolicies(testPolicies()), lendcore.WithClock(fixedClock))
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < n; i++ {
		openLoan(b, e, uuid.NewSHA1(uuid.Nil, []byte{byte(i), byte(i >> 8), byte(i >> 16)}))
	}
	return e
}

// BenchmarkCloseOfDay closes one business day per iteration over a
// portfolio of current loans, in memory.
func BenchmarkCloseOfDay(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(itoa(n), func(b *testing.B) {
			e := portfolio(b, n)
			day := d(2024, 1, 16)
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := e.CloseOfDay(ctx, day); err != nil {
					b.Fatal(err)
				}
				day = day.Add(1)
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "loan-days/s")
		})
	}
}

func itoa(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return string(rune('0'+n/1_000_000)) + "M"
	case n%1000 == 0:
		return uitoa(n/1000) + "k"
	}
	return uitoa(n)
}

func uitoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return uitoa(n/10) + string(rune('0'+n%10))
}

var _ = loan.Active
var _ date.Date
