package report_test

import (
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/portfolio"
	"github.com/lendcore/lendcore/report"
)

func cny(minor int64) money.Amount { return money.New(minor, money.CNY) }

// loanLine is one loan at a month end in these tests.
type loanLine struct {
	id      uuid.UUID
	dpd     int
	balance int64
	grade   classify.Grade
	off     bool // written off: observed, but no longer on the books
}

// month builds the Portfolio the Engine would show for lines, rolling from
// prev (nil for the first month end), and observes every line.
func month(t *testing.T, c *report.Collector, day date.Date, prev, lines []loanLine, coll map[string]int, reserve lendcore.ReserveSummary) *lendcore.Portfolio {
	t.Helper()
	positions := func(ls []loanLine) []portfolio.Position {
		var out []portfolio.Position
		for _, l := range ls {
			if l.off {
				continue
			}
			out = append(out, portfolio.Position{Loan: l.id.String(), Principal: cny(l.balance), DPD: l.dpd, Grade: l.grade,
				Stage: classify.Stage1, Provision: cny(l.balance / 100)})
		}
		return out
	}
	snap, err := portfolio.Measure(positions(lines), classify.ChinaBuckets())
	require.NoError(t, err)
	p := &lendcore.Portfolio{Day: day, Snapshot: snap, Collection: coll, Reserve: reserve}
	if prev != nil {
		p.Roll, err = portfolio.RollRates(classify.ChinaBuckets(), positions(prev), positions(lines))
		require.NoError(t, err)
	}
	for _, l := range lines {
		c.Observe(report.LoanAt{ID: l.id, DPD: l.dpd, WrittenOff: l.off})
	}
	return p
}

