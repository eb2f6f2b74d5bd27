package schedule_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// The conventions of issue 17 that let a lender reproduce a loan set up in
// Apache Fineract, Frappe Lending or Mambu. Each test cites where its
// figures come from; the figures were checked by hand.

func eur(s string) money.Amount { return money.MustParse(s, money.EUR) }

// row is an installment as due date, principal, interest and payment.
type row struct{ due, principal, interest, payment string }

func rowsOf(s *schedule.Schedule) []row {
	out := make([]row, len(s.Installments))
	for i, in := range s.Installments {
		out[i] = row{in.Due.String(), in.Principal.Number(), in.Interest.Number(), in.Payment.Number()}
	}
	return out
}

// fieldsOf returns the bad fields an error names.
func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	var bad *fault.Fields
	require.ErrorAs(t, err, &bad, "%v", err)
	assert.ErrorIs(t, err, schedule.ErrInvalidTerms)
	names := make([]string, len(bad.List))
	for i, f := range bad.List {
		names[i] = f.Name
	}
	return names
}

// TestInstallmentMultipleFlat: Fineract rounds a flat loan's principal part
// and its interest each to the multiple (LoanApplicationTerms
// .calculateTotalPrincipalPerPeriodWithoutGrace, whose comment works
// 416.67 → 417 and 12.50 → 13: "417 + 13 − 12.5 = 417.5 as principal").
// 5,000 at 3 % flat over 12 months is that loan: 5,000 / 12 = 416.67 of
// principal and 5,000 × 0.25 % = 12.50 of interest a month, so 430.00 a
// month of which 417.50 principal; the last takes the residual
// 5,000 − 11 × 417.50 = 407.50, paying 420.00.
func TestInstallmentMultipleFlat(t *testing.T) {
	terms := monthly("5000", "3%", 12, schedule.Flat)
	terms.InstallmentMultiple = cny("1")
	s := generate(t, terms)
	for _, in := range s.Installments[:11] {
		assert.Equal(t, row{in.Due.String(), "417.50", "12.50", "430.00"}, rowsOf(s)[in.Number-1])
	}
	assert.Equal(t, row{"2027-01-15", "407.50", "12.50", "420.00"}, rowsOf(s)[11])
	assert.Equal(t, cny("5000"), s.Totals().Principal)

	// Rounding to whole tens: 416.67 → 420 and 12.50 → 10, so 430.00
	// again but with 417.50 principal; rounding up to tens: 420 + 20.
	terms.InstallmentMultiple, terms.InstallmentRounding = cny("10"), money.Up
	s = generate(t, terms)
	assert.Equal(t, cny("440.00"), s.Installments[0].Payment)
	assert.Equal(t, cny("427.50"), s.Installments[0].Principal)

	// Equal principal has no installment to round (its payments fall): the
	// multiple is refused there, naming the field.
	ep := monthly("5000", "3%", 12, schedule.EqualPrincipal)
	ep.InstallmentMultiple = cny("1")
	_, err := schedule.Generate(ep)
	assert.Equal(t, []string{"installment_multiple"}, fieldsOf(t, err))
}

// TestGraceOverlapping: Fineract counts grace on principal and grace on
// interest payment both from the first period
// (LoanApplicationTerms.updatePeriodNumberApplicableForPrincipalOrInterestGrace
// marks periods 1..n for each), the interest of the interest-grace periods
// falling due with the first period after them
// (isFirstPeriodAfterInterestPaymentGracePeriod). 10,000 at 12 % over 12
// months with 3 periods of principal grace and 2 of interest grace: no
// payment in periods 1–2, period 3 pays 3 × 100.00 of interest, and the
// 10,000 amortises over the 9 periods left:
// 10,000 × 0.01 × 1.01⁹ / (1.01⁹ − 1) = 1,167.40.
func TestGraceOverlapping(t *testing.T) {
	terms := monthly("10000", "12%", 12, schedule.EqualInstallment)
	terms.InterestGrace, terms.PrincipalGrace, terms.GraceLayout = 2, 3, schedule.GraceOverlapping
	s := generate(t, terms)
	rows := rowsOf(s)
	assert.Equal(t, row{"2026-02-15", "0.00", "0.00", "0.00"}, rows[0])
	assert.Equal(t, row{"2026-03-15", "0.00", "0.00", "0.00"}, rows[1])
	assert.Equal(t, row{"2026-04-15", "0.00", "300.00", "300.00"}, rows[2])
	assert.Equal(t, row{"2026-05-15", "1067.40", "100.00", "1167.40"}, rows[3])
	assert.Equal(t, cny("10000"), s.Totals().Principal)

	// The same loan in today's sequential layout is interest grace 2
	// followed by principal grace 1.
	seq := terms
	seq.PrincipalGrace, seq.GraceLayout = 1, schedule.GraceSequential
	assert.Equal(t, s.Installments, generate(t, seq).Installments)

	// Interest grace within principal grace only.
	terms.InterestGrace = 4
	_, err := schedule.Generate(terms)
	assert.Equal(t, []string{"interest_grace"}, fieldsOf(t, err))
	// All of the term in grace is refused as before.
	terms.InterestGrace, terms.PrincipalGrace = 2, 12
	_, err = schedule.Generate(terms)
	assert.Equal(t, []string{"principal_grace"}, fieldsOf(t, err))
}

