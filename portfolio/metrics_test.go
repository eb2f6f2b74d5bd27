package portfolio

import (
	"errors"
	"testing"
	"time"

	"github.com/lendcore/lendcore/classify"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func cny(yuan int64) money.Amount { return money.New(yuan*100, money.CNY) }

func day(y int, m time.Month, d int) date.Date { return date.New(y, m, d) }

// fieldsOf returns the field names of a *fault.Fields.
func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	var bad *fault.Fields
	require.True(t, errors.As(err, &bad), "want a *fault.Fields, got %v", err)
	var got []string
	for _, f := range bad.List {
		got = append(got, f.Name)
	}
	return got
}

// TestOverdueRateByBalance covers the balance-based convention: a
// 12-installment loan with one installment of 100 overdue and 1,100
// principal remaining counts 1,100, not 100, in the balance-based rate.
func TestOverdueRateByBalance(t *testing.T) {
	s, err := Measure([]Position{
		{Loan: "a", Principal: cny(1100), Overdue: cny(100), DPD: 5, Grade: classify.SpecialMention, Stage: classify.Stage1},
		{Loan: "b", Principal: cny(8900), Grade: classify.Normal, Stage: classify.Stage1},
	}, classify.ChinaBuckets())
	require.NoError(t, err)
	// 1,100 of 10,000 outstanding = 11 %; by count 1 of 2 = 50 %.
	assert.Equal(t, Ratio{110000, 1000000}, s.OverdueRateByBalance())
	assert.Equal(t, "11.0%", s.OverdueRateByBalance().Percent(1))
	assert.Equal(t, Ratio{1, 2}, s.OverdueRateByCount())
	assert.Equal(t, cny(100), s.Amount(s.OverdueAmount))
}

// TestSnapshot checks buckets, M1+/M3+, NPL, coverage and disclosure
// figures on a hand-built portfolio, each worked out by hand below.
func TestSnapshot(t *testing.T) {
	ps := []Position{
		{Loan: "1", Debtor: "A", Principal: cny(1000), DPD: 0, Grade: classify.Normal, Stage: classify.Stage1, Provision: cny(10)},
		{Loan: "2", Debtor: "A", Principal: cny(2000), DPD: 45, Overdue: cny(300), Grade: classify.SpecialMention, Stage: classify.Stage2, Provision: cny(40), RelatedParty: true},
		{Loan: "3", Debtor: "B", Principal: cny(3000), DPD: 90, Overdue: cny(600), Grade: classify.SpecialMention, Stage: classify.Stage2, Provision: cny(60)},
		{Loan: "4", Debtor: "C", Principal: cny(4000), DPD: 91, Overdue: cny(900), Grade: classify.Substandard, Stage: classify.Stage3, Provision: cny(1000), Compensated: cny(500)},
	}
	s, err := Measure(ps, classify.ChinaBuckets())
	require.NoError(t, err)
	assert.Equal(t, Tally{4, 1000000}, s.Total)
	// Buckets: 0 → M0, 45 → M2, 90 → M3, 91 → M4.
	assert.Equal(t, []Tally{{1, 100000}, {}, {1, 200000}, {1, 300000}, {1, 400000}, {}, {}, {}}, s.ByBucket)
	// M1+ = 2,000+3,000+4,000 = 9,000 of 10,000; M3+ = 3,000+4,000.
	assert.Equal(t, Ratio{900000, 1000000}, s.AtLeastBucket(1))
	assert.Equal(t, Ratio{700000, 1000000}, s.AtLeastBucket(3))
	// NPL is the 4,000 次级 loan: 40 %; provisions 1,110 → 11.1 % of loans,
	// 27.75 % of NPL.
	assert.Equal(t, "40.00%", s.NPLRatio().Percent(2))
	assert.Equal(t, "11.10%", s.ProvisionRatio().Percent(2))
	assert.Equal(t, "27.75%", s.NPLCoverage().Percent(2))
	d := s.Disclosure()
	assert.Equal(t, int64(3), d.OverdueLoans)
	assert.Equal(t, cny(1800), d.OverdueAmount)
	assert.Equal(t, int64(1), d.Over90Loans, "超过90天 excludes 90 itself")
	assert.Equal(t, cny(900), d.Over90Amount)
	assert.Equal(t, cny(500), d.CompensationAmount)
	assert.Equal(t, cny(2000), d.RelatedBalance)
	// Borrowers: C 4,000, A 3,000, B 3,000 → top-10 is everything, largest 40 %.
	assert.Equal(t, Ratio{1000000, 1000000}, d.Top10Share)
	assert.Equal(t, Ratio{400000, 1000000}, d.LargestShare)
}

func TestMeasureRejectsBadPositions(t *testing.T) {
	_, err := Measure([]Position{
		{Loan: "1", Principal: cny(1)},
		{Loan: "2", Principal: money.New(1, money.USD), DPD: -1},
		{Loan: "3", Principal: cny(1), Grade: classify.Grade(9)},
	}, classify.ChinaBuckets())
	assert.ErrorIs(t, err, ErrInvalidInput)
	assert.Equal(t, []string{"positions[1].dpd", "positions[1].principal", "positions[2].grade"}, fieldsOf(t, err))
}

