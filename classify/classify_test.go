package classify

import (
	"testing"
	"time"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var asOf2024 = date.New(2024, time.June, 30)

func cny(yuan int64) money.Amount { return money.New(yuan*100, money.CNY) }

func day(y int, m time.Month, d int) date.Date { return date.New(y, m, d) }

func compile(t testing.TB, p Policy) *Classifier {
	t.Helper()
	c, err := p.Compile()
	require.NoError(t, err)
	return c
}

// TestChina2023DPDBoundaries covers CN23-DPD-1..4 (the 2023 Measures' 关注,
// 次级, 可疑 and 损失 criteria; docs/regulations.md): "超过" is strictly greater, so 90, 270 and 360 days keep the lower grade.
func TestChina2023DPDBoundaries(t *testing.T) {
	c := compile(t, China2023())
	tests := []struct {
		name       string
		dpd        int
		collateral bool
		want       Grade
	}{
		{"T1 current", 0, false, Normal},
		{"T2 one day overdue → 关注 (CN23-DPD-1)", 1, false, SpecialMention},
		{"T3 90 days is not over 90 (CN23-DPD-2)", 90, false, SpecialMention},
		// T4: the Measures grade > 90 DPD at least 次级 even with ample
		// collateral; collateral is deliberately not an input of the rule.
		{"T4 91 days with collateral at 200 %", 91, true, Substandard},
		{"T5 270 days is not over 270 (CN23-DPD-3)", 270, false, Substandard},
		{"T5 271 days → 可疑", 271, false, Doubtful},
		{"T6 360 days is not over 360 (CN23-DPD-4)", 360, false, Doubtful},
		{"T6 361 days → 损失", 361, false, Loss},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Facts{DPD: tt.dpd, Balance: cny(10000)}
			r, err := c.Classify(&f, asOf2024)
			require.NoError(t, err)
			assert.Equal(t, tt.want, r.Grade)
		})
	}
}

// TestChinaCard2011 covers the 2011 card Measures art. 92 (CARD11-1..4):
// 95 DPD → 次级, 181 → 损失, 120/121 on the 可疑 edge.
func TestChinaCard2011(t *testing.T) {
	c := compile(t, ChinaCard2011())
	for _, tt := range []struct {
		dpd  int
		want Grade
	}{{0, Normal}, {90, SpecialMention}, {95, Substandard}, {120, Substandard}, {121, Doubtful}, {180, Doubtful}, {181, Loss}} {
		f := Facts{DPD: tt.dpd, Balance: cny(5000), OpenEnd: true}
		r, err := c.Classify(&f, asOf2024)
		require.NoError(t, err)
		assert.Equal(t, tt.want, r.Grade, "dpd %d", tt.dpd)
	}
}

// TestChinaLegacy covers the legacy preset (CN07-*, the 2007 Guideline
// arts. 10–12 and the practice under them): 次级 91–180, 可疑 over 180;
// restructured at least 次级, 可疑 when still overdue.
func TestChinaLegacy(t *testing.T) {
	c := compile(t, ChinaLegacy())
	for _, tt := range []struct {
		dpd          int
		restructured bool
		want         Grade
	}{{0, false, Normal}, {1, false, SpecialMention}, {180, false, Substandard}, {181, false, Doubtful},
		{0, true, Substandard}, {5, true, Doubtful}} {
		f := Facts{DPD: tt.dpd, Balance: cny(5000), Restructured: tt.restructured}
		r, err := c.Classify(&f, asOf2024)
		require.NoError(t, err)
		assert.Equal(t, tt.want, r.Grade, "dpd %d restructured %v", tt.dpd, tt.restructured)
	}
}