// Three month ends of four loans, worked by hand: the flows are the
// differences of the running totals, the vintages count each loan once in
// its origination month and keep a cured loan bad.
func TestCollectorBuildsMonthEnds(t *testing.T) {
	c, err := report.NewCollector("book", classify.ChinaBuckets())
	require.NoError(t, err)
	a, b, d, e := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	jan := []loanLine{{a, 0, 100_000, classify.Normal, false}, {b, 0, 50_000, classify.Normal, false}}
	feb := []loanLine{{a, 65, 90_000, classify.Substandard, false}, {b, 0, 45_000, classify.Normal, false},
		{d, 0, 80_000, classify.Normal, false}}
	mar := []loanLine{{a, 0, 0, classify.Normal, true}, {b, 10, 40_000, classify.SpecialMention, false},
		{d, 0, 75_000, classify.Normal, false}, {e, 0, 60_000, classify.Normal, false}}
	r := func(contrib, payouts int64) lendcore.ReserveSummary {
		return lendcore.ReserveSummary{Balance: cny(contrib - payouts), Contributions: cny(contrib), Payouts: cny(payouts), Recoveries: money.Amount{}}
	}
	require.NoError(t, c.Add(month(t, c, date.New(2025, 1, 31), nil, jan, map[string]int{}, r(1_000, 0)), report.Totals{Recovered: cny(0)}))
	require.NoError(t, c.Add(month(t, c, date.New(2025, 2, 28), jan, feb, map[string]int{"m3": 1}, r(2_500, 400)), report.Totals{Recovered: cny(0)}))
	require.NoError(t, c.Add(month(t, c, date.New(2025, 3, 31), feb, mar, map[string]int{"m1": 1, "legal-review": 0}, r(3_000, 1_400)), report.Totals{Recovered: cny(7_000)}))

	f := c.Figures()
	require.NoError(t, f.Validate())
	assert.Equal(t, "book", f.Title)
	assert.Equal(t, money.CNY, f.Currency)
	assert.Equal(t, 3, f.VintageBucket, "M3, as Portfolio.M3Plus")
	assert.Equal(t, []string{"pre-due", "m1", "m2", "m3", "legal-review", "write-off-proposal"}, f.Stages)
	require.Len(t, f.Months, 3)
	jm, fm, mm := f.Months[0], f.Months[1], f.Months[2]

	assert.Equal(t, []int64{2, 1, 1}, []int64{jm.Originated, fm.Originated, mm.Originated})
	assert.Equal(t, []int64{0, 0, 1}, []int64{jm.WrittenOff, fm.WrittenOff, mm.WrittenOff})
	assert.Equal(t, int64(3), fm.Loans)
	assert.Equal(t, cny(215_000), fm.Balance)
	assert.Equal(t, report.Tally{Loans: 1, Balance: cny(90_000)}, fm.ByBucket[3], "a at 65 DPD is in M3")
	assert.Equal(t, report.Tally{Loans: 1, Balance: cny(90_000)}, fm.NPL)
	assert.Equal(t, report.Tally{Loans: 1, Balance: cny(90_000)}, fm.ByGrade[2], "substandard")
	assert.Equal(t, portfolio.Ratio{Num: 90_000, Den: 215_000}, fm.AtLeast(3))
	assert.Equal(t, cny(2_150), fm.Provisions)
	assert.Equal(t, []int64{0, 0, 0, 1, 0, 0}, fm.Collection)
	assert.Equal(t, []int64{0, 1, 0, 0, 0, 0}, mm.Collection)

	// Reserve and recoveries: the month's movements, the balance as is.
	assert.Equal(t, report.Reserve{Balance: cny(1_000), Contributions: cny(1_000), Payouts: cny(0), Recoveries: cny(0)}, jm.Reserve)
	assert.Equal(t, report.Reserve{Balance: cny(2_100), Contributions: cny(1_500), Payouts: cny(400), Recoveries: cny(0)}, fm.Reserve)
	assert.Equal(t, report.Reserve{Balance: cny(1_600), Contributions: cny(500), Payouts: cny(1_000), Recoveries: cny(0)}, mm.Reserve)
	assert.Equal(t, []money.Amount{cny(0), cny(0), cny(7_000)}, []money.Amount{jm.Recovered, fm.Recovered, mm.Recovered})

	// The roll from February: a (M3) left the books, b went M0 -> M1, d stayed.
	assert.Nil(t, jm.Roll)
	require.NotNil(t, mm.Roll)
	assert.Equal(t, int64(1), mm.Roll.Count[3][8], "a exits")
	assert.Equal(t, cny(90_000), mm.Roll.Balance[3][8])
	assert.Equal(t, int64(1), mm.Roll.Count[0][1], "b rolls to M1")
	assert.Equal(t, int64(1), mm.Roll.Count[0][0], "d stays")

	// Vintages: January's two loans, one bad since February (and written
	// off in March); February's and March's loans are still good.
	assert.Equal(t, []report.Vintage{{Cohort: "2025-01", Loans: 2}}, jm.Vintages)
	assert.Equal(t, []report.Vintage{{Cohort: "2025-01", Loans: 2, Bad: 1}, {Cohort: "2025-02", Loans: 1}}, fm.Vintages)
	assert.Equal(t, []report.Vintage{{Cohort: "2025-01", Loans: 2, Bad: 1, WrittenOff: 1}, {Cohort: "2025-02", Loans: 1},
		{Cohort: "2025-03", Loans: 1}}, mm.Vintages)
	curves := f.Curves()
	require.Len(t, curves, 3)
	assert.Equal(t, report.Curve{Cohort: "2025-01", Loans: 2,
		Bad:        []portfolio.Ratio{{Num: 0, Den: 2}, {Num: 1, Den: 2}, {Num: 1, Den: 2}},
		WrittenOff: []portfolio.Ratio{{Num: 0, Den: 2}, {Num: 0, Den: 2}, {Num: 1, Den: 2}}}, curves[0])
	assert.Len(t, curves[2].Bad, 1, "March's cohort is at MOB 0")
}

