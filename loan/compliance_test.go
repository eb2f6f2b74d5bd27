package loan

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

func TestComplianceRules(t *testing.T) {
	lpr := RateCapLPR(money.MustRate("3.85%")) // 4 × 3.85 % = 15.4 %
	p2p := CompliancePolicy{Limits: P2PLimits(money.CNY)}
	tests := []struct {
		name   string
		policy CompliancePolicy
		mutate func(*Request)
		exp    Exposure
		broken []RuleID
	}{
		// SPC private-lending provisions 2020 art. 25: with a 1Y LPR of 3.85 % the cap is
		// 15.4 %; an 18 % contract exceeds it by 2.6 points.
		{"4×LPR: 18 % above 15.4 %", CompliancePolicy{RateCap: lpr},
			func(r *Request) { r.Terms.AnnualRate = money.MustRate("18%") }, Exposure{}, []RuleID{RuleRateCap}},
		{"4×LPR: exactly 15.4 % is allowed", CompliancePolicy{RateCap: lpr},
			func(r *Request) { r.Terms.AnnualRate = money.MustRate("15.4%") }, Exposure{}, nil},
		// SPC private-lending provisions 2015 art. 26 (S): 24 % enforceable, 36 % void above.
		{"24 % cap: 24 % allowed", CompliancePolicy{RateCap: RateCap24()},
			func(r *Request) { r.Terms.AnnualRate = money.MustRate("24%") }, Exposure{}, nil},
		{"24 % cap: 24.01 % refused", CompliancePolicy{RateCap: RateCap24()},
			func(r *Request) { r.Terms.AnnualRate = money.MustRate("24.01%") }, Exposure{}, []RuleID{RuleRateCap}},
		{"36 % cap: 30 % allowed", CompliancePolicy{RateCap: RateCap36()},
			func(r *Request) { r.Terms.AnnualRate = money.MustRate("30%") }, Exposure{}, nil},
		{"36 % cap: 36.5 % refused", CompliancePolicy{RateCap: RateCap36()},
			func(r *Request) { r.Terms.AnnualRate = money.MustRate("36.5%") }, Exposure{}, []RuleID{RuleRateCap}},
		// P2P Order 2016 No. 1 art. 17 (S): a person with 180k
		// on the platform asking 30k → 210k > 200k.
		{"P2P individual per platform", p2p,
			func(r *Request) { r.Terms.Principal = cny("30000") }, Exposure{OnPlatform: cny("180000")}, []RuleID{RuleAmountPerPlatform}},
		{"P2P individual exactly at 200k", p2p,
			func(r *Request) { r.Terms.Principal = cny("20000") }, Exposure{OnPlatform: cny("180000")}, nil},
		// a company with 4.8M elsewhere asking 300k → 5.1M > 5M across platforms.
		{"P2P legal entity across platforms", p2p,
			func(r *Request) { r.Terms.Principal = cny("300000"); r.BorrowerKind = LegalEntity },
			Exposure{Elsewhere: cny("4800000")}, []RuleID{RuleAmountAcrossPlatforms}},
		// an individual: 50k here + 100k asked + 900k elsewhere = 1.05M > 1M.
		{"P2P individual across platforms", p2p, nil,
			Exposure{OnPlatform: cny("50000"), Elsewhere: cny("900000")}, []RuleID{RuleAmountAcrossPlatforms}},
		{"purpose not allowed", CompliancePolicy{Purposes: []string{"working-capital"}}, nil, Exposure{}, []RuleID{RulePurpose}},
		{"purpose allowed", CompliancePolicy{Purposes: []string{"working-capital", "consumption"}}, nil, Exposure{}, nil},
		// 36 monthly periods from 2024-01-31 mature 2027-01-31: within 36 months.
		{"term max: 36 months allowed", CompliancePolicy{MaxTerm: Term{Months: 36}},
			func(r *Request) { r.Terms.Start, r.Terms.Periods = d(2024, time.January, 31), 36 }, Exposure{}, nil},
		// 37 periods mature 2027-02-28, after 2027-01-31.
		{"term max: 37 months refused", CompliancePolicy{MaxTerm: Term{Months: 36}},
			func(r *Request) { r.Terms.Start, r.Terms.Periods = d(2024, time.January, 31), 37 }, Exposure{}, []RuleID{RuleTermMax}},
		// a 14-day loan is shorter than a 30-day minimum.
		{"term min", CompliancePolicy{MinTerm: Term{Days: 30}},
			func(r *Request) { r.Terms.Frequency, r.Terms.Periods, r.Terms.TermDays = schedule.Days, 1, 14 }, Exposure{}, []RuleID{RuleTermMin}},
		// 3 quarterly periods after a broken first period ending 2024-03-31:
		// 2024-03-31 + 2 quarters = 2024-09-30, within 9 months of 2024-01-15.
		{"term with a broken first period", CompliancePolicy{MaxTerm: Term{Months: 9}},
			func(r *Request) {
				r.Terms.Frequency, r.Terms.Periods, r.Terms.FirstDue = schedule.Quarterly, 3, d(2024, time.March, 31)
			}, Exposure{}, nil},
		{"adverse finding", CompliancePolicy{RequireCleanDossier: true},
			func(r *Request) { r.Dossier.Findings[2].Adverse = true }, Exposure{}, []RuleID{RuleCleanDossier}},
		{"adverse finding tolerated", CompliancePolicy{},
			func(r *Request) { r.Dossier.Findings[2].Adverse = true }, Exposure{}, nil},
		{"every broken rule is listed", CompliancePolicy{RateCap: lpr, Limits: P2PLimits(money.CNY), Purposes: []string{"x"}, MaxTerm: Term{Months: 6}},
			func(r *Request) { r.Terms.AnnualRate = money.MustRate("20%"); r.Terms.Principal = cny("250000") },
			Exposure{}, []RuleID{RuleRateCap, RuleAmountPerPlatform, RulePurpose, RuleTermMax}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a *Application
			if tt.mutate != nil {
				a = testApp(t, tt.mutate)
			} else {
				a = testApp(t)
			}
			require.NoError(t, tt.policy.Validate())
			err := tt.policy.Check(a, tt.exp)
			if tt.broken == nil {
				assert.NoError(t, err)
				return
			}
			var ce *ComplianceError
			require.ErrorAs(t, err, &ce)
			assert.ErrorIs(t, err, ErrCompliance)
			assert.Equal(t, tt.broken, ce.Rules())
			for _, r := range tt.broken {
				assert.True(t, ce.Has(r))
				assert.Contains(t, err.Error(), string(r))
			}
		})
	}
}

