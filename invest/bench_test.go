package invest

import (
	"testing"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore/money"
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
