package classify

import (
	"testing"

	"github.com/lendcore/lendcore/money"
)

// loanFacts builds n varied loans: most current, a tail overdue, some
// impaired, restructured or signalled, as a real book would be.
func loanFacts(n int) []Facts {
	fs := make([]Facts, n)
	for i := range fs {
		f := &fs[i]
		f.Balance = money.New(int64(1000000+i%7919*1000), money.CNY)
		switch {
		case i%10 == 0:
			f.DPD = i % 400
		case i%97 == 0:
			f.CreditImpaired = true
			f.ECL = money.New(f.Balance.Minor()/(1+int64(i%3)), money.CNY)
		case i%89 == 0:
			f.Restructured = true
		case i%83 == 0:
			f.Signals = f.Signals.With(Signal(i%int(SignalCount)), Severity(1+i%3))
		}
		f.NonRetail = i%5 == 0
	}
	return fs
}

// BenchmarkClassify classifies 1,000,000 loans' facts under the China
// 2023 preset; target ≥ 5,000,000 loans/s on one core, allocation-free.
func BenchmarkClassify(b *testing.B) {
	c := compile(b, China2023())
	fs := loanFacts(1_000_000)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for i := range fs {
			if _, err := c.Classify(&fs[i], asOf2024); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(fs))*float64(b.N)/b.Elapsed().Seconds(), "loans/s")
}
