package memory_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
	"github.com/lendcore/lendcore/storage"
	"github.com/lendcore/lendcore/storage/memory"
)

// BenchmarkHeapPerLoan stores 100,000 disbursed 12-month loans (the daily
// close benchmark's portfolio) and reports the heap the store holds per
// loan: what the record layout of loanRec and entryRec is for.
func BenchmarkHeapPerLoan(b *testing.B) {
	const n = 100_000
	terms := schedule.Terms{Principal: money.MustParse("10000", money.CNY), AnnualRate: money.MustRate("12%"),
		Method: schedule.EqualInstallment, Frequency: schedule.Monthly, Periods: 12,
		Start: date.New(2024, time.January, 15), DayCount: schedule.Actual360}
	l, err := loan.New(uuid.New(), terms, loan.DefaultPolicy())
	if err != nil {
		b.Fatal(err)
	}
	if _, err := l.Post(loan.Entry{ID: uuid.New(), Kind: loan.Disbursement, ValueDate: terms.Start,
		BookedAt: time.Date(2024, 1, 15, 9, 0, 0, 0, time.UTC), Actor: "teller", IdempotencyKey: "disburse",
		Amount: money.MustParse("10000", money.CNY)}); err != nil {
		b.Fatal(err)
	}
	proto, err := storage.FromLoan(l, storage.LoanIndex{NextDue: date.New(2024, 2, 15)})
	if err != nil {
		b.Fatal(err)
	}
	var perLoan float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		s := memory.New()
		batch := make([]storage.Loan, 0, 1000)
		for i := range n {
			rec := proto.Clone()
			rec.ID = uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "bench-%d", i))
			batch = append(batch, rec)
			if len(batch) == cap(batch) {
				if err := s.Loans().Create(context.Background(), batch...); err != nil {
					b.Fatal(err)
				}
				batch = batch[:0]
			}
		}
		batch = nil
		runtime.GC()
		runtime.ReadMemStats(&after)
		perLoan = float64(after.HeapAlloc-before.HeapAlloc) / n
		runtime.KeepAlive(s)
	}
	b.ReportMetric(perLoan, "heap-B/loan")
}
