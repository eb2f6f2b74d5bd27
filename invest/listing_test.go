package invest

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lendcore/lendcore/fault"
)

func newListing(t *testing.T) *Listing {
	t.Helper()
	l, err := NewListing(ListingTerms{Loan: loanID, Target: amt("10000"), MinTicket: amt("100"), Deadline: day(2024, 1, 14)})
	require.NoError(t, err)
	return l
}

func TestListingFunded(t *testing.T) {
	l := newListing(t)
	on := day(2024, 1, 10)
	require.NoError(t, l.Commit(alice, amt("3000"), on))
	require.NoError(t, l.Commit(bob, amt("3000"), on))
	require.NoError(t, l.Commit(alice, amt("2000"), on))
	assert.Equal(t, ListingOpen, l.State())
	assert.Equal(t, amt("2000"), l.Remaining())
	// The commitment that reaches the target fills the listing.
	require.NoError(t, l.Commit(carol, amt("2000"), on))
	assert.Equal(t, ListingFull, l.State())

	// A full listing takes no more commitments.
	var te *fault.Transition
	require.ErrorAs(t, l.Commit(dave, amt("100"), on), &te)
	assert.Equal(t, fault.Transition{Kind: ErrIllegalTransition, Machine: "listing", From: "full", Event: "commit"}, *te)

	b, err := l.Settle(day(2024, 1, 15), DefaultBookPolicy())
	require.NoError(t, err)
	assert.Equal(t, ListingSettled, l.State())
	// Alice's two commitments make one holding of 5,000, first in order.
	hs := b.Holdings()
	require.Len(t, hs, 3)
	assert.Equal(t, []uuid.UUID{alice, bob, carol}, []uuid.UUID{hs[0].Holder, hs[1].Holder, hs[2].Holder})
	assert.Equal(t, amt("5000"), hs[0].Principal)
	assert.Equal(t, amt("10000"), b.Outstanding())
	_, err = l.Settle(day(2024, 1, 15), DefaultBookPolicy())
	assert.ErrorIs(t, err, ErrIllegalTransition)
}

func TestListingFailed(t *testing.T) {
	l := newListing(t)
	require.NoError(t, l.Commit(alice, amt("3000"), day(2024, 1, 10)))
	assert.ErrorIs(t, l.Commit(bob, amt("50"), day(2024, 1, 10)), ErrInvalidInput, "below the minimum ticket")
	// Expiry needs the deadline to have passed.
	_, err := l.Expire(day(2024, 1, 14))
	assert.ErrorIs(t, err, ErrInvalidInput)
	assert.Equal(t, ListingOpen, l.State())
	released, err := l.Expire(day(2024, 1, 15))
	require.NoError(t, err)
	assert.Equal(t, ListingFailed, l.State())
	assert.Equal(t, []Commitment{{alice, amt("3000"), day(2024, 1, 10)}}, released)
	assert.True(t, l.Committed().IsZero(), "commitments released")
	_, err = l.Settle(day(2024, 1, 15), DefaultBookPolicy())
	var te *fault.Transition
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "failed", te.From)

	l = newListing(t)
	require.NoError(t, l.Commit(alice, amt("10000"), day(2024, 1, 10)))
	released, err = l.Cancel()
	require.NoError(t, err)
	assert.Len(t, released, 1)
	assert.Equal(t, ListingFailed, l.State())
}

func TestListingCommitRules(t *testing.T) {
	cases := []struct {
		name   string
		amount string
		on     [2]int // month, day in 2024
		errIs  error
	}{
		{"ok", "500", [2]int{1, 10}, nil},
		{"over-subscription", "9500.01", [2]int{1, 10}, ErrOversubscribed},
		{"below ticket", "99.99", [2]int{1, 10}, ErrInvalidInput},
		{"after deadline", "500", [2]int{1, 15}, ErrInvalidInput},
		{"zero", "0", [2]int{1, 10}, ErrInvalidInput},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l := newListing(t)
			require.NoError(t, l.Commit(alice, amt("500"), day(2024, 1, 1)))
			err := l.Commit(bob, amt(c.amount), day(2024, 1, c.on[1]))
			if c.errIs == nil {
				require.NoError(t, err)
				return
			}
			var ve *fault.Fields
			require.ErrorAs(t, err, &ve)
			assert.ErrorIs(t, err, c.errIs)
			assert.Equal(t, amt("500"), l.Committed(), "nothing changed")
			assert.Len(t, l.Commitments(), 1)
		})
	}
	// The last commitment may be below the ticket when it completes the target.
	l := newListing(t)
	require.NoError(t, l.Commit(alice, amt("9950"), day(2024, 1, 1)))
	require.NoError(t, l.Commit(bob, amt("50"), day(2024, 1, 1)))
	assert.Equal(t, ListingFull, l.State())
}
