package loan

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/lendcore/lendcore/money"
	"github.com/lendcore/lendcore/schedule"
)

// TestPenaltyCaps: issue 16 — the penalty caps give the capped figures. A
// 12,000 loan at 24 % (2 % a month) with a penalty of the contract rate +
// 50 % (36 % a year) on overdue principal: its first installment's 1,000
// principal, unpaid 28 days (2026-02-15 to 03-15), owes 1,000 × 28 ×
// 36 % / 360 = 28.00 uncapped; capped at 15.4 % a year (4 × a 3.85 % LPR,
// the SPC private-lending provisions' ceiling as revised 2020, art. 25, to
// which art. 29 holds overdue interest, penalty and fees together), 1,000
// × 28 × 15.4 % / 360 = 11.977… → 11.98. CapShare 1 % stops the loan's
// penalty at 120.00 (1 % of 12,000) however long it stays unpaid.
func TestPenaltyCaps(t *testing.T) {
	terms := testTerms(schedule.EqualPrincipal, 12)
	terms.AnnualRate = money.MustRate("24%")
	policy := func(mut func(*PenaltyPolicy)) Policy {
		p := DefaultPolicy()
		p.Penalty.Compound = false
		mut(&p.Penalty)
		return p
	}
	asOf := day(2026, time.March, 15)

	uncapped := newTestLoan(t, terms, policy(func(*PenaltyPolicy) {}))
	assert.Equal(t, yuan("28"), mustPos(t, uncapped, asOf).Installments[0].Owed.Penalty)

	rateCapped := newTestLoan(t, terms, policy(func(p *PenaltyPolicy) { p.CapAnnualRate = money.MustRate("15.4%") }))
	assert.Equal(t, yuan("11.98"), mustPos(t, rateCapped, asOf).Installments[0].Owed.Penalty)

	shareCapped := newTestLoan(t, terms, policy(func(p *PenaltyPolicy) { p.CapShare = money.MustRate("1%") }))
	assert.Equal(t, yuan("28"), mustPos(t, shareCapped, asOf).Owed.Penalty, "below the cap: as uncapped")
	late := day(2027, time.June, 30)
	assert.Equal(t, yuan("120"), mustPos(t, shareCapped, late).Owed.Penalty)
	assert.True(t, mustPos(t, uncapped, late).Owed.Penalty.Cmp(yuan("120")) > 0)
}