func TestCompliancePolicyValidate(t *testing.T) {
	require.NoError(t, DefaultCompliancePolicy().Validate())
	require.NoError(t, CompliancePolicy{}.Validate())
	tests := []struct {
		name   string
		policy CompliancePolicy
		fields []string
	}{
		{"LPR multiple without LPR", CompliancePolicy{RateCap: RateCap{LPRMultiple: 4}}, []string{"rate_cap.lpr"}},
		{"LPR without multiple", CompliancePolicy{RateCap: RateCap{LPR: money.MustRate("3%")}}, []string{"rate_cap.lpr_multiple"}},
		{"both fixed and LPR", CompliancePolicy{RateCap: RateCap{Fixed: money.MustRate("24%"), LPRMultiple: 4, LPR: money.MustRate("3%")}}, []string{"rate_cap"}},
		{"negative multiple", CompliancePolicy{RateCap: RateCap{LPRMultiple: -4}}, []string{"rate_cap.lpr_multiple"}},
		{"negative fixed", CompliancePolicy{RateCap: RateCap{Fixed: money.MustRate("-1%")}}, []string{"rate_cap.fixed"}},
		{"limits", CompliancePolicy{Limits: []BorrowingLimit{
			{Kind: 0},
			{Kind: Individual, PerPlatform: cny("-1")},
			{Kind: Individual, AcrossPlatforms: money.MustParse("1", money.USD)},
		}}, []string{"limits[0].kind", "limits[1].per_platform", "limits[2].kind", "limits[2].across_platforms"}},
		{"purposes", CompliancePolicy{Purposes: []string{"", "a", "a"}}, []string{"purposes[0]", "purposes[2]"}},
		{"terms", CompliancePolicy{MinTerm: Term{Months: -1}, MaxTerm: Term{Days: -1}}, []string{"min_term.months", "max_term.days"}},
		{"nominal plus penalty without the penalty", CompliancePolicy{RateCap: RateCap{Basis: NominalPlusPenalty, Fixed: money.MustRate("24%")}},
			[]string{"penalty"}},
		{"unknown basis and a bad penalty", CompliancePolicy{RateCap: RateCap{Basis: 7}, Penalty: &PenaltyPolicy{Base: OverduePrincipal,
			RateKind: ContractMarkup, YearDays: 100}}, []string{"rate_cap.basis", "penalty.year_days"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.policy.Validate()
			assert.Equal(t, tt.fields, fields(t, err))
			// Check refuses to run an invalid policy.
			assert.ErrorIs(t, tt.policy.Check(testApp(t), Exposure{}), ErrInvalidInput)
		})
	}
}

