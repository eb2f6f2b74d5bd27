package loan

import (
	"encoding/json"
	"fmt"
	"github.com/rickb777/date"
	"runtime"
	"testing"

	"github.com/lendcore/lendcore/schedule"
)

// benchLoan is an equal-installment loan of n months with one on-time
// repayment per month for the first entries-1 months.
func benchLoan(b testing.TB, periods, entries int) *Loan {
	terms := testTerms(schedule.EqualInstallment, periods)
	terms.Principal = yuan("360000")
	l := newTestLoan(b, terms, DefaultPolicy())
	p, err := l.PositionAt(terms.Start)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < entries-1 && i < len(p.Installments); i++ {
		in := p.Installments[i]
		mustPost(b, l, entry(Repayment, in.Due, in.Owed.Total(), fmt.Sprintf("r%d", i)))
	}
	return l
}

// benchPosition times PositionAt(asOf) on l.
func benchPosition(b *testing.B, l *Loan, asOf date.Date) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := l.PositionAt(asOf); err != nil {
			b.Fatal(err)
		}
	}
	reportLoans(b)
}

func reportLoans(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "loans/s")
}

// BenchmarkPositionAtTypical: a 36-installment loan with a dozen entries
// (target ≤ 10 µs).
func BenchmarkPositionAtTypical(b *testing.B) {
	l := benchLoan(b, 36, 12)
	asOf := day(2027, 2, 1)
	benchPosition(b, l, asOf)
}

// BenchmarkPositionAt360: a 360-installment loan with 100 entries.
func BenchmarkPositionAt360(b *testing.B) {
	l := benchLoan(b, 360, 100)
	asOf := day(2034, 6, 1)
	benchPosition(b, l, asOf)
}

// BenchmarkPostRepayment: posting a repayment on a 36-installment loan
// (target ≤ 20 µs). Each iteration posts on a fresh clone so the journal
// length stays fixed.
func BenchmarkPostRepayment(b *testing.B) {
	l := benchLoan(b, 36, 12)
	e := entry(Repayment, day(2027, 1, 15), yuan("12000"), "bench")
	b.ReportAllocs()
	for b.Loop() {
		c := *l
		if _, err := c.Post(e); err != nil {
			b.Fatal(err)
		}
	}
	reportLoans(b)
}

// BenchmarkFoldBackdated: folding a 36-installment loan whose latest entry
// is a backdated repayment that restates penalty on earlier installments.
func BenchmarkFoldBackdated(b *testing.B) {
	l := benchLoan(b, 36, 12)
	mustPost(b, l, entry(Repayment, day(2026, 3, 20), yuan("500"), "backdated"))
	asOf := day(2027, 2, 1)
	benchPosition(b, l, asOf)
}

// BenchmarkLedger: the 台帐 of the typical loan.
func BenchmarkLedger(b *testing.B) {
	l := benchLoan(b, 36, 12)
	asOf := day(2027, 2, 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := l.Ledger(asOf); err != nil {
			b.Fatal(err)
		}
	}
	reportLoans(b)
}

// BenchmarkLoanMemory reports the heap a typical loan (36 installments,
// a dozen entries) keeps (target ≤ 4 KiB), measured once over 200 loans.
func BenchmarkLoanMemory(b *testing.B) {
	const n = 200
	loans := make([]*Loan, n)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range loans {
		loans[i] = benchLoan(b, 36, 12)
		loans[i].journal = append([]Entry(nil), loans[i].journal...) // drop the slack of appends
		loans[i].order = append([]int32(nil), loans[i].order...)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportAllocs()
	v := 0
	for b.Loop() {
		v += loans[v%n].Version()
	}
	b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "B/loan")
	runtime.KeepAlive(loans)
}

// BenchmarkFoldKeepInstallment: the typical loan with a partial
// prepayment that keeps the installment, whose re-amortisation searches
// for the shortest term that fits.
func BenchmarkFoldKeepInstallment(b *testing.B) {
	l := benchLoan(b, 36, 12)
	e := entry(Prepayment, day(2026, 12, 20), yuan("100000"), "prepay")
	e.Reamortize = KeepInstallment
	mustPost(b, l, e)
	benchPosition(b, l, day(2027, 2, 1))
}

// BenchmarkPositionAtDelinquent: the typical loan that stopped paying
// after three installments, two years on (33 installments accruing
// penalty).
func BenchmarkPositionAtDelinquent(b *testing.B) {
	l := benchLoan(b, 36, 4)
	benchPosition(b, l, day(2028, 6, 1))
}

// BenchmarkReplay360: decoding a stored 360-installment loan with 100
// entries, which replays its journal through Post (as the Engine does).
func BenchmarkReplay360(b *testing.B) {
	src, err := json.Marshal(benchLoan(b, 360, 100))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		var l Loan
		if err := l.UnmarshalJSON(src); err != nil {
			b.Fatal(err)
		}
	}
	reportLoans(b)
}