// A month end the collector cannot take is refused whole: the figures stay
// as they were, and every bad field is named.
func TestCollectorRefusesBadMonthEnds(t *testing.T) {
	c, err := report.NewCollector("book", classify.ChinaBuckets())
	require.NoError(t, err)
	first := []loanLine{{uuid.New(), 0, 100, classify.Normal, false}}
	reserve := lendcore.ReserveSummary{Payouts: cny(500)}
	require.NoError(t, c.Add(month(t, c, date.New(2025, 1, 31), nil, first, nil, reserve), report.Totals{Recovered: cny(100)}))
	before := c.Figures()

	usd, err := portfolio.Measure([]portfolio.Position{{Loan: "x", Principal: money.New(100, money.USD)}}, classify.ChinaBuckets())
	require.NoError(t, err)
	other, err := portfolio.Measure(nil, classify.USBuckets()[:4])
	require.NoError(t, err)
	ok := month(t, c, date.New(2025, 2, 28), first, first, nil, reserve)
	for _, tc := range []struct {
		name   string
		p      *lendcore.Portfolio
		totals report.Totals
		fields []string
	}{
		{"nil portfolio", nil, report.Totals{}, []string{"portfolio.snapshot"}},
		{"not a month end", &lendcore.Portfolio{Day: date.New(2025, 2, 27), Snapshot: ok.Snapshot, Reserve: reserve}, report.Totals{Recovered: cny(100)}, []string{"portfolio.day"}},
		{"not after the last", &lendcore.Portfolio{Day: date.New(2025, 1, 31), Snapshot: ok.Snapshot, Reserve: reserve}, report.Totals{Recovered: cny(100)}, []string{"portfolio.day"}},
		{"another currency", &lendcore.Portfolio{Day: date.New(2025, 2, 28), Snapshot: usd, Reserve: reserve}, report.Totals{Recovered: cny(100)}, []string{"portfolio.snapshot.currency"}},
		{"other buckets", &lendcore.Portfolio{Day: date.New(2025, 2, 28), Snapshot: &portfolio.Snapshot{Currency: money.CNY, ByBucket: other.ByBucket}, Reserve: reserve}, report.Totals{Recovered: cny(100)}, []string{"portfolio.snapshot.by_bucket"}},
		{"unknown stage", &lendcore.Portfolio{Day: date.New(2025, 2, 28), Snapshot: ok.Snapshot, Collection: map[string]int{"m9": 1}, Reserve: reserve}, report.Totals{Recovered: cny(100)}, []string{"portfolio.collection.m9"}},
		{"totals went down", &lendcore.Portfolio{Day: date.New(2025, 2, 28), Snapshot: ok.Snapshot, Reserve: lendcore.ReserveSummary{}}, report.Totals{Recovered: cny(50)},
			[]string{"totals.recovered", "portfolio.reserve.payouts"}},
	} {
		err := c.Add(tc.p, tc.totals)
		var bad *fault.Fields
		require.True(t, errors.As(err, &bad), "%s: %v", tc.name, err)
		assert.ErrorIs(t, err, report.ErrInvalidFigures, tc.name)
		for _, f := range tc.fields {
			assert.True(t, bad.Has(f), "%s: %v names %s", tc.name, err, f)
		}
		assert.Equal(t, before, c.Figures(), "%s changed the figures", tc.name)
	}
	require.NoError(t, c.Add(ok, report.Totals{Recovered: cny(100)}))
	assert.Len(t, c.Figures().Months, 2)
	assert.Len(t, before.Months, 1, "figures returned earlier do not change")
}

func TestNewCollectorRefusesBadBuckets(t *testing.T) {
	_, err := report.NewCollector("x", classify.Buckets{{Name: "all", From: 0}})
	assert.ErrorIs(t, err, report.ErrInvalidFigures)
	_, err = report.NewCollector("x", classify.Buckets{{Name: "a", From: 5}})
	assert.Error(t, err)
}