// TestCEI covers a textbook CEI sample: begin 6,200, sales
// 10,890 over 3 months, end total 6,340, end current 3,590 →
// (6,200 + 3,630 − 6,340) ÷ (6,200 + 3,630 − 3,590) = 3,490 ÷ 6,240 = 55.9 %;
// with sales undivided (6,200 + 10,890 − 6,340) ÷ (6,200 + 10,890 − 3,590)
// = 10,750 ÷ 13,500 = 79.6 %.
func TestCEI(t *testing.T) {
	in := CEIInput{BeginReceivables: cny(6200), CreditSales: cny(10890), Months: 3,
		EndReceivables: cny(6340), EndCurrent: cny(3590), Averaging: SalesPerMonth}
	r, err := CEI(in)
	require.NoError(t, err)
	assert.Equal(t, "55.9%", r.Percent(1))
	in.Averaging = SalesWholePeriod
	r, err = CEI(in)
	require.NoError(t, err)
	assert.Equal(t, "79.6%", r.Percent(1))
	in.Averaging = 0
	_, err = CEI(in)
	assert.ErrorIs(t, err, ErrInvalidInput, "the averaging convention must be explicit")
}

// TestWriteOffAndRecovery: write-offs ÷ average outstanding; recoveries
// ÷ written off. 30 written off over month-ends 1,000/1,200/1,400
// (mean 1,200) is 2.5 %.
func TestWriteOffAndRecovery(t *testing.T) {
	r, err := WriteOffRate(cny(30), []money.Amount{cny(1000), cny(1200), cny(1400)})
	require.NoError(t, err)
	assert.Equal(t, "2.50%", r.Percent(2))
	r, err = RecoveryRate(cny(12), cny(30))
	require.NoError(t, err)
	assert.Equal(t, "40%", r.Percent(0))
}

// TestRollAndFlowRates: roll rate P(j at t+1 | i at t) and
// flow rate M_k → M_{k+1} = balance in M_{k+1} now ÷ balance in M_k before.
func TestRollAndFlowRates(t *testing.T) {
	before := []Position{
		{Loan: "1", Principal: cny(100), DPD: 0}, {Loan: "2", Principal: cny(100), DPD: 0},
		{Loan: "3", Principal: cny(200), DPD: 10}, {Loan: "4", Principal: cny(100), DPD: 20},
	}
	after := []Position{
		{Loan: "1", Principal: cny(90), DPD: 0}, {Loan: "2", Principal: cny(100), DPD: 15},
		{Loan: "3", Principal: cny(200), DPD: 40}, {Loan: "5", Principal: cny(500), DPD: 0},
	}
	m, err := RollRates(classify.ChinaBuckets(), before, after)
	require.NoError(t, err)
	// M0: two loans, one stays, one rolls to M1 → 1/2 each.
	assert.Equal(t, Ratio{1, 2}, m.Rate(0, 0))
	assert.Equal(t, Ratio{1, 2}, m.Rate(0, 1))
	// M1: loan 3 (200) rolls to M2, loan 4 (100) left the book.
	assert.Equal(t, Ratio{20000, 30000}, m.BalanceRate(1, 2))
	assert.Equal(t, Ratio{1, 2}, m.Rate(1, m.Exit()))
	sb, err := Measure(before, classify.ChinaBuckets())
	require.NoError(t, err)
	sa, err := Measure(after, classify.ChinaBuckets())
	require.NoError(t, err)
	flows, err := FlowRates(sb, sa)
	require.NoError(t, err)
	// M0→M1: 100 now in M1 ÷ 200 in M0 before; M1→M2: 200 ÷ 300.
	assert.Equal(t, Ratio{10000, 20000}, flows[0])
	assert.Equal(t, Ratio{20000, 30000}, flows[1])
}

// TestVintage: rate(MOB n) = balance (count) in state at MOB n ÷ amount
// (count) disbursed in the cohort month, current and ever.
func TestVintage(t *testing.T) {
	jan := day(2024, time.January, 15)
	me := func(m time.Month) yearMonth { return yearMonth{2024, m} }
	var recs []VintageRecord
	add := func(loan string, disbursed int64, obs yearMonth, principal int64, dpd int) {
		recs = append(recs, VintageRecord{Loan: loan, Originated: jan, Disbursed: cny(disbursed),
			Observed: day(obs.y, obs.m, 28), Principal: cny(principal), DPD: dpd})
	}
	// Loan a (1,000) is 31+ at MOB 2 with 800 left, cured at MOB 3.
	add("a", 1000, me(time.January), 1000, 0)
	add("a", 1000, me(time.March), 800, 35)
	add("a", 1000, me(time.April), 700, 0)
	// Loan b (3,000) never delinquent.
	add("b", 3000, me(time.January), 3000, 0)
	add("b", 3000, me(time.April), 2500, 0)
	cur, err := Vintage(recs, VintageSpec{MinDPD: 31, Measure: ByAmount, Mode: Current})
	require.NoError(t, err)
	require.Len(t, cur, 1)
	assert.Equal(t, cny(4000), cur[0].Disbursed)
	// MOB 2: 800 of 4,000 = 20 %; MOB 3: cured → 0.
	assert.Equal(t, Ratio{80000, 400000}, cur[0].Curve[2])
	assert.Equal(t, Ratio{0, 400000}, cur[0].Curve[3])
	ever, err := Vintage(recs, VintageSpec{MinDPD: 31, Measure: ByCount, Mode: Ever})
	require.NoError(t, err)
	// Ever by count: 1 of 2 loans from MOB 2 on.
	assert.Equal(t, Ratio{0, 2}, ever[0].Curve[1])
	assert.Equal(t, Ratio{1, 2}, ever[0].Curve[3])
}