// TestBrokenPeriodConventions: the three ways lenders collect a broken
// first period's interest (Poonawalla Fincorp, "What is Broken Period
// Interest and How is it Calculated?", 2024: upfront, with the first
// payment, or over the payments). 10,000 at 12 % over 12 months from
// 2026-01-15, first due 2026-03-01: the first period is 45 days,
// 10,000 × 12 % × 45/360 = 150.00 of interest against a regular month's
// 100.00, an extra 50.00; the level installment is 888.49.
func TestBrokenPeriodConventions(t *testing.T) {
	base := monthly("10000", "12%", 12, schedule.EqualInstallment)
	base.FirstDue = d("2026-03-01")
	run := func(c schedule.BrokenPeriodInterest) *schedule.Schedule {
		terms := base
		terms.BrokenPeriod = c
		return generate(t, terms)
	}
	first := run(schedule.BrokenFirstInstallment) // today's default
	assert.Equal(t, row{"2026-03-01", "788.49", "150.00", "938.49"}, rowsOf(first)[0])
	assert.Equal(t, cny("888.49"), first.Installments[1].Payment)

	// Spread: 50.00 over 12 installments is 4.1666…: the first 8 take
	// 4.17, the last 4 take 4.16 (5,000 fen = 12 × 416 + 8).
	spread := run(schedule.BrokenSpread)
	assert.Equal(t, row{"2026-03-01", "788.49", "104.17", "892.66"}, rowsOf(spread)[0])
	for _, in := range spread.Installments[1:8] {
		assert.Equal(t, cny("892.66"), in.Payment, "installment %d", in.Number)
	}
	for _, in := range spread.Installments[8:11] {
		assert.Equal(t, cny("892.65"), in.Payment, "installment %d", in.Number)
	}
	assert.Equal(t, cny("892.63"), spread.Installments[11].Payment) // 888.47 + 4.16

	// Upfront: 50.00 due at disbursement, the first installment level.
	upfront := run(schedule.BrokenUpfront)
	require.Len(t, upfront.Installments, 13)
	at := upfront.Installments[0]
	assert.True(t, at.AtDisbursement())
	assert.Equal(t, row{"2026-01-15", "0.00", "50.00", "50.00"}, rowsOf(upfront)[0])
	assert.Equal(t, row{"2026-03-01", "788.49", "100.00", "888.49"}, rowsOf(upfront)[1])
	assert.Equal(t, []int{1, 2, 13}, []int{at.Number, upfront.Installments[1].Number, upfront.Installments[12].Number})

	// The same interest in all three, only placed differently.
	for _, s := range []*schedule.Schedule{spread, upfront} {
		assert.Equal(t, first.Totals(), s.Totals())
	}

	// A short first period has no extra to charge upfront; the periodic
	// basis is needed to speak of a regular period's interest.
	short := base
	short.FirstDue, short.BrokenPeriod = d("2026-02-01"), schedule.BrokenUpfront
	_, err := schedule.Generate(short)
	assert.Equal(t, []string{"broken_period"}, fieldsOf(t, err))
	actual := base
	actual.Basis, actual.BrokenPeriod = schedule.Actual, schedule.BrokenSpread
	_, err = schedule.Generate(actual)
	assert.Equal(t, []string{"broken_period"}, fieldsOf(t, err))
	// A short first period spreads a negative extra: 2026-01-15 → 02-01
	// is 17 days, 56.67 of interest, 43.33 less than a month's.
	short.BrokenPeriod = schedule.BrokenSpread
	s := generate(t, short)
	assert.Equal(t, cny("100.00").Sub(cny("3.62")), s.Installments[0].Interest) // −4,333 fen / 12 = −361 rest −1: the first takes −3.62, the others −3.61
}

