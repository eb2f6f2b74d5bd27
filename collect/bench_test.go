package collect_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/collect"
)

// portfolio builds n loans spread over a month of due dates and all DPD
// bands, so every branch of the daily run is exercised.
func portfolio(n int, on date.Date) []collect.Facts {
	fs := make([]collect.Facts, n)
	stages := []collect.Stage{collect.PreDue, collect.M1, collect.M2, collect.M3, collect.LegalReview}
	for i := range fs {
		f := &fs[i]
		f.Loan = uuid.UUID{byte(i >> 24), byte(i >> 16), byte(i >> 8), byte(i)}
		f.NextDue = on.Add(date.PeriodOfDays(i%31 - 10))
		f.Maturity = on.Add(date.PeriodOfDays(i%400 - 30))
		f.Guarantors = i % 3
		f.Features = collect.Features(i % 8)
		if i%4 == 0 { // a quarter of the book is in arrears
			f.DPD = i % 120
			f.ConsecutiveMissed, f.CumulativeMissed = f.DPD/30, f.DPD/25
			f.Arrears = cny("1200")
			f.Stage = stages[min(f.DPD/30+1, 4)]
			f.StageSince = on.Add(-date.PeriodOfDays(i % 9))
		}
	}
	return fs
}

// BenchmarkDailyRun computes the reminders and the ladder actions due for
// 1,000,000 loans on one day (target ≥ 2,000,000 loans/s on one core).
func BenchmarkDailyRun(b *testing.B) {
	const n = 1_000_000
	on := day(2024, 6, 15)
	fs := portfolio(n, on)
	rp, l := collect.DefaultReminderPolicy(), collect.DefaultLadder()
	rems := make([]collect.Reminder, 0, 1024)
	acts := make([]collect.ActionDue, 0, 1024)
	b.ReportAllocs()
	b.ResetTimer()
	var total int
	for b.Loop() {
		for i := range fs {
			f := &fs[i]
			rems = rp.RemindersDue(on, f, rems[:0])
			_, out, err := l.Decide(on, f, acts[:0])
			if err != nil {
				b.Fatal(err)
			}
			acts = out
			total += len(rems) + len(acts)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "loans/s")
	if total == 0 {
		b.Fatal("no effects")
	}
}