// TestCreditImpaired covers CN23-IMP-1/2: credit-impaired
// → 次级; with ECL ≥ 50 % of the balance → 可疑 (ECL 55 % here; 49.99 % stays 次级).
func TestCreditImpaired(t *testing.T) {
	c := compile(t, China2023())
	for _, tt := range []struct {
		name string
		ecl  money.Amount
		want Grade
	}{
		{"no ECL", money.Amount{}, Substandard},
		{"ECL 49.99 %", money.New(499900, money.CNY), Substandard},
		{"ECL exactly 50 %", cny(5000), Doubtful},
		{"T9 ECL 55 %", cny(5500), Doubtful},
	} {
		f := Facts{Balance: cny(10000), ECL: tt.ecl, CreditImpaired: true}
		r, err := c.Classify(&f, asOf2024)
		require.NoError(t, err)
		assert.Equal(t, tt.want, r.Grade, tt.name)
		assert.Equal(t, Stage3, r.Stage, "IFRS9-S3-IMP: credit-impaired is stage 3")
	}
}

// TestIFRS9Staging covers IFRS 9 §5.5.11 and B5.5.37: stage 2 over 30 DPD
// (30 stays stage 1), stage 3 over 90 DPD, stage 2 on a SICR signal.
func TestIFRS9Staging(t *testing.T) {
	c := compile(t, IFRS9())
	for _, tt := range []struct {
		dpd  int
		sicr bool
		want Stage
	}{{0, false, Stage1}, {30, false, Stage1}, {31, false, Stage2}, {90, false, Stage2}, {91, false, Stage3}, {0, true, Stage2}} {
		f := Facts{DPD: tt.dpd, Balance: cny(100), SignificantIncrease: tt.sicr}
		r, err := c.Classify(&f, asOf2024)
		require.NoError(t, err)
		assert.Equal(t, tt.want, r.Stage, "dpd %d sicr %v", tt.dpd, tt.sicr)
		assert.Equal(t, Normal, r.Grade, "a staging-only policy grades nothing")
	}
}

// TestFFIEC covers US-R1..R5 of the FFIEC Uniform Retail Credit
// Classification and Account Management Policy (2000).
func TestFFIEC(t *testing.T) {
	c := compile(t, USFFIEC())
	notice := day(2024, time.March, 1)
	for _, tt := range []struct {
		name      string
		f         Facts
		grade     Grade
		chargeOff bool
		by        date.Date
	}{
		{"US-R1 89 days", Facts{DPD: 89}, Normal, false, date.Date{}},
		{"US-R1 90 days → substandard", Facts{DPD: 90}, Substandard, false, date.Date{}},
		{"US-R2 closed-end 120 → loss, charge off now", Facts{DPD: 120}, Loss, true, asOf2024},
		{"US-R3 open-end 120 is not yet loss", Facts{DPD: 120, OpenEnd: true}, Substandard, false, date.Date{}},
		{"US-R3 open-end 180 → loss", Facts{DPD: 180, OpenEnd: true}, Loss, true, asOf2024},
		// US-R4: charge off within 60 days of the notice: 2024-03-01 + 60 = 2024-04-30.
		{"US-R4 bankruptcy", Facts{BankruptcyNotice: notice}, Normal, true, day(2024, time.April, 30)},
		// US-R5: within 90 days of discovery: 2024-03-01 + 90 = 2024-05-30.
		{"US-R5 fraud", Facts{FraudFound: notice}, Normal, true, day(2024, time.May, 30)},
		// Both: the earlier deadline wins.
		{"US-R4+R5", Facts{BankruptcyNotice: notice, FraudFound: notice}, Normal, true, day(2024, time.April, 30)},
		{"notice after as-of is ignored", Facts{BankruptcyNotice: day(2024, time.July, 1)}, Normal, false, date.Date{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, err := c.Classify(&tt.f, asOf2024)
			require.NoError(t, err)
			assert.Equal(t, tt.grade, r.Grade)
			assert.Equal(t, tt.chargeOff, r.ChargeOff)
			if tt.chargeOff {
				assert.Equal(t, tt.by, r.ChargeOffBy)
			}
		})
	}
}