// TestEveryNDays: Fineract's "repaid every 15 days" (its e2e feature
// Loan.feature: 500 from 1 January 2023 in 3 repayments every 15 days with
// a 25 % down payment: 125.00 on 1 January, then 125.00 on 16 January,
// 31 January and 15 February). The periodic rate is annual × 15 / 365 on
// ACT/365F and × 15 / 360 on ACT/360 (LoanApplicationTerms
// .periodicInterestRate with daysInYearType): 10,000 at 12 % pays
// 10,000 × 0.12 × 15/365 = 49.3150… → 49.32, or 50.00.
func TestEveryNDays(t *testing.T) {
	terms := schedule.Terms{Principal: eur("500"), AnnualRate: money.MustRate("0"), Method: schedule.EqualInstallment,
		Frequency: schedule.EveryNDays, PeriodDays: 15, Periods: 3, Start: d("2023-01-01"),
		DownPayment: schedule.DownPayment{Share: money.MustRate("25%")}}
	assert.Equal(t, []row{
		{"2023-01-01", "125.00", "0.00", "125.00"},
		{"2023-01-16", "125.00", "0.00", "125.00"},
		{"2023-01-31", "125.00", "0.00", "125.00"},
		{"2023-02-15", "125.00", "0.00", "125.00"},
	}, rowsOf(generate(t, terms)))

	ep := monthly("10000", "12%", 4, schedule.EqualPrincipal)
	ep.Frequency, ep.PeriodDays, ep.DayCount = schedule.EveryNDays, 15, schedule.Actual365Fixed
	s := generate(t, ep)
	assert.Equal(t, cny("49.32"), s.Installments[0].Interest)
	assert.Equal(t, cny("36.99"), s.Installments[1].Interest) // 7,500 × 0.12 × 15/365 = 36.986…
	ep.DayCount = schedule.Actual360
	assert.Equal(t, cny("50.00"), generate(t, ep).Installments[0].Interest)
	apr, err := s.APR()
	require.NoError(t, err)
	// The periodic IRR is the periodic rate, up to the rounding of the
	// interest to the cent: × 365 / 15 = 12.00 %.
	assert.Equal(t, "0.1200", apr.StringFixed(4))

	// N-day periods need N, and N needs them.
	ep.PeriodDays = 0
	_, err = schedule.Generate(ep)
	assert.Equal(t, []string{"period_days"}, fieldsOf(t, err))
	m := monthly("10000", "12%", 4, schedule.EqualPrincipal)
	m.PeriodDays = 15
	_, err = schedule.Generate(m)
	assert.Equal(t, []string{"period_days"}, fieldsOf(t, err))
}

// TestSemiMonthlyFixedDays: semi-monthly due dates on two fixed days,
// Fineract's SEMI_MONTHLY frequency (SemiMonthlyScheduleDates: the first
// due date is the first of the two days strictly after the disbursement, a
// second day of 31 is the month's last day) — the 15th and month end of
// FINERACT-843, or the 1st and 16th. From 2026-02-03 the 15th and month
// end give 02-15, 02-28, 03-15, 03-31; the first period is a broken 12
// days (1,200 × 12 % × 12/360 = 4.80), the others half a month
// (900 × 12 % / 24 = 4.50).
func TestSemiMonthlyFixedDays(t *testing.T) {
	terms := monthly("1200", "12%", 4, schedule.EqualPrincipal)
	terms.Frequency, terms.Start = schedule.SemiMonthly, d("2026-02-03")
	terms.SemiMonthlyDays = [2]int{15, 31}
	assert.Equal(t, []row{
		{"2026-02-15", "300.00", "4.80", "304.80"},
		{"2026-02-28", "300.00", "4.50", "304.50"},
		{"2026-03-15", "300.00", "3.00", "303.00"},
		{"2026-03-31", "300.00", "1.50", "301.50"},
	}, rowsOf(generate(t, terms)))

	terms.SemiMonthlyDays = [2]int{1, 16}
	s := generate(t, terms)
	assert.Equal(t, []string{"2026-02-16", "2026-03-01", "2026-03-16", "2026-04-01"},
		[]string{s.Installments[0].Due.String(), s.Installments[1].Due.String(), s.Installments[2].Due.String(), s.Installments[3].Due.String()})

	// Disbursed on one of the days, the first period is a regular one.
	terms.Start = d("2026-02-16")
	s = generate(t, terms)
	assert.Equal(t, "2026-03-01", s.Installments[0].Due.String())
	assert.Equal(t, cny("6.00"), s.Installments[0].Interest) // 1,200 × 12 % / 24

	// A later first due date must be one of the days.
	terms.FirstDue = d("2026-03-10")
	_, err := schedule.Generate(terms)
	assert.Equal(t, []string{"first_due"}, fieldsOf(t, err))

	for _, c := range []struct {
		days   [2]int
		freq   schedule.Frequency
		anchor int
		field  string
	}{
		{[2]int{28, 31}, schedule.SemiMonthly, 0, "semi_monthly_days"}, // the first day must exist in every month and stay below the second
		{[2]int{16, 15}, schedule.SemiMonthly, 0, "semi_monthly_days"},
		{[2]int{1, 32}, schedule.SemiMonthly, 0, "semi_monthly_days"},
		{[2]int{1, 16}, schedule.Monthly, 0, "semi_monthly_days"},
		{[2]int{1, 16}, schedule.SemiMonthly, 1, "anchor_day"},
	} {
		bad := monthly("1200", "12%", 4, schedule.EqualPrincipal)
		bad.Frequency, bad.SemiMonthlyDays, bad.AnchorDay = c.freq, c.days, c.anchor
		bad.Start = d("2026-02-01")
		_, err := schedule.Generate(bad)
		assert.Contains(t, fieldsOf(t, err), c.field, "%v", c.days)
	}
}

