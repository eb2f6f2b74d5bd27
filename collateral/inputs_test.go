package collateral

import (
	"testing"
	"time"

	"github.com/rickb777/date"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
)

// Policy returns a deep copy: writing into a returned kind's Residual curve
// must not change the register's depreciation.
func TestPolicyCopyDoesNotShareResidual(t *testing.T) {
	r := newRegister(t)
	require.NoError(t, r.Add(Item{ID: id(1), Kind: Vehicle, Owner: "Zhang", Currency: money.CNY,
		Registration: Registration{Rank: 1}, Liens: []Lien{{id(101), 1}},
		Cost: cny("200000.00"), AcquiredOn: day(2020, time.March, 15)}))
	p := r.Policy()
	for i := range p.Kinds {
		for j := range p.Kinds[i].Residual {
			p.Kinds[i].Residual[j] = rate("1%")
		}
	}
	v, err := r.Revalue(id(1), day(2022, time.March, 15), MarketData{})
	require.NoError(t, err)
	assert.Equal(t, cny("136000.00"), v.Value) // 68 % of cost, as before
}

// refusedWith runs op on r and checks that it is refused with a
// *fault.Fields naming field, leaving r unchanged.
func refusedWith(t *testing.T, r *Register, field string, op func(r *Register) error) {
	t.Helper()
	before := r.deepCopy()
	err := op(r)
	var ve *fault.Fields
	require.ErrorAs(t, err, &ve, "want *fault.Fields, got %T: %v", err, err)
	assert.ErrorIs(t, err, ErrInvalidInput)
	var fields []string
	for _, f := range ve.List {
		fields = append(fields, f.Name)
	}
	assert.Contains(t, fields, field)
	assert.Equal(t, before, r, "state changed by a refused operation")
}

func TestDatesMustBeSetAndNotBackdated(t *testing.T) {
	pledgedOn := day(2024, time.January, 10) // fixture's pledge day of items 1 and 2
	seized := func(t *testing.T) *Register {
		r := fixture(t)
		require.NoError(t, r.Seize(id(1), day(2024, time.February, 1)))
		return r
	}
	proposed := func(t *testing.T) *Register {
		r := fixture(t)
		require.NoError(t, r.Add(Item{ID: id(3), Kind: Vehicle, Owner: "o", Currency: money.CNY,
			Registration: Registration{Rank: 1}, Liens: []Lien{{id(103), 1}}}))
		return r
	}
	sale := func(d int) func(r *Register) error { // d days after 2024-02-01; -1e6 → zero day
		return func(r *Register) error {
			s := Sale{Day: day(2024, time.February, 1).Add(date.PeriodOfDays(d)), Proceeds: cny("1.00")}
			if d == -1e6 {
				s.Day = date.Date{}
			}
			_, err := r.Liquidate(id(1), s, []Exposure{{id(101), cny("1.00")}})
			return err
		}
	}
	tests := []struct {
		name  string
		setup func(t *testing.T) *Register
		field string
		op    func(r *Register) error
	}{
		{"pledge on the zero day", proposed, "day", func(r *Register) error { return r.Pledge(id(3), date.Date{}) }},
		{"seize on the zero day", fixture, "day", func(r *Register) error { return r.Seize(id(1), date.Date{}) }},
		{"seize before the pledge", fixture, "day", func(r *Register) error { return r.Seize(id(1), pledgedOn.Add(-1)) }},
		{"release before the pledge", fixture, "day", func(r *Register) error {
			return r.Release(id(1), pledgedOn.Add(-1), []Exposure{{id(101), cny("0.00")}, {id(102), cny("0.00")}})
		}},
		{"sale on the zero day", seized, "sale.day", sale(-1e6)},
		{"sale before the seizure", seized, "sale.day", sale(-1)},
		{"demand on the zero day", fixture, "day", func(r *Register) error { return r.RecordDemand(id(70), date.Date{}) }},
		{"guarantee without debt maturity", fixture, "guarantee.debt_maturity", func(r *Register) error {
			return r.AddGuarantee(Guarantee{ID: id(71), GuarantorID: id(60), LoanID: id(102), Kind: General})
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			refusedWith(t, tc.setup(t), tc.field, tc.op)
		})
	}
	t.Run("sale on the seizure day is fine", func(t *testing.T) {
		require.NoError(t, sale(0)(seized(t)))
	})
}

func TestSecondDemandIsValidationError(t *testing.T) {
	r := fixture(t)
	require.NoError(t, r.RecordDemand(id(70), day(2024, time.April, 1)))
	refusedWith(t, r, "day", func(r *Register) error { return r.RecordDemand(id(70), day(2024, time.April, 2)) })
}

// A USD cap on a CNY loan: the loan's currency is unknown when the
// guarantee is added, so the monitoring calls check every guarantee first
// and name the exposure and the guarantee in one *fault.Fields.
func TestGuaranteeCapInAnotherCurrency(t *testing.T) {
	on := day(2024, time.February, 1)
	r := fixture(t)
	require.NoError(t, r.AddGuarantor(Guarantor{ID: id(61), Name: "Other", Kind: CompanyGuarantor}))
	require.NoError(t, r.AddGuarantee(Guarantee{ID: id(71), GuarantorID: id(61), LoanID: id(102), Kind: General,
		Cap: money.MustParse("100.00", money.USD), DebtMaturity: day(2024, time.June, 30)}))
	exposures := []Exposure{{id(101), cny("1000.00")}, {id(102), cny("500.00")}}
	check := func(err error) {
		t.Helper()
		var ve *fault.Fields
		require.ErrorAs(t, err, &ve, "want *fault.Fields, got %T: %v", err, err)
		require.Len(t, ve.List, 1)
		assert.Equal(t, "exposures[1]", ve.List[0].Name)
		assert.Contains(t, ve.List[0].Problem, id(71).String())
	}
	_, err := r.GuarantorAlerts(on, exposures)
	check(err)
	_, err = r.GuaranteeCoverage(on, exposures)
	check(err)
}

func TestRevaluationInputErrorsAreValidationErrors(t *testing.T) {
	on := day(2024, time.February, 1)
	r := fixture(t)
	require.NoError(t, r.Add(Item{ID: id(5), Kind: Securities, Owner: "o", Currency: money.CNY,
		Registration: Registration{Rank: 1}, Liens: []Lien{{id(105), 1}}, Instrument: "600000", Units: 10}))
	refusedWith(t, r, `market.prices["600000"]`, func(r *Register) error {
		_, err := r.Revalue(id(5), on, MarketData{Prices: map[string]money.Amount{"600000": money.MustParse("1.00", money.USD)}})
		return err
	})
	refusedWith(t, r, "item.units", func(r *Register) error {
		_, err := r.Revalue(id(5), on, MarketData{Prices: map[string]money.Amount{"600000": money.New(money.MaxMinor, money.CNY)}})
		return err
	})
	for _, c := range []struct {
		field    string
		day      date.Date
		residual []money.Rate
	}{
		{"residual", on, nil},
		{"day", day(2023, time.January, 1), []money.Rate{rate("100%")}},
	} {
		_, err := DepreciatedValue(cny("100.00"), day(2023, time.June, 1), c.day, c.residual)
		var ve *fault.Fields
		require.ErrorAs(t, err, &ve, "want *fault.Fields, got %T: %v", err, err)
		assert.Equal(t, c.field, ve.List[0].Name)
	}
}
