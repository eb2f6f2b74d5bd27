package scenario

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/storage"
)

// riskScenario is a three-month loan from 2024-01-15 followed by events.
func riskScenario(events string) string {
	return `{"currency": "CNY", "terms": {"principal": "CNY 3000.00", "annual_rate": "12%", "method": "equal-principal",
	"frequency": "monthly", "periods": 3, "start": "2024-01-15", "day_count": "act/365f", "basis": "periodic"},
	"events": [{"type": "disburse", "date": "2024-01-15"}, ` + events + `]}`
}

// runRisk parses and runs a scenario and returns the run's error.
func runRisk(t *testing.T, events string) error {
	t.Helper()
	sc, err := Parse(strings.NewReader(riskScenario(events)))
	if err != nil {
		return err
	}
	_, err = sc.Run(context.Background(), Options{})
	return err
}

// The risk events' bad input is refused naming the field: a sign-off by
// the inspector (four eyes), a fact dated after the run's clock — which a
// scenario cannot have, as the clock follows the events — an unknown
// signal or fact kind, a withdrawal of an unknown fact, a fund-flow
// report without its window, a sign-off with nothing to sign.
func TestRiskEventsBadInput(t *testing.T) {
	inspection := `{"type": "inspection", "date": "2024-01-25", "inspector": "officer-7", "conclusion": "adverse",
		"findings": [{"area": "finances", "severity": "high"}]}, `
	for _, tc := range []struct {
		name, events, field string
	}{
		{"four eyes", inspection + `{"type": "sign-off", "date": "2024-01-26", "supervisor": "officer-7"}`,
			"events[2].supervisor"},
		{"nothing to sign", `{"type": "sign-off", "date": "2024-01-26", "supervisor": "head"}`, "events[1]"},
		{"no such inspection", inspection + `{"type": "sign-off", "date": "2024-01-26", "supervisor": "head", "inspection": "2024-01-24"}`,
			"events[2].inspection"},
		{"unknown signal", `{"type": "fact", "date": "2024-01-20", "fact": "signal", "signals": {"weather": "high"}}`,
			"events[1].signals"},
		{"unknown fact kind", `{"type": "fact", "date": "2024-01-20", "fact": "rumour"}`, "events[1].fact"},
		{"the close's own fact", `{"type": "fact", "date": "2024-01-20", "fact": "debtor-rule"}`, "events[1].kind"},
		{"unknown key", `{"type": "withdraw-fact", "date": "2024-01-20", "withdraws": "nope", "reason": "x"}`,
			"events[1].withdraws"},
		{"no window", `{"type": "inflow", "date": "2024-01-20", "amount": "100.00"}`, "events[1].from"},
		{"window after the day", `{"type": "inflow", "date": "2024-01-20", "from": "2024-01-21", "amount": "100.00"}`,
			"events[1].from"},
		{"use without purpose", `{"type": "fund-use", "date": "2024-01-20", "amount": "100.00"}`, "events[1].purpose"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := runRisk(t, tc.events)
			var bad *fault.Fields
			require.ErrorAs(t, err, &bad)
			assert.True(t, bad.Has(tc.field), "%v", err)
			assert.ErrorIs(t, err, ErrInvalid)
			assert.False(t, errors.Is(err, storage.ErrConflict))
		})
	}
}