// TestDownPayment: Fineract's down payment (e2e feature
// LoanDownPayment.feature, "Single disbursement normal flow"): 1,000 at
// 0 % over 3 months from 1 January 2022 with 25 % down is 250.00 due on
// the disbursement date, then 250.00 on 1 February, 1 March and 1 April.
// With installments in multiples of 1 ("Verify correct Loan Repayment EMI
// Amount is calculated and is rounded off if loan product
// installmentAmountInMultiplesOf is set"): 1,250 gives 312.5 → 312 down
// (half-even, Fineract's default), then 938 / 3 = 312.67 → 313, 313 and
// the residual 312.
func TestDownPayment(t *testing.T) {
	terms := schedule.Terms{Principal: eur("1000"), AnnualRate: money.MustRate("0"), Method: schedule.EqualInstallment,
		Periods: 3, Start: d("2022-01-01"), DownPayment: schedule.DownPayment{Share: money.MustRate("25%")}}
	s := generate(t, terms)
	assert.Equal(t, []row{
		{"2022-01-01", "250.00", "0.00", "250.00"},
		{"2022-02-01", "250.00", "0.00", "250.00"},
		{"2022-03-01", "250.00", "0.00", "250.00"},
		{"2022-04-01", "250.00", "0.00", "250.00"},
	}, rowsOf(s))
	assert.True(t, s.Installments[0].AtDisbursement())
	assert.False(t, s.Installments[1].AtDisbursement())
	assert.Equal(t, eur("750"), s.Installments[0].Balance)
	assert.Equal(t, eur("1000"), s.Totals().Principal)

	terms.Principal = eur("1250")
	terms.InstallmentMultiple, terms.InstallmentRounding, terms.Rounding = eur("1"), money.HalfEven, money.HalfEven
	assert.Equal(t, []string{"312.00", "313.00", "313.00", "312.00"}, payments(generate(t, terms)))

	// An amount instead of a share, on an interest-bearing loan: 2,500 down
	// on 10,000 leaves 7,500 at 1 % a month, 666.37 a month
	// (7,500 × 0.01 × 1.01¹² / (1.01¹² − 1) = 666.366…), and the true cost
	// is the rate itself: the amount advanced is 10,000 less the 2,500
	// paid back at once.
	loan := monthly("10000", "12%", 12, schedule.EqualInstallment)
	loan.DownPayment.Amount = cny("2500")
	s = generate(t, loan)
	assert.Equal(t, cny("2500"), s.Installments[0].Principal)
	assert.Equal(t, cny("666.37"), s.Installments[1].Payment)
	assert.Equal(t, cny("75.00"), s.Installments[1].Interest)
	apr, err := s.APR()
	require.NoError(t, err)
	assert.Equal(t, "0.1200", apr.StringFixed(4)) // up to the rounding of the payments to the cent

	for _, c := range []struct {
		name  string
		dp    schedule.DownPayment
		field string
	}{
		{"above the principal", schedule.DownPayment{Amount: cny("12000")}, "down_payment.amount"},
		{"the whole principal", schedule.DownPayment{Amount: cny("10000")}, "down_payment.amount"},
		{"another currency", schedule.DownPayment{Amount: money.MustParse("100", money.USD)}, "down_payment.amount"},
		{"negative", schedule.DownPayment{Amount: cny("-1")}, "down_payment.amount"},
		{"a share of all", schedule.DownPayment{Share: money.MustRate("100%")}, "down_payment.share"},
		{"a negative share", schedule.DownPayment{Share: money.MustRate("-5%")}, "down_payment.share"},
		{"both", schedule.DownPayment{Share: money.MustRate("10%"), Amount: cny("100")}, "down_payment"},
	} {
		bad := monthly("10000", "12%", 12, schedule.EqualInstallment)
		bad.DownPayment = c.dp
		_, err := schedule.Generate(bad)
		assert.Equal(t, []string{c.field}, fieldsOf(t, err), c.name)
	}
	bullet := monthly("10000", "12%", 12, schedule.Bullet)
	bullet.DownPayment.Share = money.MustRate("10%")
	_, err = schedule.Generate(bullet)
	assert.Equal(t, []string{"down_payment"}, fieldsOf(t, err))
	// A share that rounds up to the whole disbursement leaves nothing.
	round := monthly("100", "12%", 12, schedule.EqualInstallment)
	round.DownPayment.Share, round.InstallmentMultiple = money.MustRate("99%"), cny("100")
	_, err = schedule.Generate(round)
	assert.Equal(t, []string{"down_payment.share"}, fieldsOf(t, err))
}

func payments(s *schedule.Schedule) []string {
	out := make([]string, len(s.Installments))
	for i, in := range s.Installments {
		out[i] = in.Payment.Number()
	}
	return out
}