// TestChargeOffDeadlineStaysPut: the FFIEC deadline runs from the event,
// not from the day the question is asked. A closed-end loan reaches 120
// DPD on 2024-06-30 (US-R2: charge off then); asked 30 days later at 150
// DPD the deadline is still 2024-06-30. A bankruptcy notice of 2024-03-01
// gives 2024-04-30 (60 days, US-R4) on any later day. A DPD-only rule
// (the lookup-table path) with 30 days' grace over 180 DPD: 181 DPD was
// reached on 2024-06-30, so the deadline is 2024-07-30 asked then or 20
// days later. A charge-off rule with nothing to date it is refused.
func TestChargeOffDeadlineStaysPut(t *testing.T) {
	c := compile(t, USFFIEC())
	later := asOf2024.Add(30)
	for _, tt := range []struct {
		name string
		f    Facts
		on   date.Date
		want date.Date
	}{
		{"US-R2 at 120 DPD", Facts{DPD: 120}, asOf2024, asOf2024},
		{"US-R2 30 days on", Facts{DPD: 150}, later, asOf2024},
		{"US-R4 asked at once", Facts{BankruptcyNotice: day(2024, time.March, 1)}, day(2024, time.March, 1), day(2024, time.April, 30)},
		{"US-R4 asked later", Facts{BankruptcyNotice: day(2024, time.March, 1)}, later, day(2024, time.April, 30)},
	} {
		r, err := c.Classify(&tt.f, tt.on)
		require.NoError(t, err)
		require.True(t, r.ChargeOff, tt.name)
		assert.Equal(t, tt.want, r.ChargeOffBy, tt.name)
	}

	p := Policy{Name: "table", Buckets: USBuckets(), Rules: []Rule{{ID: "CO-180", Regime: "house", When: when(Over(DaysPastDue, 180)),
		Then: Outcome{ChargeOff: true, ChargeOffWithinDays: 30}, Evidence: House, Source: "house"}},
		Observation: Observation{Evidence: House, Source: "house"}}
	tc := compile(t, p)
	for _, dpd := range []int{181, 201, 400} {
		f := Facts{DPD: dpd}
		r, err := tc.Classify(&f, asOf2024.Add(date.PeriodOfDays(dpd-181)))
		require.NoError(t, err)
		assert.Equal(t, day(2024, time.July, 30), r.ChargeOffBy, "dpd %d", dpd)
	}

	p.Rules[0].When = when(Is(CreditImpaired))
	var bad *fault.Fields
	require.ErrorAs(t, p.Validate(), &bad)
	assert.True(t, bad.Has("rules[0].then.charge_off"), "%v", bad)
}

// TestEffectiveDates: the 2023 Measures apply from 2023-07-01; before
// that day the default policy grades by the practice under the 2007
// Guideline (银监发〔2007〕54号 art. 11(1): overdue beyond a set period at
// least 次级, read as 90 days; art. 10(4): any overdue at least 关注), so
// no date is left ungraded: 88 days overdue in April 2023 is 关注, 100
// days on 2023-06-30 次级 by CN07-DPD-2, and on 2023-07-01 by CN23-DPD-2.
func TestEffectiveDates(t *testing.T) {
	c := compile(t, China2023())
	f := Facts{DPD: 100}
	before, err := c.Classify(&f, day(2023, time.June, 30))
	require.NoError(t, err)
	after, err := c.Classify(&f, day(2023, time.July, 1))
	require.NoError(t, err)
	assert.Equal(t, Substandard, before.Grade)
	assert.Equal(t, []string{"CN07-DPD-1", "CN07-DPD-2", "IFRS9-S2-DPD", "IFRS9-S3-DPD"}, c.Triggered(before))
	assert.Equal(t, Substandard, after.Grade)
	assert.Equal(t, []string{"CN23-DPD-1", "CN23-DPD-2", "IFRS9-S2-DPD", "IFRS9-S3-DPD"}, c.Triggered(after))
	assert.Equal(t, Stage3, before.Stage, "IFRS 9 rows are in force since 2018")

	april := Facts{DPD: 88}
	r, err := c.Classify(&april, day(2023, time.April, 15))
	require.NoError(t, err)
	assert.Equal(t, SpecialMention, r.Grade, "88 days overdue in April 2023")
	assert.Equal(t, []string{"CN07-DPD-1", "IFRS9-S2-DPD"}, c.Triggered(r))

	// The 2023 rows alone leave the days before them ungraded.
	only := China2023()
	only.Rules = append(China2023Rules(), IFRS9Rules()...)
	r, err = compile(t, only).Classify(&april, day(2023, time.April, 15))
	require.NoError(t, err)
	assert.Equal(t, Normal, r.Grade)
}

