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
	"github.com/lendcore/lendcore/storage/memory"
)

// A vehicle secures the fixture loan (10,000 owed). Valued at 20,000 with
// the default vehicle haircut its lending value covers the loan; revalued
// at 9,000 the daily close raises a margin call in the outbox.
func TestCloseRaisesMarginCall(t *testing.T) {
	ctx := context.Background()
	e := collateralEngine(t)
	id := uuid.New()
	openLoan(t, e, id)
	car := uuid.New()
	require.NoError(t, e.Collateral(func(r *collateral.Register) error {
		if err := r.Add(collateral.Item{ID: car, Kind: collateral.Vehicle, Owner: "Li Lei", Currency: cny("0").Currency(),
			Registration: collateral.Registration{CertificateNumber: "京A-12345", Authority: "Beijing DMV", Rank: 1},
			Liens:        []collateral.Lien{{LoanID: id, Rank: 1}}}); err != nil {
			return err
		}
		if err := r.Pledge(car, d(2024, 1, 15)); err != nil {
			return err
		}
		return r.AddValuation(car, collateral.Valuation{Date: d(2024, 1, 15), Amount: cny("20000.00"),
			Method: collateral.Appraisal, Source: "dealer"}, d(2024, 1, 15))
	}))
	_, err := e.CloseOfDay(ctx, d(2024, 1, 16))
	require.NoError(t, err)
	assert.Empty(t, collateralEvents(t, e, "coverage"), "20,000 less the haircut still covers 10,000")

	require.NoError(t, e.Collateral(func(r *collateral.Register) error {
		return r.AddValuation(car, collateral.Valuation{Date: d(2024, 1, 17), Amount: cny("9000.00"),
			Method: collateral.DesktopReview, Source: "dealer"}, d(2024, 1, 17))
	}))
	_, err = e.CloseOfDay(ctx, d(2024, 1, 17))
	require.NoError(t, err)
	events := collateralEvents(t, e, "coverage")
	require.Len(t, events, 1)
	cov := events[0].Coverage
	assert.Equal(t, id, cov.LoanID)
	assert.Contains(t, []collateral.Action{collateral.ActionCall, collateral.ActionLiquidate}, cov.Action,
		"9,000 before any haircut is below the 10,000 owed")
	assert.True(t, cov.Shortfall.IsPositive())
}

func collateralEvents(t *testing.T, e *lendcore.Engine, kind string) []lendcore.CollateralEvent {
	t.Helper()
	msgs, err := e.Store().Outbox().Pending(context.Background(), 10000)
	require.NoError(t, err)
	var out []lendcore.CollateralEvent
	for _, m := range msgs {
		if m.Topic != lendcore.TopicCollateral {
			continue
		}
		var ev lendcore.CollateralEvent
		require.NoError(t, json.Unmarshal(m.Payload, &ev))
		if ev.Kind == kind {
			out = append(out, ev)
		}
	}
	return out
}

// TestStandingRevaluationAnnouncedOnce: an item never valued stays due for
// revaluation day after day; the outbox gets it once, not once a day.
func TestStandingRevaluationAnnouncedOnce(t *testing.T) {
	ctx := context.Background()
	e := collateralEngine(t)
	id, car := uuid.New(), uuid.New()
	openLoan(t, e, id)
	require.NoError(t, e.Collateral(func(r *collateral.Register) error {
		if err := r.Add(collateral.Item{ID: car, Kind: collateral.Vehicle, Owner: "Li Lei", Currency: cny("0").Currency(),
			Registration: collateral.Registration{Rank: 1}, Liens: []collateral.Lien{{LoanID: id, Rank: 1}}}); err != nil {
			return err
		}
		return r.Pledge(car, d(2024, 1, 15))
	}))
	for day := d(2024, 1, 16); !day.After(d(2024, 1, 18)); day = day.Add(1) {
		_, err := e.CloseOfDay(ctx, day)
		require.NoError(t, err)
	}
	due := collateralEvents(t, e, "revaluation-due")
	require.Len(t, due, 1, "three days, one announcement")
	assert.Equal(t, car, due[0].Revaluation.ItemID)
}

// collateralEngine is an Engine on a fresh memory store with an empty
// collateral register.
func collateralEngine(t *testing.T) *lendcore.Engine {
	t.Helper()
	reg, err := collateral.NewRegister(collateral.DefaultPolicy())
	require.NoError(t, err)
	e, err := lendcore.New(memory.New(), lendcore.WithPolicies(testPolicies()), lendcore.WithClock(fixedClock),
		lendcore.WithCollateral(reg))
	require.NoError(t, err)
	return e
}
