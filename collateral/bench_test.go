package collateral

import (
	"encoding/binary"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/lendcore/lendcore/money"
	"github.com/rickb777/date"
)

// benchBook builds n pledged items, each valued once and securing its own
// loan, with kinds cycling through all eight and valuation dates spread
// over two years, so some are due, some expired, some current.
func benchBook(b *testing.B, n int) (*Register, []Exposure) {
	r := newRegister(b)
	exp := make([]Exposure, n)
	base := day(2023, time.January, 1)
	for i := range n {
		var itemID, loanID uuid.UUID
		binary.BigEndian.PutUint64(itemID[8:], uint64(i)+1)
		binary.BigEndian.PutUint64(loanID[:8], uint64(i)+1)
		it := Item{ID: itemID, Kind: Kind(i%int(kindEnd-1)) + 1, Owner: "o", Currency: money.CNY,
			Registration: Registration{Rank: 1}, Liens: []Lien{{loanID, 1}}}
		if err := r.Add(it); err != nil {
			b.Fatal(err)
		}
		on := base.Add(date.PeriodOfDays(i % 700))
		_ = r.Pledge(itemID, on)
		if err := r.AddValuation(itemID, Valuation{Date: on, Amount: money.New(int64(100_000_00+i%1000*1000_00), money.CNY),
			Method: Appraisal, Source: "bench"}, on); err != nil {
			b.Fatal(err)
		}
		exp[i] = Exposure{LoanID: loanID, Outstanding: money.New(int64(50_000_00+i%1500*50_00), money.CNY)}
	}
	return r, exp
}

// BenchmarkEvaluateAndDueRevaluations evaluates coverage for 1,000,000
// items (one loan each) and lists their due revaluations as of one day.
// Target: ≥ 1,000,000 items/s on one core.
func BenchmarkEvaluateAndDueRevaluations(b *testing.B) {
	n := benchItems
	r, exp := benchBook(b, n)
	asOf := day(2024, time.December, 31)
	var due []DueRevaluation
	var res []LoanCoverage
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		var err error
		res, err = r.EvaluateInto(res, asOf, exp)
		if err != nil || len(res) != n {
			b.Fatal(err)
		}
		due = r.AppendDueRevaluations(due[:0], asOf)
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "items/s")
	b.ReportMetric(float64(len(due)), "due")
}

// benchItems is the book size of the benchmark (the 1,000,000).
var benchItems = envInt("COLLATERAL_BENCH_ITEMS", 1_000_000)

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