// TestTranches: Fineract's multi-disbursement schedule (LoanDownPayment
// .feature, "Double disbursement different day"): 2,000 approved at 0 %
// over 3 months from 1 January 2022 with 25 % down; 1,000 disbursed on
// 1 January (250 down, then 250 × 3), 400 more on 10 January (100 down,
// and 750 + 300 = 1,050 re-spread as 350 × 3).
func TestTranches(t *testing.T) {
	terms := schedule.Terms{Principal: eur("2000"), AnnualRate: money.MustRate("0"), Method: schedule.EqualInstallment,
		Periods: 3, Start: d("2022-01-01"), DownPayment: schedule.DownPayment{Share: money.MustRate("25%")},
		Tranches: []schedule.Tranche{{Date: d("2022-01-01"), Amount: eur("1000")}, {Date: d("2022-01-10"), Amount: eur("400")},
			{Date: d("2022-02-15"), Amount: eur("600")}}}

	first, err := terms.Plan(terms.Tranches[:1])
	require.NoError(t, err)
	assert.Equal(t, []string{"250.00", "250.00", "250.00", "250.00"}, payments(first))
	assert.Equal(t, eur("1000"), terms.Undisbursed(terms.Tranches[:1]))

	two, err := terms.Plan(terms.Tranches[:2])
	require.NoError(t, err)
	assert.Equal(t, []row{
		{"2022-01-01", "250.00", "0.00", "250.00"},
		{"2022-01-10", "100.00", "0.00", "100.00"},
		{"2022-02-01", "350.00", "0.00", "350.00"},
		{"2022-03-01", "350.00", "0.00", "350.00"},
		{"2022-04-01", "350.00", "0.00", "350.00"},
	}, rowsOf(two))
	assert.True(t, two.Installments[1].AtDisbursement())
	assert.Equal(t, eur("1050"), two.Installments[1].Balance)
	assert.Equal(t, []int{1, 2, 3, 4, 5}, numbers(two))
	assert.Equal(t, eur("600"), terms.Undisbursed(terms.Tranches[:2]))

	// All three as planned is what Generate gives: the third, 600 on
	// 15 February after the February installment, adds 600 − 150 down to
	// the 700 left: 1,150 over the two installments left, 575 each.
	all := generate(t, terms)
	assert.Equal(t, []string{"250.00", "100.00", "350.00", "150.00", "575.00", "575.00"}, payments(all))
	assert.Equal(t, eur("2000"), all.Totals().Principal)
	assert.Equal(t, terms.Disbursements(), terms.Tranches)
}

func numbers(s *schedule.Schedule) []int {
	out := make([]int, len(s.Installments))
	for i, in := range s.Installments {
		out[i] = in.Number
	}
	return out
}

// TestTrancheInterest: a tranche in the middle of a period. 10,000 at 12 %
// over 12 months from 2026-01-15, 6,000 then 4,000 on 2026-03-01. The first
// tranche alone pays 533.09 a month (888.49 × 0.6); after the February
// installment 5,526.91 is left. The tranche accrues on it from 02-15 to
// 03-01, 14 days: 5,526.91 × 12 % × 14/360 = 25.79; from 03-01 the new
// balance 9,526.91 is re-amortised over the 11 months left:
// 9,526.91 × 0.01 × 1.01¹¹ / (1.01¹¹ − 1) = 918.909… → 918.91, its first
// period 14 days (9,526.91 × 12 % × 14/360 = 44.46) with the regular
// principal 918.91 − 95.27 = 823.64. The March installment carries both
// pieces of interest, 25.79 + 44.46 = 70.25.
func TestTrancheInterest(t *testing.T) {
	terms := monthly("10000", "12%", 12, schedule.EqualInstallment)
	terms.Tranches = []schedule.Tranche{{Date: d("2026-01-15"), Amount: cny("6000")}, {Date: d("2026-03-01"), Amount: cny("4000")}}
	s := generate(t, terms)
	rows := rowsOf(s)
	assert.Equal(t, row{"2026-02-15", "473.09", "60.00", "533.09"}, rows[0])
	assert.Equal(t, row{"2026-03-15", "823.64", "70.25", "893.89"}, rows[1])
	assert.Equal(t, d("2026-02-15"), s.Installments[1].From)
	assert.Equal(t, cny("918.91"), s.Installments[2].Payment)
	assert.Equal(t, d("2027-01-15"), s.Maturity())
	assert.Equal(t, cny("10000"), s.Totals().Principal)
	_, err := s.APR()
	assert.ErrorIs(t, err, schedule.ErrNoIRR)
}