func TestCompliancePolicyJSONRoundTrip(t *testing.T) {
	presets := map[string]CompliancePolicy{
		"default": DefaultCompliancePolicy(),
		"zero":    {},
		"private lending 2020": {
			RateCap: RateCapLPR(money.MustRate("3.1%")), Purposes: []string{"consumption"},
			MinTerm: Term{Days: 7}, MaxTerm: Term{Months: 60}, RequireCleanDossier: true,
		},
		"p2p": {RateCap: RateCap36(), Limits: P2PLimits(money.CNY)},
		"overdue": {RateCap: RateCap{Basis: NominalPlusPenalty, LPRMultiple: 4, LPR: money.MustRate("3.85%")},
			Penalty: &PenaltyPolicy{Base: OverduePrincipal, RateKind: ContractMarkup, Rate: money.MustRate("0.5"), YearDays: 360,
				CapShare: money.MustRate("10%"), CapAnnualRate: money.MustRate("15.4%")}},
	}
	for name, p := range presets {
		t.Run(name, func(t *testing.T) {
			b, err := json.Marshal(p)
			require.NoError(t, err)
			var back CompliancePolicy
			require.NoError(t, json.Unmarshal(b, &back))
			assert.Equal(t, p, back)
		})
	}
}

func TestP2PLimitsAmounts(t *testing.T) {
	// P2P Order 2016 No. 1 art. 17: 200k / 1M for natural persons, 1M / 5M for legal persons.
	l := P2PLimits(money.CNY)
	require.Len(t, l, 2)
	assert.Equal(t, BorrowingLimit{Individual, cny("200000"), cny("1000000")}, l[0])
	assert.Equal(t, BorrowingLimit{LegalEntity, cny("1000000"), cny("5000000")}, l[1])
}

// TestTermFromClamps: a term in months clamps to the month's last day
// (schedule.AddMonths, the library's one month arithmetic).
func TestTermFromClamps(t *testing.T) {
	tests := []struct {
		from   string
		months int
		want   string
	}{
		{"2024-01-31", 1, "2024-02-29"}, // leap year
		{"2023-01-31", 1, "2023-02-28"},
		{"2024-01-31", 2, "2024-03-31"},
		{"2024-11-30", 3, "2025-02-28"},
		{"2024-03-31", -1, "2024-02-29"},
		{"2024-01-15", -13, "2022-12-15"},
	}
	for _, tt := range tests {
		from, err := date.ParseISO(tt.from) // trusted constant
		require.NoError(t, err)
		assert.Equal(t, tt.want, Term{Months: tt.months}.From(from).String(), "%s + %d months", tt.from, tt.months)
	}
}

