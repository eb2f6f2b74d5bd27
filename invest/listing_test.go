package invest

import (
	"encoding/json"
	"strings"
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
	assert.Equal(t, []Commitment{{Investor: alice, Amount: amt("3000"), On: day(2024, 1, 10)}}, released)
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

// TestListingBidRules: the maximum ticket counts an investor's
// commitments together, the borrower may not bid on their own listing, a
// key is used once; each refusal names its field and changes nothing.
func TestListingBidRules(t *testing.T) {
	l, err := NewListing(ListingTerms{Loan: loanID, Target: amt("10000"), MinTicket: amt("100"), MaxTicket: amt("4000"),
		Borrower: dave, Deadline: day(2024, 1, 14)})
	require.NoError(t, err)
	on := day(2024, 1, 10)
	require.NoError(t, l.Bid(Commitment{Investor: alice, Amount: amt("3000"), On: on, Key: "a1"}))
	for _, tc := range []struct {
		name  string
		c     Commitment
		field string
	}{
		{"above the maximum in all", Commitment{Investor: alice, Amount: amt("1000.01"), On: on, Key: "a2"}, "amount"},
		{"the borrower", Commitment{Investor: dave, Amount: amt("100"), On: on, Key: "d1"}, "investor"},
		{"a key used", Commitment{Investor: bob, Amount: amt("100"), On: on, Key: "a1"}, "key"},
	} {
		err := l.Bid(tc.c)
		var f *fault.Fields
		require.ErrorAs(t, err, &f, tc.name)
		assert.True(t, f.Has(tc.field), "%s: %v", tc.name, err)
	}
	assert.Equal(t, amt("3000"), l.Committed(), "nothing changed")
	require.NoError(t, l.Bid(Commitment{Investor: alice, Amount: amt("1000"), On: on, Key: "a2"}), "exactly the maximum")
	c, ok := l.Find("a2")
	assert.True(t, ok)
	assert.Equal(t, amt("1000"), c.Amount)
	assert.Equal(t, amt("4000"), l.CommittedBy(alice))

	_, err = NewListing(ListingTerms{Loan: loanID, Target: amt("100"), MinTicket: amt("50"), MaxTicket: amt("40"),
		Reward: amt("-1"), Deadline: day(2024, 1, 14)})
	var f *fault.Fields
	require.ErrorAs(t, err, &f)
	assert.True(t, f.Has("max_ticket") && f.Has("reward"), "%v", err)
}

// TestListingReward: the reward is split pro rata to each investor's
// commitments in all, by largest remainder, and the shares add up to it:
// 100.00 over 3,333.33 / 3,333.33 / 3,333.34 is 33.33 / 33.33 / 33.34 (the
// largest remainder, 0.3334 of a fen against 0.3333, takes the last fen).
func TestListingReward(t *testing.T) {
	l, err := NewListing(ListingTerms{Loan: loanID, Target: amt("10000"), MinTicket: amt("100"), Reward: amt("100"), Deadline: day(2024, 1, 14)})
	require.NoError(t, err)
	on := day(2024, 1, 10)
	require.NoError(t, l.Commit(alice, amt("3333.33"), on))
	require.NoError(t, l.Commit(bob, amt("3000"), on))
	require.NoError(t, l.Commit(carol, amt("3333.34"), on))
	require.NoError(t, l.Commit(bob, amt("333.33"), on))
	shares, err := l.RewardShares()
	require.NoError(t, err)
	assert.Equal(t, []Funding{{alice, amt("33.33")}, {bob, amt("33.33")}, {carol, amt("33.34")}}, shares)
}

// TestListingJSON: a listing in each state survives its stored form, and
// a document no sequence of moves makes is refused.
func TestListingJSON(t *testing.T) {
	on := day(2024, 1, 10)
	open := newListing(t)
	require.NoError(t, open.Bid(Commitment{Investor: alice, Amount: amt("3000"), On: on, Key: "k"}))
	full := newListing(t)
	require.NoError(t, full.Commit(alice, amt("10000"), on))
	failed := newListing(t)
	require.NoError(t, failed.Commit(bob, amt("500"), on))
	_, err := failed.Cancel()
	require.NoError(t, err)
	settled := newListing(t)
	require.NoError(t, settled.Commit(carol, amt("10000"), on))
	_, err = settled.Settle(day(2024, 1, 15), DefaultBookPolicy())
	require.NoError(t, err)
	for _, l := range []*Listing{open, full, failed, settled} {
		raw, err := json.Marshal(l)
		require.NoError(t, err)
		var back Listing
		require.NoError(t, json.Unmarshal(raw, &back), "%s", raw)
		assert.Equal(t, l, &back, "%s", raw)
	}
	raw, err := json.Marshal(open)
	require.NoError(t, err)
	bad := strings.Replace(string(raw), `"state":"open"`, `"state":"full"`, 1)
	var back Listing
	err = json.Unmarshal([]byte(bad), &back)
	var f *fault.Fields
	require.ErrorAs(t, err, &f)
	assert.True(t, f.Has("state"), "%v", err)
}