// TestRulesBeforeAndFrom: chaining clamps the effective dates without
// touching the originals.
func TestRulesBeforeAndFrom(t *testing.T) {
	d := day(2023, time.July, 1)
	legacy := ChinaLegacyRules()
	before := RulesBefore(legacy, d)
	require.Len(t, before, len(legacy))
	for _, r := range before {
		assert.Equal(t, day(2023, time.June, 30), r.EffectiveTo, r.ID)
	}
	assert.True(t, legacy[0].EffectiveTo.IsZero(), "the originals are unchanged")
	before[0].When[0].Days = 5
	assert.Equal(t, 0, legacy[0].When[0].Days, "conditions are copied")
	assert.Empty(t, RulesBefore(China2023Rules(), d), "no 2023 row is in force before 2023-07-01")
	from := RulesFrom(IFRS9Rules(), d)
	require.Len(t, from, 4)
	assert.Equal(t, d, from[0].EffectiveFrom)
	assert.Empty(t, RulesFrom(before, d))
}

// TestTriggeredIDs: the result names the rows that fired (traceability).
func TestTriggeredIDs(t *testing.T) {
	c := compile(t, China2023())
	f := Facts{DPD: 91, Signals: Signals{}.With(Litigation, SeverityHigh)}
	r, err := c.Classify(&f, asOf2024)
	require.NoError(t, err)
	assert.Equal(t, []string{"CN23-DPD-1", "CN23-DPD-2", "IFRS9-S2-DPD", "IFRS9-S3-DPD",
		"EW-litigation-low", "EW-litigation-medium", "EW-litigation-high"}, c.Triggered(r))
	assert.Equal(t, Red, r.Level)
	assert.Equal(t, 4, r.Bucket, "91 DPD is M4 (91–120) in the China buckets")
}

// TestTechnicalGrace: the carve-out for technical overdue is configurable
// (Policy.TechnicalGraceDays; the 2023 Measures allow up to 7 days); with 3 days, a 3-day technical delay stays 正常.
func TestTechnicalGrace(t *testing.T) {
	p := China2023()
	p.TechnicalGraceDays = 3
	c := compile(t, p)
	for _, tt := range []struct {
		dpd  int
		tech bool
		want Grade
	}{{3, true, Normal}, {4, true, SpecialMention}, {3, false, SpecialMention}} {
		f := Facts{DPD: tt.dpd, TechnicalDelay: tt.tech}
		r, err := c.Classify(&f, asOf2024)
		require.NoError(t, err)
		assert.Equal(t, tt.want, r.Grade)
	}
}

// TestExternalContagion covers CN23-CON-2: more than 20 % of a non-retail
// debtor's debts at all banks over 90 DPD → at least 次级.
func TestExternalContagion(t *testing.T) {
	c := compile(t, China2023())
	for _, tt := range []struct {
		overdue   int64
		nonRetail bool
		want      Grade
	}{{20, true, Normal}, {21, true, Substandard}, {50, false, Normal}} {
		f := Facts{Balance: cny(10), NonRetail: tt.nonRetail, ExternalOverdue90: cny(tt.overdue), ExternalDebt: cny(100)}
		r, err := c.Classify(&f, asOf2024)
		require.NoError(t, err)
		assert.Equal(t, tt.want, r.Grade, "overdue %d of 100", tt.overdue)
	}
}

