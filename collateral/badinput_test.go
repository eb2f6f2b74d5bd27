package collateral

import (
	"errors"
	"testing"
	"time"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fixture builds a register with a pledged property (lending value 700,000)
// securing loan 101, a second pledged property securing loans 101 (rank 1)
// and 102 (rank 2), a checked-out title document, and a guarantee.
func fixture(t *testing.T) *Register {
	r := newRegister(t)
	on := day(2024, time.January, 10)
	pledged(t, r, id(1), RealEstate, cny("1000000.00"), on, Lien{id(101), 1})
	pledged(t, r, id(2), RealEstate, cny("200000.00"), on, Lien{id(101), 1}, Lien{id(102), 2})
	require.NoError(t, r.Deposit(Document{ID: id(50), ItemID: id(1), Kind: MortgageCertificate, Number: "沪(2024)第001号"}, on, "clerk", "vault A"))
	require.NoError(t, r.CheckOut(id(50), on, "Liu", "court filing"))
	require.NoError(t, r.AddGuarantor(Guarantor{ID: id(60), Name: "Acme Guarantee", Kind: GuaranteeCompany}))
	require.NoError(t, r.AddGuarantee(Guarantee{ID: id(70), GuarantorID: id(60), LoanID: id(101), Kind: JointAndSeveral,
		DebtMaturity: day(2024, time.March, 31)}))
	return r
}

func TestBadInputsLeaveStateUnchanged(t *testing.T) {
	on := day(2024, time.February, 1)
	val := func(v Valuation) func(r *Register) error {
		return func(r *Register) error { return r.AddValuation(id(1), v, on) }
	}
	tests := []struct {
		name string
		op   func(r *Register) error
		is   error
		as   any
	}{
		{"negative valuation", val(Valuation{Date: on, Amount: cny("-1.00"), Method: Appraisal, Source: "v"}), ErrInvalidInput, new(*fault.Fields)},
		{"valuation in another currency without a rate", val(Valuation{Date: on, Amount: money.MustParse("100.00", money.USD), Method: Appraisal, Source: "v"}), ErrInvalidInput, new(*fault.Fields)},
		{"exchange rate on a same-currency valuation", val(Valuation{Date: on, Amount: cny("100.00"), FXRate: rate("7"), Method: Appraisal, Source: "v"}), ErrInvalidInput, new(*fault.Fields)},
		{"negative exchange rate", val(Valuation{Date: on, Amount: money.MustParse("100.00", money.USD), FXRate: rate("-7"), Method: Appraisal, Source: "v"}), ErrInvalidInput, new(*fault.Fields)},
		{"future-dated valuation", val(Valuation{Date: on.Add(1), Amount: cny("100.00"), Method: Appraisal, Source: "v"}), ErrInvalidInput, new(*fault.Fields)},
		{"valuation without source or method", val(Valuation{Date: on, Amount: cny("100.00")}), ErrInvalidInput, new(*fault.Fields)},
		{"validity ending before the valuation", val(Valuation{Date: on, Amount: cny("100.00"), Method: Appraisal, Source: "v", ValidUntil: on.Add(-1)}), ErrInvalidInput, new(*fault.Fields)},
		{"valuation of an unknown item", func(r *Register) error {
			return r.AddValuation(id(9), Valuation{Date: on, Amount: cny("1.00"), Method: Appraisal, Source: "v"}, on)
		}, ErrNotFound, nil},
		// Loan 101 owes 700,000 against 700,000 + 40,000 (its share of item 2):
		// releasing item 1 leaves 40,000 of lending value for 700,000.
		{"release that breaches LTV", func(r *Register) error {
			return r.Release(id(1), on, []Exposure{{id(101), cny("700000.00")}, {id(102), cny("0.00")}})
		}, ErrBreachesLTV, nil},
		{"release missing a secured loan", func(r *Register) error {
			return r.Release(id(2), on, []Exposure{{id(101), cny("0.00")}})
		}, ErrInvalidInput, new(*fault.Fields)},
		{"release of a proposed item", func(r *Register) error {
			if err := r.Add(Item{ID: id(3), Kind: Vehicle, Owner: "o", Currency: money.CNY, Registration: Registration{Rank: 1}, Liens: []Lien{{id(103), 1}}}); err != nil {
				return err
			}
			return r.Release(id(3), on, []Exposure{{id(103), cny("0.00")}})
		}, nil, nil}, // the Add succeeds, so this one is checked separately below
		{"check-out of a document already out", func(r *Register) error { return r.CheckOut(id(50), on, "Zhao", "inspection") }, ErrIllegalTransition, new(*fault.Transition)},
		{"return with no vault", func(r *Register) error { return r.Return(id(50), on, "Liu", "") }, ErrInvalidInput, new(*fault.Fields)},
		{"return dated before the check-out", func(r *Register) error { return r.Return(id(50), on.Add(-30), "Liu", "vault A") }, ErrInvalidInput, new(*fault.Fields)},
		{"hand back while pledged", func(r *Register) error {
			if err := r.Return(id(50), on, "Liu", "vault A"); err != nil {
				return err
			}
			return r.HandBack(id(50), on, "owner")
		}, nil, nil},
		{"liquidate a pledged item", func(r *Register) error {
			_, err := r.Liquidate(id(1), Sale{Day: on, Proceeds: cny("1.00")}, []Exposure{{id(101), cny("1.00")}})
			return err
		}, ErrIllegalTransition, new(*fault.Transition)},
		{"pledge twice", func(r *Register) error { return r.Pledge(id(1), on) }, ErrIllegalTransition, new(*fault.Transition)},
		{"duplicate item id", func(r *Register) error {
			return r.Add(Item{ID: id(1), Kind: Vehicle, Owner: "o", Currency: money.CNY, Registration: Registration{Rank: 1}, Liens: []Lien{{id(103), 1}}})
		}, ErrDuplicate, nil},
		{"item with every field wrong", func(r *Register) error {
			return r.Add(Item{ID: id(4), Registration: Registration{Rank: 1, PriorClaims: cny("5.00")}, Cost: cny("-1.00"), Units: -1,
				Liens: []Lien{{id(103), 0}, {id(103), 1}}})
		}, ErrInvalidInput, new(*fault.Fields)},
		{"negative outstanding", func(r *Register) error {
			_, err := r.Evaluate(on, []Exposure{{id(101), cny("-5.00")}, {id(102), cny("0.00")}})
			return err
		}, ErrInvalidInput, new(*fault.Fields)},
		{"loan listed twice", func(r *Register) error {
			_, err := r.Evaluate(on, []Exposure{{id(101), cny("5.00")}, {id(101), cny("5.00")}})
			return err
		}, ErrInvalidInput, new(*fault.Fields)},
		{"co-secured loan left out", func(r *Register) error {
			_, err := r.Evaluate(on, []Exposure{{id(102), cny("5.00")}})
			return err
		}, ErrInvalidInput, new(*fault.Fields)},
		{"loan in another currency than its collateral", func(r *Register) error {
			_, err := r.Evaluate(on, []Exposure{{id(101), money.MustParse("5.00", money.USD)}, {id(102), cny("0.00")}})
			return err
		}, ErrInvalidInput, new(*fault.Fields)},
		{"demand after the guarantee period", func(r *Register) error { return r.RecordDemand(id(70), day(2024, time.October, 1)) }, ErrGuaranteeLapsed, nil},
		{"future-dated reassessment", func(r *Register) error {
			return r.Reassess(id(60), Assessment{Date: on.Add(1), NetWorth: cny("1.00")}, on)
		}, ErrInvalidInput, new(*fault.Fields)},
		{"guarantee by an unknown guarantor", func(r *Register) error {
			return r.AddGuarantee(Guarantee{ID: id(71), GuarantorID: id(61), LoanID: id(101), Kind: General, Cap: cny("-1.00")})
		}, ErrInvalidInput, new(*fault.Fields)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := fixture(t)
			before := r.deepCopy()
			err := tc.op(r)
			require.Error(t, err)
			if tc.is == nil {
				return // multi-step cases are checked in TestRefusedAfterSetup
			}
			assert.ErrorIs(t, err, tc.is)
			if tc.as != nil {
				assert.True(t, errors.As(err, tc.as), "want %T, got %T: %v", tc.as, err, err)
			}
			assert.Equal(t, before, r, "state changed by a refused operation")
		})
	}
}