// TestRateCapOnAllInRate: issue 16 — the cap is compared with the all-in
// rate, not the nominal one. A flat loan at 12 % nominal over 12 months
// costs about 21.46 % a year by the IRR method (PBoC Announcement [2021]
// No. 3), so it breaks a 4 × LPR cap of 15.4 % that its nominal rate meets,
// and the violation names the rate it used; a 12 % annuity with a 5 %
// upfront fee deducted from the disbursement also breaks it (about 21.9 %),
// while the same annuity without the fee passes.
func TestRateCapOnAllInRate(t *testing.T) {
	policy := CompliancePolicy{RateCap: RateCapLPR(money.MustRate("3.85%"))}
	flat := testApp(t, func(r *Request) {
		r.Terms.Method, r.Terms.AnnualRate, r.Terms.Periods = schedule.Flat, money.MustRate("12%"), 12
	})
	err := policy.Check(flat, Exposure{})
	var ce *ComplianceError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, []RuleID{RuleRateCap}, ce.Rules())
	assert.Contains(t, ce.Violations[0].Detail, "all-in annual rate (APR, IRR method) 21.46% exceeds the cap 15.4% (nominal 12%)")

	annuity := func(fees ...schedule.Fee) *Application {
		return testApp(t, func(r *Request) {
			r.Terms.Method, r.Terms.AnnualRate, r.Terms.Periods = schedule.EqualInstallment, money.MustRate("12%"), 12
			r.Terms.Fees = fees
		})
	}
	assert.NoError(t, policy.Check(annuity(), Exposure{}))
	err = policy.Check(annuity(schedule.Fee{Kind: schedule.FeeUpfront, Base: schedule.FeeOnPrincipal, Rate: money.MustRate("5%")}), Exposure{})
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, []RuleID{RuleRateCap}, ce.Rules())
}

// TestRateCapOnNominalPlusPenalty: issue 16 — a cap on nominal plus
// penalty (SPC private-lending provisions 2020, art. 28 on the overdue
// rate and art. 29 on overdue interest, damages and fees together, each
// at four times the LPR) compares the overdue rate: the default penalty,
// the contract rate + 50 %, makes a 12 % loan's overdue rate 12 % × 1.5 =
// 18 %, above 4 × 3.85 % = 15.4 %, while its all-in rate (an annuity
// without fees: 12.68 % effective) passes; the violation names the rate.
// With the penalty capped at 15.4 % a year (PenaltyPolicy.CapAnnualRate)
// it passes, and the loan then charges the capped figure (TestPenaltyCaps:
// 1,000 × 28 days × 15.4 % / 360 = 11.98). A daily penalty of 0.05 % (万分
// 之五, 18.25 % a year over 365 days) breaks the cap too.
func TestRateCapOnNominalPlusPenalty(t *testing.T) {
	penalty := DefaultPenaltyPolicy()
	policy := CompliancePolicy{RateCap: RateCapLPR(money.MustRate("3.85%")), Penalty: &penalty}
	app := testApp(t, func(r *Request) {
		r.Terms.Method, r.Terms.AnnualRate, r.Terms.Periods = schedule.EqualInstallment, money.MustRate("12%"), 12
	})
	require.NoError(t, policy.Check(app, Exposure{}), "all-in: within the cap")

	policy.RateCap.Basis = NominalPlusPenalty
	err := policy.Check(app, Exposure{})
	var ce *ComplianceError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, []RuleID{RuleRateCap}, ce.Rules())
	assert.Equal(t, "overdue annual rate (nominal plus penalty) 18% exceeds the cap 15.4% (nominal 12%; penalty: the contract rate + 50%)",
		ce.Violations[0].Detail)

	penalty.CapAnnualRate = money.MustRate("15.4%")
	assert.NoError(t, policy.Check(app, Exposure{}), "the penalty capped at the cap")

	daily := PenaltyPolicy{Base: OverdueInstallment, RateKind: DailyRate, Rate: money.MustRate("0.05%"), YearDays: 365}
	policy.Penalty = &daily
	err = policy.Check(app, Exposure{})
	require.ErrorAs(t, err, &ce)
	assert.Contains(t, ce.Violations[0].Detail, "overdue annual rate (nominal plus penalty) 18.25% exceeds the cap 15.4%")
	assert.Contains(t, ce.Violations[0].Detail, "penalty: 0.05% a day")
}
