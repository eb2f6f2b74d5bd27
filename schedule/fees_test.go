package schedule_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// floatAPR is an independent check of APR: the monthly IRR found by
// bisection in float64 on the borrower's cash flows (advanced at 0,
// payments at 1..n months), × 12.
func floatAPR(advanced float64, payments []float64) float64 {
	npv := func(i float64) float64 {
		v := -advanced
		for k, p := range payments {
			v += p / math.Pow(1+i, float64(k+1))
		}
		return v
	}
	lo, hi := 0.0, 1.0
	for range 200 {
		mid := (lo + hi) / 2
		if npv(mid) > 0 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return 12 * (lo + hi) / 2
}

func f64(a money.Amount) float64 { v, _ := a.Decimal().Float64(); return v }

// cashFlows returns the amount advanced (principal less the rows due at
// disbursement) and the later payments of s.
func cashFlows(s *schedule.Schedule) (float64, []float64) {
	adv := f64(s.Terms.Principal)
	var pays []float64
	for _, in := range s.Installments {
		if in.AtDisbursement() {
			adv -= f64(in.Payment)
			continue
		}
		pays = append(pays, f64(in.Payment))
	}
	return adv, pays
}

// TestFeeAsFlatInterest: a 10,000 loan without interest, repaid in equal
// principal over 12 months with a fee of 1 % of the principal a month, has
// the cash flows of a 12 % flat-rate loan (933.33 a month), so the same
// all-in rate: about 21.46 % (the "≈ 21.5 %" for a 12 % flat loan),
// confirmed by an independent float IRR.
func TestFeeAsFlatInterest(t *testing.T) {
	fee := monthly("10000", "0", 12, schedule.EqualPrincipal)
	fee.Fees = []schedule.Fee{{Name: "service", Kind: schedule.FeeInstallment, Base: schedule.FeeOnPrincipal, Rate: money.MustRate("1%")}}
	withFee := generate(t, fee)
	flat := generate(t, monthly("10000", "12%", 12, schedule.Flat))
	require.Len(t, withFee.Installments, 12)
	for i, in := range withFee.Installments {
		assert.Equal(t, cny("100"), in.Fee, "row %d", i+1)
		assert.True(t, in.Interest.IsZero())
		assert.Equal(t, flat.Installments[i].Payment, in.Payment, "row %d", i+1)
	}
	a, err := withFee.APR()
	require.NoError(t, err)
	b, err := flat.APR()
	require.NoError(t, err)
	assert.True(t, a.Equal(b), "fee %s, flat %s", a, b)
	assert.Equal(t, "0.2146", a.Round(4).String())
	adv, pays := cashFlows(withFee)
	assert.InDelta(t, floatAPR(adv, pays), a.InexactFloat64(), 1e-8)
	tot := withFee.Totals()
	assert.Equal(t, cny("1200"), tot.Fee)
	assert.Equal(t, cny("11200"), tot.Payment)
}

// TestUpfrontFeeDeducted: a 2 % upfront fee on a 10,000 loan at 12 % for
// 12 months is a row due at disbursement (the rows after it renumbered);
// the borrower has the use of 9,800 only, so the all-in rate is well above
// the nominal 12 %, as the independent float IRR confirms.
func TestUpfrontFeeDeducted(t *testing.T) {
	terms := monthly("10000", "12%", 12, schedule.EqualInstallment)
	terms.Fees = []schedule.Fee{{Kind: schedule.FeeUpfront, Base: schedule.FeeOnPrincipal, Rate: money.MustRate("2%")}}
	s := generate(t, terms)
	plain := generate(t, monthly("10000", "12%", 12, schedule.EqualInstallment))
	require.Len(t, s.Installments, 13)
	lead := s.Installments[0]
	assert.True(t, lead.AtDisbursement())
	assert.Equal(t, 1, lead.Number)
	assert.Equal(t, cny("200"), lead.Fee)
	assert.Equal(t, cny("200"), lead.Payment)
	assert.Equal(t, cny("10000"), lead.Balance)
	for i, in := range s.Installments[1:] {
		assert.Equal(t, i+2, in.Number)
		assert.Equal(t, plain.Installments[i].Payment, in.Payment)
	}
	apr, err := s.APR()
	require.NoError(t, err)
	adv, pays := cashFlows(s)
	assert.InDelta(t, 9800.0, adv, 1e-9)
	assert.InDelta(t, floatAPR(adv, pays), apr.InexactFloat64(), 1e-8)
	assert.True(t, apr.GreaterThan(dec("0.155")) && apr.LessThan(dec("0.16")), "APR %s", apr)
}

// TestFinancedUpfrontFee: a financed upfront fee of 100 is split over the
// 12 installments by largest remainder: 8.34 on the first four, 8.33 after.
func TestFinancedUpfrontFee(t *testing.T) {
	terms := monthly("10000", "12%", 12, schedule.EqualInstallment)
	terms.Fees = []schedule.Fee{{Kind: schedule.FeeUpfront, Amount: cny("100"), Financed: true}}
	s := generate(t, terms)
	require.Len(t, s.Installments, 12)
	var sum money.Amount = cny("0")
	for i, in := range s.Installments {
		want := cny("8.33")
		if i < 4 {
			want = cny("8.34")
		}
		assert.Equal(t, want, in.Fee, "row %d", i+1)
		sum = sum.Add(in.Fee)
	}
	assert.Equal(t, cny("100"), sum)
}

// TestInsuranceAndAccountFees: an insurance premium of 0.1 % of the
// principal outstanding at the start of each period, rounded down, and a
// flat account fee of 30 every third installment.
func TestInsuranceAndAccountFees(t *testing.T) {
	terms := monthly("10000", "12%", 12, schedule.EqualPrincipal)
	terms.Fees = []schedule.Fee{
		{Kind: schedule.FeeInsurance, Base: schedule.FeeOnOutstanding, Rate: money.MustRate("0.1%"), Rounding: money.Down},
		{Kind: schedule.FeeAccount, Amount: cny("30"), Every: 3},
	}
	s := generate(t, terms)
	outstanding := terms.Principal
	for i, in := range s.Installments {
		want, err := outstanding.MulRate(money.MustRate("0.1%"), money.Down)
		require.NoError(t, err)
		if (i+1)%3 == 0 {
			want = want.Add(cny("30"))
		}
		assert.Equal(t, want, in.Fee, "row %d", i+1)
		assert.Equal(t, in.Principal.Add(in.Interest).Add(in.Fee), in.Payment)
		outstanding = in.Balance
	}
	assert.Equal(t, cny("10"), s.Installments[0].Fee)     // 0.1 % of 10,000
	assert.Equal(t, cny("9.16"), s.Installments[1].Fee)   // 0.1 % of 9,166.67, down
	assert.Equal(t, cny("38.33"), s.Installments[2].Fee)  // 0.1 % of 8,333.34, down, + 30
	assert.Equal(t, cny("30.83"), s.Installments[11].Fee) // 0.1 % of 833.37, down, + 30
}

// TestFeesJSONRoundTrip: terms with fees encode with their kinds and bases
// by name and decode to the same terms and schedule.
func TestFeesJSONRoundTrip(t *testing.T) {
	terms := monthly("10000", "12%", 12, schedule.EqualInstallment)
	terms.Fees = []schedule.Fee{
		{Name: "service", Kind: schedule.FeeUpfront, Base: schedule.FeeOnPrincipal, Rate: money.MustRate("1.5%"), Rounding: money.Up},
		{Name: "insurance", Kind: schedule.FeeInsurance, Base: schedule.FeeOnOutstanding, Rate: money.MustRate("0.05%")},
		{Kind: schedule.FeeAccount, Amount: cny("12"), Every: 6},
	}
	b, err := json.Marshal(terms)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"kind":"upfront","base":"principal","rate":"0.015","rounding":"up"`)
	var back schedule.Terms
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, terms.Fees, back.Fees)
	s1, s2 := generate(t, terms), generate(t, back)
	assert.Equal(t, s1.Installments, s2.Installments)
	sb, err := json.Marshal(s1)
	require.NoError(t, err)
	var sback schedule.Schedule
	require.NoError(t, json.Unmarshal(sb, &sback))
	assert.Equal(t, s1.Installments, sback.Installments)

	require.Error(t, json.Unmarshal([]byte(`{"principal":"CNY 100","annual_rate":"0.1","method":"bullet","periods":1,"start":"2026-01-15","basis":"periodic","rounding":"half-up","installment_rounding":"half-up","business_day":"none","totals":"row-sum","fees":[{"kind":"weekly-bonus","base":"flat"}]}`), &back))
}

// TestFeesBadInput: every bad fee field is named at once, as JSON spells it.
func TestFeesBadInput(t *testing.T) {
	terms := monthly("10000", "12%", 12, schedule.EqualInstallment)
	terms.Fees = []schedule.Fee{
		{Kind: schedule.FeeInstallment, Amount: cny("-5")},
		{Kind: schedule.FeeInstallment, Base: schedule.FeeBase(9), Rate: money.MustRate("1%")},
		{Kind: schedule.FeeInsurance, Base: schedule.FeeOnOutstanding, Rate: money.MustRate("101%")},
		{Kind: schedule.FeeAccount, Amount: money.MustParse("5", money.USD)},
		{Kind: schedule.FeeKind(0), Amount: cny("1")},
		{Kind: schedule.FeeInstallment, Amount: cny("1"), Every: 2, Financed: true},
	}
	_, err := schedule.Generate(terms)
	require.Error(t, err)
	assert.True(t, errors.Is(err, schedule.ErrInvalidTerms))
	var fe *fault.Fields
	require.ErrorAs(t, err, &fe)
	for _, name := range []string{"fees[0].amount", "fees[1].base", "fees[2].rate", "fees[3].amount", "fees[4].kind", "fees[5].every", "fees[5].financed"} {
		assert.True(t, fe.Has(name), "%s not named in %v", name, err)
	}
}

// TestMaxAnnualRateIsAllIn: the terms' cap bounds the all-in rate: a 12 %
// flat loan passes a 15.4 % cap on its nominal rate but not on its 21.46 %
// all-in rate; a 12 % annuity passes a 12 % cap (the sub-fen rounding of
// its payment does not count at CapPlaces).
func TestMaxAnnualRateIsAllIn(t *testing.T) {
	flat := monthly("10000", "12%", 12, schedule.Flat)
	flat.MaxAnnualRate = money.MustRate("15.4%")
	_, err := schedule.Generate(flat)
	var fe *fault.Fields
	require.ErrorAs(t, err, &fe)
	f, ok := fe.Get("max_annual_rate")
	require.True(t, ok)
	assert.Contains(t, f.Problem, "21.46%")

	annuity := monthly("10000", "12%", 12, schedule.EqualInstallment)
	annuity.MaxAnnualRate = money.MustRate("12%")
	_, err = schedule.Generate(annuity)
	assert.NoError(t, err)
}

// TestIRROfRegulationZAppendixJ: the actuarial method against the worked
// examples of Regulation Z (12 CFR 1026), Appendix J, paragraph (c), whose
// rates are "correct when rounded to two decimals": a $5,000 advance
// repaid by 24 monthly payments of $230 is 9.69 % ((c)(1)(i)); with a first
// payment of $250 10.08 % ((c)(2)(i)), a last payment of $280 10.50 %
// ((c)(3)(i)), both 10.90 % ((c)(4)(i)); $1,000 repaid by $1,240 in
// exactly two years, 11.36 % ((c)(5)(iv), a unit period of a year).
func TestIRROfRegulationZAppendixJ(t *testing.T) {
	usd := func(s string) money.Amount { return money.MustParse(s, money.USD) }
	series := func(first, regular, last string) []schedule.Flow {
		var fs []schedule.Flow
		for k := 1; k <= 24; k++ {
			a := regular
			switch {
			case k == 1 && first != "":
				a = first
			case k == 24 && last != "":
				a = last
			}
			fs = append(fs, schedule.Flow{Amount: usd(a), Periods: k})
		}
		return fs
	}
	cases := []struct {
		name     string
		advanced string
		flows    []schedule.Flow
		perYear  int64
		want     string
	}{
		{"(c)(1)(i) regular", "5000", series("", "230", ""), 12, "9.69"},
		{"(c)(2)(i) odd first payment", "5000", series("250", "230", ""), 12, "10.08"},
		{"(c)(3)(i) odd final payment", "5000", series("", "230", "280"), 12, "10.50"},
		{"(c)(4)(i) odd first and final", "5000", series("250", "230", "280"), 12, "10.90"},
		{"(c)(5)(iv) two years, one payment", "1000", []schedule.Flow{{Amount: usd("1240"), Periods: 2}}, 1, "11.36"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			i, err := schedule.IRROf(usd(c.advanced), c.flows)
			require.NoError(t, err)
			apr := i.Mul(dec(fmt.Sprint(c.perYear))).Shift(2)
			assert.Equal(t, c.want, apr.StringFixed(2), "APR %s%%", apr)
		})
	}
	_, err := schedule.IRROf(usd("100"), []schedule.Flow{{Amount: usd("60"), Periods: 2}, {Amount: usd("60"), Periods: 1}})
	assert.ErrorIs(t, err, schedule.ErrNoIRR)
}