// TestTrancheErrors: every tranche conflict is refused naming the field.
func TestTrancheErrors(t *testing.T) {
	good := func() schedule.Terms {
		terms := monthly("10000", "12%", 12, schedule.EqualInstallment)
		terms.Tranches = []schedule.Tranche{{Date: d("2026-01-15"), Amount: cny("6000")}, {Date: d("2026-03-01"), Amount: cny("4000")}}
		return terms
	}
	for _, c := range []struct {
		name   string
		change func(*schedule.Terms)
		fields []string
	}{
		{"a tranche after maturity", func(t *schedule.Terms) { t.Tranches[1].Date = d("2027-03-01") }, []string{"tranches[1].date"}},
		{"a tranche on the maturity date", func(t *schedule.Terms) { t.Tranches[1].Date = d("2027-01-15") }, []string{"tranches[1].date"}},
		{"the first tranche after the start", func(t *schedule.Terms) { t.Tranches[0].Date = d("2026-01-20") }, []string{"tranches[0].date"}},
		{"out of order", func(t *schedule.Terms) { t.Tranches[1].Date = d("2026-01-15") }, []string{"tranches[1].date"}},
		{"not adding up", func(t *schedule.Terms) { t.Tranches[1].Amount = cny("3000") }, []string{"tranches"}},
		{"a zero tranche", func(t *schedule.Terms) { t.Tranches[1].Amount = cny("0") }, []string{"tranches[1].amount"}},
		{"another currency", func(t *schedule.Terms) { t.Tranches[0].Amount = money.MustParse("6000", money.USD) }, []string{"tranches[0].amount"}},
		{"a bullet", func(t *schedule.Terms) { t.Method = schedule.Bullet }, []string{"tranches"}},
		{"level totals", func(t *schedule.Terms) { t.Totals = schedule.LevelPayment }, []string{"totals"}},
		{"a down payment above the first tranche", func(t *schedule.Terms) { t.DownPayment.Amount = cny("7000") }, []string{"down_payment.amount"}},
	} {
		terms := good()
		c.change(&terms)
		_, err := schedule.Generate(terms)
		assert.Equal(t, c.fields, fieldsOf(t, err), c.name)
	}

	terms := good()
	for _, c := range []struct {
		name      string
		disbursed []schedule.Tranche
		fields    []string
	}{
		{"nothing", nil, []string{"disbursed"}},
		{"more than the principal", []schedule.Tranche{{Date: d("2026-01-15"), Amount: cny("6000")}, {Date: d("2026-02-01"), Amount: cny("4000.01")}},
			[]string{"disbursed"}},
		{"after maturity", []schedule.Tranche{{Date: d("2026-01-15"), Amount: cny("6000")}, {Date: d("2027-02-01"), Amount: cny("10")}},
			[]string{"disbursed[1].date"}},
	} {
		_, err := terms.Plan(c.disbursed)
		assert.Equal(t, c.fields, fieldsOf(t, err), c.name)
	}
	// Actual disbursements may differ from the plan: less, later.
	s, err := terms.Plan([]schedule.Tranche{{Date: d("2026-01-15"), Amount: cny("6000")}, {Date: d("2026-04-15"), Amount: cny("1000")}})
	require.NoError(t, err)
	assert.Equal(t, cny("7000"), s.Totals().Principal)
	assert.Equal(t, cny("3000"), terms.Undisbursed([]schedule.Tranche{{Amount: cny("6000")}, {Amount: cny("1000")}}))
	// A loan in tranches is re-planned, not re-amortised.
	_, err = s.Reamortize(d("2026-05-15"), cny("100"), schedule.KeepTerm)
	assert.Equal(t, []string{"tranches"}, fieldsOf(t, err))
}

