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

// BenchmarkCloseOfDayRisk is BenchmarkCloseOfDay with the risk loop at
// work: the loans belong to borrowers two by two; 1 % of the borrowers
// have a low-severity litigation fact in force (their loans turn yellow
// and are never quiet), 1 % of the loans a credit-impaired fact (次级 by
// CN23-IMP-1: non-performing, so the debtor pass grades their borrowers'
// loans together every day), every 50th loan an inflow report and a use
// off purpose (fund-flow monitoring); the debtor pass runs after every
// day. Compare its loan-days/s with BenchmarkCloseOfDay/100k: the facts
// cost their loans and the debtor pass its non-performing loans'
// borrowers plus one scan of the books, not a scan per borrower — the
// same loan-days/s at 10k and 100k shows the close stays O(loans).
func BenchmarkCloseOfDayRisk(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("%dk", n/1000), func(b *testing.B) {
			borrower := func(i int) uuid.UUID { return uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "borrower-%d", i/2)) }
			loanID := func(i int) uuid.UUID { return uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "bench-%d", i)) }
			e, perLoan := benchPortfolioShaped(b, memory.New(), n, func(i int, rec *storage.Loan) { rec.Borrower = borrower(i) },
				lendcore.WithClock(fixedClock))
			ctx := context.Background()
			record := func(i int, f classify.Fact) {
				f.Source, f.RecordedBy = "bench", "bench"
				if err := e.RecordFact(ctx, borrower(i), f); err != nil {
					b.Fatal(err)
				}
			}
			for i := 0; i < n; i++ {
				if i%200 == 0 {
					record(i, classify.Fact{Kind: classify.LitigationFiled, Day: d(2024, 1, 16), Key: "court", Severity: classify.SeverityLow})
				}
				if i%100 == 1 {
					record(i, classify.Fact{Kind: classify.Impaired, Day: d(2024, 1, 16), Key: "impaired", Loan: loanID(i).String()})
				}
				if i%50 == 3 {
					record(i, classify.Fact{Kind: classify.Inflow, Day: d(2024, 1, 16), Key: "inflow", Loan: loanID(i).String(),
						From: d(2024, 1, 1), Amount: cny("100")})
					record(i, classify.Fact{Kind: classify.FundUse, Day: d(2024, 1, 16), Key: "use", Loan: loanID(i).String(),
						Amount: cny("500"), Purpose: "securities", OffPurpose: true})
				}
			}
			benchCloseDays(b, e, n, perLoan)
		})
	}
}
