package invest

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/money"
)

func TestNamesAndMessages(t *testing.T) {
	assert.Equal(t, "full", ListingFull.String())
	assert.Equal(t, "settle", EventSettle.String())
	assert.Equal(t, "ListingState(9)", ListingState(9).String())
	assert.Equal(t, "blackout", RuleBlackout.String())
	assert.Equal(t, "payout", EntryPayout.String())
	assert.Equal(t, "invest: illegal transition: commit in state failed",
		(&TransitionError{From: ListingFailed, Event: EventCommit}).Error())
	e := &EligibilityError{Violations: []Violation{{RuleOverdue, "the loan is 3 days past due"}, {RuleBlackout, "x"}}}
	assert.Equal(t, "invest: transfer not eligible: overdue: the loan is 3 days past due; blackout: x", e.Error())
	assert.False(t, e.Broke(RuleMinAmount))
}

func TestListingTermsValidate(t *testing.T) {
	var ve *ValidationError
	_, err := NewListing(ListingTerms{Target: amt("-1"), MinTicket: money.New(1, money.USD)})
	require.ErrorAs(t, err, &ve)
	assert.Len(t, ve.Fields, 4, "loan, target, min_ticket, deadline")
	l, err := NewListing(ListingTerms{Loan: uuid.UUID{1: 1}, Target: amt("100"), Deadline: day(2024, 1, 1)})
	require.NoError(t, err)
	assert.Equal(t, amt("100"), l.Terms().Target)
}

// A reserve funded by 2 % of each repayment: 888.49 × 2 % = 17.7698 → 17.77.
func TestReserveFundRepayment(t *testing.T) {
	p := DefaultReservePolicy()
	p.RepaymentShare = money.MustRate("2%")
	r, err := NewReserve(reserveID, money.CNY, p)
	require.NoError(t, err)
	got, err := r.FundRepayment(loanID, amt("888.49"), day(2024, 2, 15))
	require.NoError(t, err)
	assert.Equal(t, amt("17.77"), got)
	assert.Equal(t, amt("17.77"), r.Balance())
	_, err = r.FundRepayment(loanID, money.New(1, money.USD), day(2024, 2, 15))
	assert.ErrorIs(t, err, ErrInvalidInput)
	assert.Equal(t, amt("17.77"), r.Balance())
	assert.Equal(t, reserveID, r.ID())
}
