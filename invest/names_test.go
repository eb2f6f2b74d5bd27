package invest

import (
	"encoding/json"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/money"
)

func TestNamesAndMessages(t *testing.T) {
	assert.Equal(t, "full", ListingFull.String())
	assert.Equal(t, "settle", EventSettle.String())
	assert.Equal(t, "state(9)", ListingState(9).String())
	assert.Equal(t, "blackout", RuleBlackout.String())
	assert.Equal(t, "payout", EntryPayout.String())
	_, err := ListingFailed.next(EventCommit)
	assert.EqualError(t, err, "invest: illegal transition: cannot commit a listing that is failed")
	e := &EligibilityError{Violations: []Violation{{RuleOverdue, "the loan is 3 days past due"}, {RuleBlackout, "x"}}}
	assert.Equal(t, "invest: transfer not eligible: overdue: the loan is 3 days past due; blackout: x", e.Error())
	assert.False(t, e.Broke(RuleMinAmount))
}

// Every enumeration's text is kebab-case (the rules were snake_case once)
// and round-trips through JSON; an unknown name is a *fault.Fields.
func TestEnumNamesAreKebab(t *testing.T) {
	assert.Equal(t, []string{"min-holding-days", "blackout", "overdue", "max-discount", "min-amount", "max-transfers"}, ruleNames.Names())
	for _, names := range [][]string{ruleNames.Names(), feeBasisNames.Names(), coverNames.Names(),
		entryKindNames.Names(), listingStateNames.Names(), listingEventNames.Names()} {
		for _, n := range names {
			assert.True(t, enum.Kebab(n), n)
		}
	}
	e := EligibilityError{Violations: []Violation{{RuleMinHoldingDays, "held 3 days, 30 required"}}}
	b, err := json.Marshal(e)
	require.NoError(t, err)
	assert.JSONEq(t, `{"violations":[{"rule":"min-holding-days","detail":"held 3 days, 30 required"}]}`, string(b))
	var back EligibilityError
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, e, back)

	var r Rule
	var bad *fault.Fields
	require.ErrorAs(t, r.UnmarshalText([]byte("min_holding_days")), &bad)
	assert.True(t, bad.Has("rule"))
	assert.ErrorIs(t, bad, ErrInvalidInput)
	var s ListingState
	require.NoError(t, s.UnmarshalText([]byte("settled")))
	assert.Equal(t, ListingSettled, s)
}

// Each refusal carries the code a host maps onto its protocol: bad input
// is invalid, a listing move out of turn an illegal transition, a transfer
// the policy refuses "refused".
func TestErrorCodes(t *testing.T) {
	b := fundedBook(t)
	_, err := b.Distribute(Repayment{On: day(2024, 2, 15), Paid: split("-1", "0")})
	assert.Equal(t, fault.CodeInvalid, fault.CodeOf(err))
	_, err = ListingSettled.next(EventCancel)
	assert.Equal(t, fault.CodeTransition, fault.CodeOf(err))
	assert.ErrorIs(t, err, ErrIllegalTransition)
	_, err = b.Transfer(TransferRequest{Holding: 0, Buyer: dave, Principal: amt("100"), On: day(2024, 1, 20)},
		LoanStatus{Period: period(1)})
	assert.Equal(t, fault.CodeRefused, fault.CodeOf(err))
	assert.ErrorIs(t, err, ErrNotEligible)

	// A specific refusal keeps both sentinels and the input's message.
	l, err := NewListing(ListingTerms{Loan: loanID, Target: amt("100"), Deadline: day(2024, 1, 14)})
	require.NoError(t, err)
	err = l.Commit(alice, amt("100.01"), day(2024, 1, 10))
	assert.ErrorIs(t, err, ErrInvalidInput)
	assert.ErrorIs(t, err, ErrOversubscribed)
	assert.EqualError(t, err, "invest: invalid input: amount: CNY 100.01 exceeds the remaining CNY 100.00")
}

func TestListingTermsValidate(t *testing.T) {
	var ve *fault.Fields
	_, err := NewListing(ListingTerms{Target: amt("-1"), MinTicket: money.New(1, money.USD)})
	require.ErrorAs(t, err, &ve)
	assert.Len(t, ve.List, 4, "loan, target, min_ticket, deadline")
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
