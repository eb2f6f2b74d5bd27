package lendcore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/storage"
	"github.com/lendcore/lendcore/storage/memory"
)

// BenchmarkCloseOfDayRisk is BenchmarkCloseOfDay/100k with the risk loop
// at work: the loans belong to borrowers two by two, 1 % of the borrowers
// have a low-severity litigation fact in force (their loans turn yellow
// and are never quiet), and the debtor pass runs after every day. Compare
// its loan-days/s with BenchmarkCloseOfDay/100k: the facts cost their
// loans and the debtor pass its non-performing loans' borrowers, not the
// portfolio.
func BenchmarkCloseOfDayRisk(b *testing.B) {
	const n = 100_000
	borrower := func(i int) uuid.UUID { return uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "borrower-%d", i/2)) }
	e, perLoan := benchPortfolioShaped(b, memory.New(), n, func(i int, rec *storage.Loan) { rec.Borrower = borrower(i) },
		lendcore.WithClock(fixedClock))
	ctx := context.Background()
	for i := 0; i < n; i += 200 {
		if err := e.RecordFact(ctx, borrower(i), classify.Fact{Kind: classify.LitigationFiled, Day: d(2024, 1, 16),
			Key: "court", Severity: classify.SeverityLow, Source: "court", RecordedBy: "bench"}); err != nil {
			b.Fatal(err)
		}
	}
	benchCloseDays(b, e, n, perLoan)
}
