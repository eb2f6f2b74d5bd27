package invest

import (
	"testing"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// benchBook funds 10,000,000.00 among n holders with uneven amounts so the
// split has remainders to sort.
func benchBook(b *testing.B, n int) *Book {
	fs := make([]Funding, n)
	for i := range fs {
		var id uuid.UUID
		id[14], id[15] = byte(i>>8), byte(i)
		id[0] = 1
		fs[i] = Funding{id, money.New(100_000+int64(i%97)*1_003, money.CNY)}
	}
	bk, err := NewBook(loanID, day(2024, 1, 15), fs, DefaultBookPolicy())
	if err != nil {
		b.Fatal(err)
	}
	return bk
}

// Issue 8's targets: one repayment across 200 holders ≤ 50 µs, across
// 10,000 holders ≤ 2 ms. Each iteration distributes a principal and
// interest payment with a servicing fee per holder, reusing one
// Distribution (DistributeInto) as a batch job would.
func BenchmarkDistribute(b *testing.B) {
	for _, n := range []int{200, 10_000} {
		b.Run(itoa(n)+"_holders", func(b *testing.B) {
			bk := benchBook(b, n)
			r := Repayment{On: day(2024, 2, 15), Installment: 1, Paid: split("0.01", "123.45")}
			var d Distribution
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if err := bk.DistributeInto(&d, r); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "repayments/s")
			b.ReportMetric(float64(b.N*n)/b.Elapsed().Seconds(), "holders/s")
		})
	}
}

// BenchmarkDistributeAlloc is the same with a fresh Distribution each time
// (Distribute), to show the cost of allocating the receipts.
func BenchmarkDistributeAlloc(b *testing.B) {
	for _, n := range []int{200, 10_000} {
		b.Run(itoa(n)+"_holders", func(b *testing.B) {
			bk := benchBook(b, n)
			r := Repayment{On: day(2024, 2, 15), Installment: 1, Paid: split("0.01", "123.45")}
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if _, err := bk.Distribute(r); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "repayments/s")
		})
	}
}

func itoa(n int) string {
	if n >= 1000 {
		return itoa(n/1000) + "k"
	}
	return string(rune('0'+n/100)) + string(rune('0'+n/10%10)) + string(rune('0'+n%10))
}

// benchLog returns the opening of a 24-month loan of n holders (benchBook's
// fundings) and its log: 24 monthly distributions of principal and
// interest, and 2 claim transfers (in months 6 and 12), made live.
func benchLog(b *testing.B, n int) (Opening, []BookOp) {
	bk := benchBook(b, n)
	start := day(2024, 1, 15)
	var ops []BookOp
	for k := 1; k <= 24; k++ {
		due := start.AddDate(0, k, 0)
		if k == 6 || k == 12 {
			var buyer uuid.UUID
			buyer[0], buyer[15] = 2, byte(k)
			op := TransferOp{Request: TransferRequest{Holding: HoldingID(k), Buyer: buyer, Principal: money.New(50_000, money.CNY),
				On: due.Add(-20), Premium: money.Zero(money.CNY)},
				Status: LoanStatus{Period: Period{Start: due.AddDate(0, -1, 0), Due: due, AnnualRate: money.MustRate("12%"), DayCount: schedule.Thirty360}}}
			if _, err := bk.Apply(BookOp{Transfer: &op}); err != nil {
				b.Fatal(err)
			}
			ops = append(ops, BookOp{Transfer: &op})
		}
		principal, err := bk.Held().MulFrac(1, int64(25-k), money.Down)
		if err != nil {
			b.Fatal(err)
		}
		interest, err := bk.Held().MulFrac(1, 100, money.HalfUp)
		if err != nil {
			b.Fatal(err)
		}
		r := Repayment{On: due, Installment: k, Paid: loan.Split{Principal: principal, Interest: interest,
			Penalty: money.Zero(money.CNY), Fee: money.Zero(money.CNY)}}
		if _, err := bk.Apply(BookOp{Distribute: &r}); err != nil {
			b.Fatal(err)
		}
		ops = append(ops, BookOp{Distribute: &r})
	}
	if !bk.Held().IsZero() {
		b.Fatalf("the log leaves %s held", bk.Held())
	}
	return bk.Opening(), ops
}

// BenchmarkOpenBook rebuilds a book from its stored log — what a host
// storing books does on every command that reads one (and on a cache
// miss): 24 distributions and 2 transfers, for 20 and 200 holders.
func BenchmarkOpenBook(b *testing.B) {
	for _, n := range []int{20, 200} {
		b.Run(itoa(n)+"_holders", func(b *testing.B) {
			o, ops := benchLog(b, n)
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if _, err := o.Open(loanID, ops...); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "books/s")
		})
	}
}
