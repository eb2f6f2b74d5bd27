package portfolio

import (
	"fmt"
	"testing"

	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/money"
)

// BenchmarkMeasure builds a portfolio snapshot over 1,000,000 loans
// (100,000 debtors); target ≤ 1 s.
func BenchmarkMeasure(b *testing.B) {
	const n = 1_000_000
	ps := make([]Position, n)
	debtors := make([]string, 100_000)
	for i := range debtors {
		debtors[i] = fmt.Sprintf("D%06d", i)
	}
	for i := range ps {
		p := &ps[i]
		p.Loan = fmt.Sprintf("L%07d", i)
		p.Debtor = debtors[i%len(debtors)]
		p.Principal = money.New(int64(100000+i%9973*100), money.CNY)
		p.Grade, p.Stage = classify.Normal, classify.Stage1
		if i%10 == 0 {
			p.DPD = i % 400
			p.Overdue = money.New(10000, money.CNY)
			p.Grade, p.Stage = classify.Substandard, classify.Stage3
		}
		p.Provision = money.New(p.Principal.Minor()/100, money.CNY)
	}
	buckets := classify.ChinaBuckets()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Measure(ps, buckets); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "loans/s")
}