// yearMonth is a year and month for the vintage test.
type yearMonth struct {
	y int
	m time.Month
}

// TestVintageRejectsInconsistentOrigination: a loan's cohort is its
// origination month, so records of one loan that disagree
// on it are refused, naming the record; other loans may differ.
func TestVintageRejectsInconsistentOrigination(t *testing.T) {
	rec := func(loan string, orig date.Date, obs date.Date) VintageRecord {
		return VintageRecord{Loan: loan, Originated: orig, Disbursed: cny(1000), Observed: obs, Principal: cny(900)}
	}
	recs := []VintageRecord{
		rec("a", day(2024, time.January, 15), day(2024, time.March, 31)),
		rec("b", day(2024, time.February, 3), day(2024, time.March, 31)),
		rec("a", day(2024, time.January, 31), day(2024, time.April, 30)), // same month: fine
		rec("a", day(2024, time.February, 1), day(2024, time.April, 30)),
	}
	_, err := Vintage(recs, VintageSpec{MinDPD: 31})
	assert.ErrorIs(t, err, ErrInvalidInput)
	assert.Equal(t, []string{"records[3].originated"}, fieldsOf(t, err))

	cohorts, err := Vintage(recs[:3], VintageSpec{MinDPD: 31})
	require.NoError(t, err)
	assert.Len(t, cohorts, 2)
}

// TestRatio: a ratio is exact and undefined, not zero, on an empty
// denominator.
func TestRatio(t *testing.T) {
	r, err := Ratio{1, 3}.Rate()
	require.NoError(t, err)
	assert.Equal(t, -1, money.MustRate("0.3333").Cmp(r), "1/3 is not rounded")
	assert.Equal(t, "33.33%", Ratio{1, 3}.Percent(2))
	assert.Equal(t, "n/a", Ratio{1, 0}.Percent(1))
	assert.False(t, Ratio{1, 0}.Defined())
	_, err = Ratio{1, 0}.Rate()
	assert.ErrorIs(t, err, ErrOutOfRange)
	assert.Equal(t, 1, Ratio{2, 3}.Cmp(Ratio{3, 5}))
}

// TestFlowRatesRejectsMismatchedSnapshots names each bad snapshot.
func TestFlowRatesRejectsMismatchedSnapshots(t *testing.T) {
	cn, err := Measure(nil, classify.ChinaBuckets())
	require.NoError(t, err)
	us, err := Measure(nil, classify.USBuckets()[:3])
	require.NoError(t, err)
	for _, tt := range []struct {
		prev, cur *Snapshot
		want      []string
	}{
		{nil, cn, []string{"prev"}},
		{cn, nil, []string{"cur"}},
		{cn, us, []string{"cur"}},
	} {
		_, err := FlowRates(tt.prev, tt.cur)
		assert.ErrorIs(t, err, ErrInvalidInput)
		assert.Equal(t, tt.want, fieldsOf(t, err))
	}
}

// TestEnumText: the conventions read and write kebab-case names.
func TestEnumText(t *testing.T) {
	for _, tt := range []struct {
		v    interface{ MarshalText() ([]byte, error) }
		want string
	}{
		{SalesPerMonth, "sales-per-month"}, {SalesWholePeriod, "sales-whole-period"},
		{ByAmount, "by-amount"}, {ByCount, "by-count"}, {Current, "current"}, {Ever, "ever"},
	} {
		b, err := tt.v.MarshalText()
		require.NoError(t, err)
		assert.Equal(t, tt.want, string(b))
	}
	var a CEIAveraging
	require.NoError(t, a.UnmarshalText([]byte("sales-whole-period")))
	assert.Equal(t, SalesWholePeriod, a)
	assert.ErrorIs(t, a.UnmarshalText([]byte("monthly")), ErrInvalidInput)
	var m VintageMode
	require.NoError(t, m.UnmarshalText([]byte("ever")))
	assert.Equal(t, Ever, m)
	var vm VintageMeasure
	require.NoError(t, vm.UnmarshalText([]byte("by-count")))
	assert.Equal(t, ByCount, vm)
}