// TestRefusedAfterSetup covers refusals that need a legal step first.
func TestRefusedAfterSetup(t *testing.T) {
	on := day(2024, time.February, 1)
	t.Run("release of a proposed item", func(t *testing.T) {
		r := fixture(t)
		require.NoError(t, r.Add(Item{ID: id(3), Kind: Vehicle, Owner: "o", Currency: money.CNY, Registration: Registration{Rank: 1}, Liens: []Lien{{id(103), 1}}}))
		before := r.deepCopy()
		var te *fault.Transition
		require.ErrorAs(t, r.Release(id(3), on, []Exposure{{id(103), cny("0.00")}}), &te)
		assert.Equal(t, Proposed.String(), te.From)
		assert.Equal(t, EventRelease.String(), te.Event)
		assert.Equal(t, before, r)
	})
	t.Run("hand back while pledged", func(t *testing.T) {
		r := fixture(t)
		require.NoError(t, r.Return(id(50), on, "Liu", "vault A"))
		before := r.deepCopy()
		assert.ErrorIs(t, r.HandBack(id(50), on, "owner"), ErrInvalidInput)
		assert.Equal(t, before, r)
	})
}

func TestValidationErrorListsEveryField(t *testing.T) {
	r := newRegister(t)
	err := r.Add(Item{ID: id(4), Registration: Registration{Rank: 1, PriorClaims: cny("5.00")}, Cost: cny("-1.00"), Units: -1,
		Liens: []Lien{{id(103), 0}, {id(103), 1}}})
	var ve *fault.Fields
	require.ErrorAs(t, err, &ve)
	var fields []string
	for _, f := range ve.List {
		fields = append(fields, f.Name)
	}
	// prior_claims has two problems: not in the (missing) currency, and a first charge has none.
	assert.ElementsMatch(t, []string{"kind", "currency", "owner", "registration.prior_claims", "registration.prior_claims", "cost", "units",
		"liens[0].rank", "liens[1].loan_id"}, fields)
}

func TestReleaseAllowedWhenCovered(t *testing.T) {
	r := fixture(t)
	on := day(2024, time.February, 1)
	// Loan 101 owes 30,000; without item 1 it keeps its rank-1 share of
	// item 2: 200,000 × 70 % = 140,000 ≥ 30,000, so item 1 may go.
	require.NoError(t, r.Release(id(1), on, []Exposure{{id(101), cny("30000.00")}, {id(102), cny("0.00")}}))
	it, _ := r.Item(id(1))
	assert.Equal(t, Released, it.Status)
	assert.Equal(t, []StatusChange{
		{Day: day(2024, time.January, 10), From: Proposed, To: Pledged, Event: EventPledge},
		{Day: on, From: Pledged, To: Released, Event: EventRelease},
	}, it.History)
}
