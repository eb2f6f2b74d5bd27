package schedule_test

import (
	"bytes"
	"encoding/csv"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

var update = flag.Bool("update", false, "rewrite the golden schedules in testdata/")

func cny(s string) money.Amount { return money.MustParse(s, money.CNY) }

// monthly returns monthly terms starting 2026-01-15 with the defaults.
func monthly(principal, rate string, n int, m schedule.Method) schedule.Terms {
	return schedule.Terms{
		Principal: cny(principal), AnnualRate: money.MustRate(rate), Method: m,
		Periods: n, Start: date.New(2026, time.January, 15),
	}
}

// goldenCases are the published worked examples of issue 2 ("Tests that
// must exist"), all with the default convention: monthly rate = annual/12,
// half-up to the fen.
var goldenCases = []struct {
	file  string
	terms schedule.Terms
}{
	{"equal-installment-1000000-4.9-360.csv", monthly("1000000", "4.9%", 360, schedule.EqualInstallment)},
	{"equal-principal-1000000-4.9-360.csv", monthly("1000000", "4.9%", 360, schedule.EqualPrincipal)},
	{"equal-installment-300000-4.9-360.csv", monthly("300000", "4.9%", 360, schedule.EqualInstallment)},
	{"equal-installment-10000-12-12.csv", monthly("10000", "12%", 12, schedule.EqualInstallment)},
	{"interest-only-10000-12-12.csv", monthly("10000", "12%", 12, schedule.InterestOnly)},
	{"bullet-10000-12-12.csv", monthly("10000", "12%", 12, schedule.Bullet)},
	{"flat-10000-12-12.csv", monthly("10000", "12%", 12, schedule.Flat)},
	{"bullet-10000-12-90d-act360.csv", days90(schedule.Actual360)},
	{"bullet-10000-12-90d-act365f.csv", days90(schedule.Actual365Fixed)},
}

func days90(dc schedule.DayCount) schedule.Terms {
	return schedule.Terms{
		Principal: cny("10000"), AnnualRate: money.MustRate("12%"), Method: schedule.Bullet,
		Frequency: schedule.Days, TermDays: 90, DayCount: dc, Start: date.New(2026, time.January, 15),
	}
}

// TestGolden compares each schedule with its golden file; run
// `go test ./schedule -run TestGolden -update` to rewrite them after a
// deliberate change, then review the diff. The figures the golden files
// must hold are checked independently in TestPublishedFigures.
func TestGolden(t *testing.T) {
	for _, c := range goldenCases {
		t.Run(c.file, func(t *testing.T) {
			s, err := schedule.Generate(c.terms)
			require.NoError(t, err)
			var got bytes.Buffer
			require.NoError(t, s.WriteCSV(&got))
			path := filepath.Join("testdata", c.file)
			if *update {
				require.NoError(t, os.WriteFile(path, got.Bytes(), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run with -update to create the golden file")
			assert.Equal(t, string(want), got.String())
		})
	}
}

// readGolden returns the rows of a golden file (header excluded).
func readGolden(t *testing.T, file string) [][]string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", file))
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	require.Equal(t, []string{"period", "due_date", "principal", "interest", "payment", "balance"}, rows[0])
	return rows[1:]
}

const (
	colPrincipal = 2
	colInterest  = 3
	colPayment   = 4
	colBalance   = 5
)

func sumColumn(t *testing.T, rows [][]string, col int) money.Amount {
	total := money.Zero(money.CNY)
	for _, r := range rows {
		total = total.Add(cny(r[col]))
	}
	return total
}

// TestPublishedFigures checks the golden files against the published figures
// listed in issue 2 (bank calculators' worked examples), to the fen.
func TestPublishedFigures(t *testing.T) {
	t.Run("1,000,000 at 4.9% for 360 months, equal installment", func(t *testing.T) {
		rows := readGolden(t, "equal-installment-1000000-4.9-360.csv")
		require.Len(t, rows, 360)
		// Published: payment 5307.27; last 5305.19; total interest 910,615.12
		// (= 5307.27 × 359 + 5305.19 − 1,000,000).
		for _, r := range rows[:359] {
			assert.Equal(t, "5307.27", r[colPayment], "period %s", r[0])
		}
		assert.Equal(t, "5305.19", rows[359][colPayment])
		assert.Equal(t, cny("910615.12"), sumColumn(t, rows, colInterest))
		assert.Equal(t, cny("1000000"), sumColumn(t, rows, colPrincipal))
		// First interest: 1,000,000 × 0.049/12 = 4083.333… → 4083.33.
		assert.Equal(t, "4083.33", rows[0][colInterest])
	})
	t.Run("1,000,000 at 4.9% for 360 months, equal principal", func(t *testing.T) {
		rows := readGolden(t, "equal-principal-1000000-4.9-360.csv")
		// Published: first payment 6861.11 = 2777.78 (1,000,000/360) +
		// 4083.33 interest, falling by 2777.78 × 0.049/12 = 11.342593 a month,
		// so each fall is 11.34 or 11.35 after rounding.
		assert.Equal(t, "6861.11", rows[0][colPayment])
		for i := 1; i < 359; i++ {
			fall := cny(rows[i-1][colPayment]).Sub(cny(rows[i][colPayment]))
			assert.Contains(t, []money.Amount{cny("11.34"), cny("11.35")}, fall, "period %d", i+1)
		}
		// 359 parts of 2777.78 leave 1,000,000 − 997,223.02 = 2776.98.
		assert.Equal(t, "2776.98", rows[359][colPrincipal])
	})
	t.Run("300,000 at 4.9% for 360 months, equal installment", func(t *testing.T) {
		rows := readGolden(t, "equal-installment-300000-4.9-360.csv")
		assert.Equal(t, "1592.18", rows[0][colPayment]) // published 1592.18 a month
	})
	t.Run("10,000 at 12% for 12 months", func(t *testing.T) {
		ei := readGolden(t, "equal-installment-10000-12-12.csv")
		// Published: 888.49 a month, last 888.47, interest 661.86
		// (888.49 × 11 + 888.47 − 10,000).
		assert.Equal(t, "888.49", ei[0][colPayment])
		assert.Equal(t, "888.47", ei[11][colPayment])
		assert.Equal(t, cny("661.86"), sumColumn(t, ei, colInterest))

		io := readGolden(t, "interest-only-10000-12-12.csv")
		// 10,000 × 1% = 100.00 × 11, then 10,100.00.
		for _, r := range io[:11] {
			assert.Equal(t, "100.00", r[colPayment])
		}
		assert.Equal(t, "10100.00", io[11][colPayment])

		bullet := readGolden(t, "bullet-10000-12-12.csv")
		// 10,000 + 10,000 × 1% × 12 = 11,200.00 in one payment.
		require.Len(t, bullet, 1)
		assert.Equal(t, "11200.00", bullet[0][colPayment])
		assert.Equal(t, "2027-01-15", bullet[0][1])

		flat := readGolden(t, "flat-10000-12-12.csv")
		// 等本等息: 833.33 principal + 100.00 interest on the original
		// principal, every month; the last principal is 10,000 − 11 × 833.33.
		for _, r := range flat {
			assert.Equal(t, "100.00", r[colInterest])
		}
		assert.Equal(t, "933.33", flat[0][colPayment])
		assert.Equal(t, "833.37", flat[11][colPrincipal])
	})
	t.Run("90-day bullet at 12%", func(t *testing.T) {
		// 10,000 × 12% × 90/360 = 300.00; × 90/365 = 295.890… → 295.89.
		assert.Equal(t, "300.00", readGolden(t, "bullet-10000-12-90d-act360.csv")[0][colInterest])
		assert.Equal(t, "295.89", readGolden(t, "bullet-10000-12-90d-act365f.csv")[0][colInterest])
	})
}

// TestTotalsConventions: issue 2 names the other conventions' totals for the
// 1,000,000 / 4.9% / 360-month loan: 910,617.20 = 5307.27 × 360 − 1,000,000
// ("payment × n") and 910,616.19 from the unrounded payment
// 5307.267206… × 360 − 1,000,000 = 910,616.194… → 910,616.19.
func TestTotalsConventions(t *testing.T) {
	for _, c := range []struct {
		conv schedule.TotalsConvention
		want string
	}{
		{schedule.RowSum, "910615.12"},
		{schedule.LevelPayment, "910617.20"},
		{schedule.UnroundedPayment, "910616.19"},
	} {
		terms := monthly("1000000", "4.9%", 360, schedule.EqualInstallment)
		terms.Totals = c.conv
		s, err := schedule.Generate(terms)
		require.NoError(t, err)
		tot := s.Totals()
		assert.Equal(t, cny(c.want), tot.Interest, c.conv.String())
		assert.Equal(t, cny("1000000"), tot.Principal)
		// Every convention shows the same rows.
		assert.Equal(t, cny("5307.27"), s.Installments[0].Payment)
	}
}