// TestKeepInstallmentEqualPrincipal settles issue 17's disagreement (one
// implementation gave 9 remaining periods, the other 10). 12,000 at 12 %
// over 12 months, equal principal: 1,000.00 a month. After the second
// installment (2026-03-15) 10,000 is left; a prepayment cuts it to 9,010.
// Keeping the payment of the next installment, 1,000 + 100 = 1,100.00,
// would allow 9 periods (9,010 / 9 = 1,001.11 + 90.10 = 1,091.21 ≤ 1,100);
// keeping the principal part, 1,000.00, needs ⌈9,010 / 1,000⌉ = 10. Ten is
// right: Apache Fineract's REDUCE_NUMBER_OF_INSTALLMENTS keeps the fixed
// principal amount of an equal-principal loan ("number of installments
// will reduce but emi amount won't get effected", AbstractCumulative
// LoanScheduleGenerator.applyEarlyPaymentStrategy; only REDUCE_EMI_AMOUNT
// calls updateFixedPrincipalAmount), as does Mambu's prepayment
// recalculation "keep the same principal amount"
// (docs.mambu.com/docs/prepayment-recalculation-methods/). The ten periods
// share 9,010 equally: 901.00 each, interest 9,010 × 1 % = 90.10 first.
func TestKeepInstallmentEqualPrincipal(t *testing.T) {
	orig := generate(t, monthly("12000", "12%", 12, schedule.EqualPrincipal))
	kept, err := orig.KeptInstallment()
	require.NoError(t, err)
	assert.Equal(t, cny("1000"), kept)

	s, err := orig.Reamortize(d("2026-03-15"), cny("9010"), schedule.KeepInstallment)
	require.NoError(t, err)
	require.Len(t, s.Installments, 10)
	assert.Equal(t, row{"2026-04-15", "901.00", "90.10", "991.10"}, rowsOf(s)[0])
	assert.Equal(t, d("2027-01-15"), s.Maturity())

	// The same count straight from the terms of the new plan.
	rest := s.Terms
	rest.Periods = 10
	n, err := rest.KeepInstallmentPeriods(cny("1000"))
	require.NoError(t, err)
	assert.Equal(t, 10, n)
	n, err = rest.KeepInstallmentPeriods(cny("1001.12"))
	require.NoError(t, err)
	assert.Equal(t, 9, n)

	// Equal installment keeps the level payment 888.49 (TestReamortize's
	// loan): 3,000 left needs 4 periods.
	ei := generate(t, monthly("10000", "12%", 12, schedule.EqualInstallment))
	kept, err = ei.KeptInstallment()
	require.NoError(t, err)
	assert.Equal(t, cny("888.49"), kept)
	left := monthly("3000", "12%", 6, schedule.EqualInstallment)
	n, err = left.KeepInstallmentPeriods(kept)
	require.NoError(t, err)
	assert.Equal(t, 4, n)

	for _, c := range []struct {
		terms       schedule.Terms
		installment money.Amount
		field       string
	}{
		{left, cny("0"), "installment"},
		{left, money.MustParse("100", money.USD), "installment"},
		{monthly("3000", "12%", 6, schedule.InterestOnly), cny("100"), "keep"},
		{func() schedule.Terms { g := left; g.PrincipalGrace = 1; return g }(), cny("100"), "keep"},
	} {
		_, err := c.terms.KeepInstallmentPeriods(c.installment)
		assert.Equal(t, []string{c.field}, fieldsOf(t, err))
	}
}

// TestReamortizeAfterDownPayment: re-amortising a loan with a down payment
// keeps it out of the new plan, whose principal is what is left.
func TestReamortizeAfterDownPayment(t *testing.T) {
	terms := monthly("10000", "12%", 12, schedule.EqualInstallment)
	terms.DownPayment.Amount = cny("2500")
	orig := generate(t, terms)
	kept, err := orig.KeptInstallment()
	require.NoError(t, err)
	assert.Equal(t, cny("666.37"), kept)
	s, err := orig.Reamortize(d("2026-07-15"), cny("3000"), schedule.KeepTerm)
	require.NoError(t, err)
	require.Len(t, s.Installments, 6)
	assert.False(t, s.Installments[0].AtDisbursement())
	assert.True(t, s.Terms.DownPayment.IsZero())
	assert.Equal(t, cny("3000"), s.Totals().Principal)
}

// TestNewOptionsJSON: the options round-trip through the JSON form scenario
// files use, with the names docs/scenarios.md lists; terms without them
// encode as before.
func TestNewOptionsJSON(t *testing.T) {
	terms := monthly("10000", "12%", 12, schedule.EqualInstallment)
	terms.GraceLayout, terms.InterestGrace, terms.PrincipalGrace = schedule.GraceOverlapping, 1, 2
	terms.BrokenPeriod, terms.FirstDue = schedule.BrokenSpread, d("2026-03-01")
	terms.DownPayment.Share = money.MustRate("10%")
	terms.Tranches = []schedule.Tranche{{Date: d("2026-01-15"), Amount: cny("6000")}, {Date: d("2026-03-01"), Amount: cny("4000")}}
	b, err := json.Marshal(terms)
	require.NoError(t, err)
	for _, want := range []string{`"grace_layout":"overlapping"`, `"broken_period":"spread"`, `"down_payment":{"share":"0.1"}`,
		`"tranches":[{"date":"2026-01-15","amount":"CNY 6000.00"},{"date":"2026-03-01","amount":"CNY 4000.00"}]`} {
		assert.Contains(t, string(b), want)
	}
	var back schedule.Terms
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, terms, back)

	days := monthly("10000", "12%", 12, schedule.EqualInstallment)
	days.Frequency, days.PeriodDays = schedule.EveryNDays, 14
	semi := monthly("10000", "12%", 12, schedule.EqualInstallment)
	semi.Frequency, semi.SemiMonthlyDays = schedule.SemiMonthly, [2]int{15, 31}
	amount := monthly("10000", "12%", 12, schedule.EqualInstallment)
	amount.DownPayment.Amount = cny("1000")
	for _, c := range []struct {
		terms schedule.Terms
		want  string
	}{
		{days, `"frequency":"every-n-days"`},
		{days, `"period_days":14`},
		{semi, `"semi_monthly_days":[15,31]`},
		{amount, `"down_payment":{"amount":"CNY 1000.00"}`},
	} {
		b, err := json.Marshal(c.terms)
		require.NoError(t, err)
		assert.Contains(t, string(b), c.want)
		var back schedule.Terms
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, c.terms, back)
	}

	plain, err := json.Marshal(monthly("10000", "12%", 12, schedule.EqualInstallment))
	require.NoError(t, err)
	for _, absent := range []string{"grace_layout", "broken_period", "period_days", "semi_monthly_days", "down_payment", "tranches"} {
		assert.NotContains(t, string(plain), absent)
	}

	for _, bad := range []string{
		`{"start":"2026-01-15","down_payment":{"shares":"0.1"}}`,
		`{"start":"2026-01-15","tranches":[{"date":"2026-02-30","amount":"CNY 1.00"}]}`,
		`{"start":"2026-01-15","tranches":[{"date":"2026-01-15","amount":"CNY 1.00","when":1}]}`,
		`{"start":"2026-01-15","grace_layout":"parallel"}`,
		`{"start":"2026-01-15","broken_period":"later"}`,
	} {
		var v schedule.Terms
		assert.Error(t, json.Unmarshal([]byte(bad), &v), bad)
	}
}

