package lendcore_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore"
	"github.com/lendcore/lendcore/collateral"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/loan"
	"github.com/lendcore/lendcore/storage"
	"github.com/lendcore/lendcore/storage/memory"
)

// pledgeCar registers a car securing loan id, pledged on the loan's start,
// valued at value (none when value is empty).
func pledgeCar(t *testing.T, e *lendcore.Engine, id uuid.UUID, value string) uuid.UUID {
	t.Helper()
	ctx := context.Background()
	car := uuid.NewSHA1(id, []byte("car"))
	require.NoError(t, e.RegisterCollateral(ctx, collateral.Item{ID: car, Kind: collateral.Vehicle, Owner: "Li Lei",
		Currency:     cny("0").Currency(),
		Registration: collateral.Registration{CertificateNumber: "京A-12345", Authority: "Beijing DMV", Rank: 1},
		Liens:        []collateral.Lien{{LoanID: id, Rank: 1}}}))
	require.NoError(t, e.Pledge(ctx, car, d(2024, 1, 15)))
	if value != "" {
		require.NoError(t, e.AddValuation(ctx, car, collateral.Valuation{Date: d(2024, 1, 15), Amount: cny(value),
			Method: collateral.Appraisal, Source: "dealer"}, d(2024, 1, 15)))
	}
	return car
}

// A vehicle secures the fixture loan (10,000 owed). Valued at 20,000 with
// the default vehicle haircut (40 %) its lending value covers the loan;
// revalued at 15,000 its lending value is 9,000, a loan-to-value of 111 %,
// between the default margin-call (105 %) and liquidation (120 %)
// thresholds: the daily close raises a margin call, stores it with the
// loan's cover and announces it once.
func TestCloseRaisesMarginCall(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	id := uuid.New()
	openLoan(t, e, id)
	car := pledgeCar(t, e, id, "20000.00")
	_, err := e.CloseOfDay(ctx, d(2024, 1, 16))
	require.NoError(t, err)
	assert.Empty(t, collateralEvents(t, e, "coverage"), "20,000 less the haircut still covers 10,000")

	require.NoError(t, e.AddValuation(ctx, car, collateral.Valuation{Date: d(2024, 1, 17), Amount: cny("15000.00"),
		Method: collateral.DesktopReview, Source: "dealer"}, d(2024, 1, 17)))
	_, err = e.CloseOfDay(ctx, d(2024, 1, 17))
	require.NoError(t, err)
	events := collateralEvents(t, e, "coverage")
	require.Len(t, events, 1)
	cov := events[0].Coverage
	assert.Equal(t, id, cov.LoanID)
	assert.Equal(t, collateral.ActionCall, cov.Action)
	assert.Equal(t, cny("9000.00"), cov.LendingValue, "15,000 less the 40 % haircut")
	assert.Equal(t, cny("1000.00"), cov.Shortfall, "10,000 owed against 9,000 at the allowed 100 %")
	sec, err := e.Security(ctx, id)
	require.NoError(t, err)
	require.NotNil(t, sec.Cover.Call, "the call is stored with the loan's cover")
	assert.Equal(t, d(2024, 1, 17), sec.Cover.Call.RaisedOn)

	// The call stands: the next days announce nothing new.
	closeDays(t, e, d(2024, 1, 18), d(2024, 1, 19))
	assert.Len(t, collateralEvents(t, e, "coverage"), 1)
}

func collateralEvents(t *testing.T, e *lendcore.Engine, kind string) []lendcore.CollateralEvent {
	t.Helper()
	var out []lendcore.CollateralEvent
	for m, err := range e.Store().Outbox().Scan(context.Background(), storage.MessageFilter{Topics: []string{lendcore.TopicCollateral}}) {
		require.NoError(t, err)
		var ev lendcore.CollateralEvent
		require.NoError(t, json.Unmarshal(m.Payload, &ev))
		if ev.Kind == kind {
			out = append(out, ev)
		}
	}
	return out
}

// TestStandingRevaluationAnnouncedOnce: an item never valued stays due for
// revaluation day after day; the outbox gets it once, not once a day —
// also across a restart, since what was announced is stored with the item.
func TestStandingRevaluationAnnouncedOnce(t *testing.T) {
	ctx := context.Background()
	store := memory.New()
	e, err := lendcore.New(store, lendcore.WithPolicies(testPolicies()), lendcore.WithClock(fixedClock))
	require.NoError(t, err)
	id := uuid.New()
	openLoan(t, e, id)
	car := pledgeCar(t, e, id, "")
	closeDays(t, e, d(2024, 1, 16), d(2024, 1, 18))
	due := collateralEvents(t, e, "revaluation-due")
	require.Len(t, due, 1, "three days, one announcement")
	assert.Equal(t, car, due[0].Revaluation.ItemID)

	restarted, err := lendcore.New(store, lendcore.WithPolicies(testPolicies()), lendcore.WithClock(fixedClock))
	require.NoError(t, err)
	_, err = restarted.CloseOfDay(ctx, d(2024, 1, 20))
	require.NoError(t, err)
	assert.Len(t, collateralEvents(t, restarted, "revaluation-due"), 1, "a restarted Engine announces nothing twice")
}