// TestDebtorContagion covers CN23-CON-1 (more than 10 %): claims 100/50/10
// with the 10 non-performing is 6.25 % → unchanged; 100/50/20 with the 20
// non-performing is 20/170 = 11.8 % > 10 % → all at least 次级.
func TestDebtorContagion(t *testing.T) {
	c := compile(t, China2023())
	for _, tt := range []struct {
		name      string
		npl       int64
		nonRetail bool
		want      [3]Grade
	}{
		{"T7 6.25 %", 10, true, [3]Grade{Normal, Normal, Substandard}},
		{"T8 11.8 %", 20, true, [3]Grade{Substandard, Substandard, Substandard}},
		{"retail debtor: no contagion", 20, false, [3]Grade{Normal, Normal, Substandard}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			claims := []Facts{
				{Balance: cny(100), NonRetail: tt.nonRetail},
				{Balance: cny(50), NonRetail: tt.nonRetail},
				{Balance: cny(tt.npl), DPD: 120, NonRetail: tt.nonRetail},
			}
			out := make([]Result, 3)
			require.NoError(t, c.ClassifyDebtor(claims, asOf2024, out))
			assert.Equal(t, tt.want, [3]Grade{out[0].Grade, out[1].Grade, out[2].Grade})
		})
	}
}

func TestDebtorRulesRejectMixedCurrencies(t *testing.T) {
	c := compile(t, China2023())
	claims := []Facts{{Balance: cny(1)}, {Balance: money.New(100, money.USD)}}
	res := []Result{{Grade: Normal}, {Grade: Substandard}}
	before := append([]Result(nil), res...)
	err := c.ApplyDebtorRules(claims, res, asOf2024)
	require.ErrorIs(t, err, ErrInvalidInput)
	assert.Equal(t, before, res, "bad input leaves results unchanged")
}

func TestClassifyRejectsBadFacts(t *testing.T) {
	c := compile(t, China2023())
	f := Facts{DPD: -1, Balance: cny(-1), ECL: money.New(1, money.USD)}
	_, err := c.Classify(&f, asOf2024)
	var v *fault.Fields
	require.ErrorAs(t, err, &v)
	assert.ErrorIs(t, err, ErrInvalidInput)
	assert.Len(t, v.List, 3, "dpd, balance and ecl currency are all reported: %v", err)
	_, err = c.Classify(nil, asOf2024)
	assert.ErrorIs(t, err, ErrInvalidInput)
	require.ErrorAs(t, err, &v)
	assert.True(t, v.Has("facts"), "%v", err)
}

// A Classifier not made by Policy.Compile has no rule tables: every entry
// point returns an error wrapping ErrInvalidPolicy instead of panicking.
func TestZeroClassifierErrors(t *testing.T) {
	f := Facts{DPD: 91, Balance: cny(10000)}
	for name, c := range map[string]*Classifier{"zero": {}, "nil": nil} {
		t.Run(name, func(t *testing.T) {
			require.NotPanics(t, func() {
				_, err := c.Classify(&f, asOf2024)
				assert.ErrorIs(t, err, ErrInvalidPolicy)
				_, err = c.Step(&Track{}, &f, asOf2024)
				assert.ErrorIs(t, err, ErrInvalidPolicy)
				out := make([]Result, 1)
				assert.ErrorIs(t, c.ClassifyDebtor([]Facts{f}, asOf2024, out), ErrInvalidPolicy)
				assert.ErrorIs(t, c.ApplyDebtorRules([]Facts{f}, out, asOf2024), ErrInvalidPolicy)
			})
		})
	}
}