// TestNewOptionsEveryFieldAtOnce: the new options' bad fields are all
// reported in one error, each by its JSON path.
func TestNewOptionsEveryFieldAtOnce(t *testing.T) {
	terms := monthly("10000", "12%", 12, schedule.EqualInstallment)
	terms.GraceLayout = schedule.GraceLayout(7)
	terms.BrokenPeriod = schedule.BrokenPeriodInterest(9)
	terms.PeriodDays = 15                 // without every-n-days
	terms.SemiMonthlyDays = [2]int{1, 16} // without semi-monthly
	terms.DownPayment.Share = money.MustRate("2")
	terms.Tranches = []schedule.Tranche{{Date: d("2026-01-15"), Amount: cny("5000")}, {Date: d("2027-06-01"), Amount: cny("5000")}}
	_, err := schedule.Generate(terms)
	assert.ElementsMatch(t, []string{"grace_layout", "broken_period", "period_days", "semi_monthly_days", "down_payment.share"},
		fieldsOf(t, err))

	// With the grid good, a tranche after maturity is named alongside.
	terms = monthly("10000", "12%", 12, schedule.EqualInstallment)
	terms.DownPayment.Amount = cny("6000")
	terms.Tranches = []schedule.Tranche{{Date: d("2026-01-15"), Amount: cny("5000")}, {Date: d("2027-06-01"), Amount: cny("5000")}}
	_, err = schedule.Generate(terms)
	assert.Equal(t, []string{"down_payment.amount", "tranches[1].date"}, fieldsOf(t, err))
}

// TestOptionsWithOlderOnes: the new options combine with the older ones.
func TestOptionsWithOlderOnes(t *testing.T) {
	// The level-payment totals of a loan with a down payment: 2,500 down,
	// then 666.37 × 12 for 7,500: interest 7,996.44 − 7,500 = 496.44.
	terms := monthly("10000", "12%", 12, schedule.EqualInstallment)
	terms.DownPayment.Amount, terms.Totals = cny("2500"), schedule.LevelPayment
	tot := generate(t, terms).Totals()
	assert.Equal(t, cny("496.44"), tot.Interest)
	assert.Equal(t, cny("10000"), tot.Principal)

	// Re-amortising overlapping grace keeps what is left of it: interest
	// grace 1 (capitalised) within principal grace 3 is the sequential
	// interest grace 1 then principal grace 2, before and after.
	over := monthly("10000", "12%", 12, schedule.EqualInstallment)
	over.InterestGrace, over.PrincipalGrace, over.GraceLayout, over.CapitalizeGrace = 1, 3, schedule.GraceOverlapping, true
	seq := over
	seq.PrincipalGrace, seq.GraceLayout = 2, schedule.GraceSequential
	a, err := generate(t, over).Reamortize(d("2026-02-15"), cny("9000"), schedule.KeepTerm)
	require.NoError(t, err)
	b, err := generate(t, seq).Reamortize(d("2026-02-15"), cny("9000"), schedule.KeepTerm)
	require.NoError(t, err)
	assert.Equal(t, b.Installments, a.Installments)
	assert.Equal(t, []int{0, 2}, []int{a.Terms.InterestGrace, a.Terms.PrincipalGrace})
	assert.Equal(t, cny("90.00"), a.Installments[0].Payment) // interest only on 9,000

	// A broken first period under fixed semi-monthly days: spread.
	semi := monthly("1200", "12%", 4, schedule.EqualInstallment)
	semi.Frequency, semi.SemiMonthlyDays, semi.Start = schedule.SemiMonthly, [2]int{1, 16}, d("2026-02-03")
	semi.BrokenPeriod = schedule.BrokenSpread
	s := generate(t, semi)
	// 2026-02-03 → 02-16 is 13 days: 1,200 × 12 % × 13/360 = 5.20 against
	// half a month's 6.00: −0.80 spread as −0.20 on each installment.
	assert.Equal(t, cny("5.80"), s.Installments[0].Interest)
	assert.Equal(t, s.Installments[0].Payment, s.Installments[1].Payment)
}
