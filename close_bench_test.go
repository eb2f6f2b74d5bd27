package lendcore_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/storage"
	"github.com/lendcore/lendcore/storage/memory"
	"github.com/lendcore/lendcore/storage/sqlstore"
)

// benchPortfolio stores n current loans (10,000 at 12 % over 12 months from
// 2024-01-15, disbursed) straight into a memory store, runs the first
// close (which decodes every journal once), and returns the Engine and the
// heap bytes per loan after it.
func benchPortfolio(b *testing.B, n int, opts ...lendcore.Option) (*lendcore.Engine, float64) {
	return benchPortfolioOn(b, memory.New(), n, opts...)
}

func benchPortfolioOn(b *testing.B, store storage.Store, n int, opts ...lendcore.Option) (*lendcore.Engine, float64) {
	b.Helper()
	ctx := context.Background()
	l, err := loan.New(uuid.New(), request(uuid.Nil).Terms, testPolicies().Servicing)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := l.Post(loan.Entry{ID: uuid.New(), Kind: loan.Disbursement, ValueDate: d(2024, 1, 15),
		BookedAt: fixedClock(), Actor: "teller", IdempotencyKey: "disburse", Amount: cny("10000")}); err != nil {
		b.Fatal(err)
	}
	proto, err := storage.FromLoan(l, storage.LoanIndex{NextDue: d(2024, 2, 15)})
	if err != nil {
		b.Fatal(err)
	}
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	batch := make([]storage.Loan, 0, 10_000)
	for i := 0; i < n; i++ {
		rec := proto.Clone()
		rec.ID = uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "bench-%d", i))
		batch = append(batch, rec)
		if len(batch) == cap(batch) || i == n-1 {
			if err := store.Loans().Create(ctx, batch...); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	e, err := lendcore.New(store, append([]lendcore.Option{lendcore.WithPolicies(testPolicies()), lendcore.WithClock(fixedClock)}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := e.CloseOfDay(ctx, d(2024, 1, 16)); err != nil {
		b.Fatal(err)
	}
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	return e, float64(after.HeapAlloc-before.HeapAlloc) / float64(n)
}

// BenchmarkCloseOfDay closes one business day per iteration over a
// portfolio of current loans in memory, from 2024-01-17 on (issue 9's
// target: ≥ 200,000 loan-days/s, ≤ 4 KiB per active loan). "full" turns the
// quiet-loan shortcut off, so every loan is folded every day.
func BenchmarkCloseOfDay(b *testing.B) {
	for _, c := range []struct {
		name string
		n    int
		opts []lendcore.Option
	}{
		{"100k", 100_000, nil},
		{"100k-full", 100_000, []lendcore.Option{lendcore.WithQuietShortcut(false)}},
		{"1M", 1_000_000, nil},
	} {
		b.Run(c.name, func(b *testing.B) {
			e, perLoan := benchPortfolio(b, c.n, c.opts...)
			ctx := context.Background()
			day := d(2024, 1, 17)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := e.CloseOfDay(ctx, day); err != nil {
					b.Fatal(err)
				}
				day = day.Add(1)
			}
			b.ReportMetric(float64(c.n)*float64(b.N)/b.Elapsed().Seconds(), "loan-days/s")
			b.ReportMetric(perLoan, "heap-B/loan")
		})
	}
}

// BenchmarkCloseOfDayPostgres is BenchmarkCloseOfDay on PostgreSQL, in a
// schema of its own (issue 9's target: ≥ 10,000 loan-days/s). It needs
// LENDCORE_TEST_POSTGRES_DSN (set by .ci/run).
func BenchmarkCloseOfDayPostgres(b *testing.B) {
	dsn := os.Getenv("LENDCORE_TEST_POSTGRES_DSN")
	if dsn == "" {
		b.Skip("LENDCORE_TEST_POSTGRES_DSN is not set")
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close()
	schema := fmt.Sprintf("lc_bench_%d", os.Getpid())
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		b.Fatal(err)
	}
	defer admin.Exec("DROP SCHEMA " + schema + " CASCADE")
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	store, err := sqlstore.OpenPostgres(dsn + sep + "search_path=" + schema)
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	if err := store.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	const n = 20_000
	e, _ := benchPortfolioOn(b, store, n)
	if err := store.Analyze(context.Background()); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	day := d(2024, 1, 17)
	b.ResetTimer()
	for b.Loop() {
		if _, err := e.CloseOfDay(ctx, day); err != nil {
			b.Fatal(err)
		}
		day = day.Add(1)
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "loan-days/s")
}