// TestReleaseRefusedWhileItCovers: releasing the only item of a loan that
// still owes 10,000 would leave it uncovered: refused, nothing changed.
func TestReleaseRefusedWhileItCovers(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	id := uuid.New()
	openLoan(t, e, id)
	car := pledgeCar(t, e, id, "20000.00")
	before, err := e.CollateralItem(ctx, car)
	require.NoError(t, err)
	err = e.Release(ctx, car, d(2024, 2, 1))
	require.Error(t, err)
	after, err := e.CollateralItem(ctx, car)
	require.NoError(t, err)
	assert.Equal(t, before, after)
	assert.Equal(t, collateral.Pledged, after.Status)
}

// TestLiquidationPostsTheProceeds: a seized car sold for 6,000 less 500
// costs pays 5,500 to the loan it secured, as a repayment in the same unit
// of work as the sale.
func TestLiquidationPostsTheProceeds(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	id := uuid.New()
	openLoan(t, e, id)
	car := pledgeCar(t, e, id, "20000.00")
	require.NoError(t, e.Seize(ctx, car, d(2024, 3, 1)))
	liq, err := e.Liquidate(ctx, car, collateral.Sale{Day: d(2024, 3, 10), Proceeds: cny("6000"), Costs: cny("500")})
	require.NoError(t, err)
	require.Len(t, liq.Recoveries, 1)
	assert.Equal(t, cny("5500"), liq.Recoveries[0].Amount)
	pos, err := e.Position(ctx, id, d(2024, 3, 10))
	require.NoError(t, err)
	assert.Equal(t, cny("5500"), pos.Received, "the loan received the net proceeds")
	it, err := e.CollateralItem(ctx, car)
	require.NoError(t, err)
	assert.Equal(t, collateral.Liquidated, it.Status)

	// Liquidating again is an illegal move and posts nothing more.
	_, err = e.Liquidate(ctx, car, collateral.Sale{Day: d(2024, 3, 11), Proceeds: cny("6000"), Costs: cny("500")})
	var tr *fault.Transition
	require.ErrorAs(t, err, &tr)
	pos, err = e.Position(ctx, id, d(2024, 3, 11))
	require.NoError(t, err)
	assert.Equal(t, cny("5500"), pos.Received)
}

// TestGuarantorCommands: a guarantor, a guarantee of the loan and a
// reassessment are stored and read back with the loan's security; a
// guarantee naming an unknown guarantor is refused.
func TestGuarantorCommands(t *testing.T) {
	ctx := context.Background()
	e := newEngine(t)
	id := uuid.New()
	openLoan(t, e, id)
	g := uuid.New()
	require.NoError(t, e.AddGuarantor(ctx, collateral.Guarantor{ID: g, Name: "Wang", Kind: collateral.PersonGuarantor,
		Assessments: []collateral.Assessment{{Date: d(2024, 1, 10), NetWorth: cny("50000"), OtherGuarantees: cny("0")}}}))
	require.NoError(t, e.AddGuarantee(ctx, collateral.Guarantee{ID: uuid.New(), GuarantorID: g, LoanID: id,
		Kind: collateral.JointAndSeveral, DebtMaturity: d(2025, 1, 15)}))
	require.NoError(t, e.Reassess(ctx, g, collateral.Assessment{Date: d(2024, 6, 1), NetWorth: cny("20000"),
		OtherGuarantees: cny("5000")}, d(2024, 6, 1)))
	sec, err := e.Security(ctx, id)
	require.NoError(t, err)
	require.Len(t, sec.Guarantors, 1)
	assert.Len(t, sec.Guarantors[0].Assessments, 2)
	require.Len(t, sec.Guarantors[0].Guarantees, 1)
	assert.Equal(t, id, sec.Guarantors[0].Guarantees[0].LoanID)

	err = e.AddGuarantee(ctx, collateral.Guarantee{ID: uuid.New(), GuarantorID: uuid.New(), LoanID: id,
		Kind: collateral.JointAndSeveral, DebtMaturity: d(2025, 1, 15)})
	var bad *fault.Fields
	require.ErrorAs(t, err, &bad)
	assert.True(t, bad.Has("guarantor_id"))
	_ = loan.Active
}
