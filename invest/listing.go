package invest

import (
	"encoding/json"
	"fmt"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/fault"
	"github.com/lendcore/lendcore/lifecycle"
	"github.com/lendcore/lendcore/money"
)

// ListingState is where a loan listing (借款标) is in its funding phase.
type ListingState uint8

// Listing states.
const (
	ListingOpen    ListingState = iota // taking commitments
	ListingFull                        // commitments reach the target; awaiting settlement
	ListingFailed                      // expired or cancelled; commitments released
	ListingSettled                     // funded: commitments became holdings
)

var listingStateNames = enum.New[ListingState](ErrInvalidInput, "state", "open", "full", "failed", "settled")

// String returns the state's name.
func (s ListingState) String() string { return listingStateNames.String(s) }

// MarshalText encodes the state's name.
func (s ListingState) MarshalText() ([]byte, error) { return listingStateNames.MarshalText(s) }

// UnmarshalText decodes a state's name.
func (s *ListingState) UnmarshalText(b []byte) error { return listingStateNames.UnmarshalText(b, s) }

// ListingEvent is something that happens to a listing.
type ListingEvent uint8

// Listing events.
const (
	EventCommit ListingEvent = iota // an investor commits an amount
	EventFill                       // the commitments reach the target
	EventExpire                     // the deadline passes short of the target
	EventCancel                     // the platform withdraws the listing
	EventSettle                     // the loan is disbursed; commitments become holdings
)

var listingEventNames = enum.New[ListingEvent](ErrInvalidInput, "event", "commit", "fill", "expire", "cancel", "settle")

// String returns the event's name.
func (e ListingEvent) String() string { return listingEventNames.String(e) }

// MarshalText encodes the event's name.
func (e ListingEvent) MarshalText() ([]byte, error) { return listingEventNames.MarshalText(e) }

// UnmarshalText decodes an event's name.
func (e *ListingEvent) UnmarshalText(b []byte) error { return listingEventNames.UnmarshalText(b, e) }

// listingLifecycle is the listing lifecycle: the one table of legal moves.
// A move missing from it is a *fault.Transition wrapping
// ErrIllegalTransition, and changes nothing.
var listingLifecycle = lifecycle.New("listing", ErrIllegalTransition,
	lifecycle.Move[ListingState, ListingEvent]{From: ListingOpen, On: EventCommit, To: ListingOpen},
	lifecycle.Move[ListingState, ListingEvent]{From: ListingOpen, On: EventFill, To: ListingFull},
	lifecycle.Move[ListingState, ListingEvent]{From: ListingOpen, On: EventExpire, To: ListingFailed},
	lifecycle.Move[ListingState, ListingEvent]{From: ListingOpen, On: EventCancel, To: ListingFailed},
	lifecycle.Move[ListingState, ListingEvent]{From: ListingFull, On: EventCancel, To: ListingFailed},
	lifecycle.Move[ListingState, ListingEvent]{From: ListingFull, On: EventSettle, To: ListingSettled},
)

// next returns the state after event e, or a *fault.Transition.
func (s ListingState) next(e ListingEvent) (ListingState, error) { return listingLifecycle.Next(s, e) }

// ListingTerms are the funding conditions of a listing.
type ListingTerms struct {
	Loan      uuid.UUID    `json:"loan"`
	Target    money.Amount `json:"target"`     // the loan's principal: commitments must reach it exactly
	MinTicket money.Amount `json:"min_ticket"` // smallest commitment; the last commitment may be smaller when it completes the target
	Deadline  date.Date    `json:"deadline"`   // last day commitments are taken
	// MaxTicket is the most one investor may commit in all; zero for no
	// limit but the target.
	MaxTicket money.Amount `json:"max_ticket,omitzero"`
	// Borrower, when set, may not commit to their own listing.
	Borrower uuid.UUID `json:"borrower,omitzero"`
	// Reward is what the borrower pays the investors on top of interest
	// when the listing is full, pro rata to their commitments (the
	// platform freezes it from the borrower's balance at publishing);
	// zero for none.
	Reward money.Amount `json:"reward,omitzero"`
}

// Validate reports every bad field.
func (t ListingTerms) Validate() error {
	v := invalid()
	if t.Loan == uuid.Nil {
		v.Add("loan", "missing loan id")
	}
	if !t.Target.IsPositive() || t.Target.Currency().IsZero() {
		v.Addf("target", "%s must be a positive amount with a currency", t.Target)
	}
	if t.MinTicket.IsNegative() || !t.MinTicket.SameCurrency(t.Target) || t.MinTicket.Minor() > t.Target.Minor() {
		v.Addf("min_ticket", "%s must be between zero and the target, in its currency", t.MinTicket)
	}
	if t.Deadline.IsZero() {
		v.Add("deadline", "missing deadline")
	}
	if !t.MaxTicket.IsZero() && (!t.MaxTicket.SameCurrency(t.Target) || t.MaxTicket.Less(t.MinTicket) || t.MaxTicket.Minor() > t.Target.Minor() || t.MaxTicket.IsNegative()) {
		v.Addf("max_ticket", "%s must be zero or between the minimum ticket and the target, in its currency", t.MaxTicket)
	}
	if t.Reward.IsNegative() || !t.Reward.SameCurrency(t.Target) {
		v.Addf("reward", "%s must be zero or a positive amount in the target's currency", t.Reward)
	}
	return v.Err()
}

// Commitment is an investor's pledge to a listing.
type Commitment struct {
	Investor uuid.UUID    `json:"investor"`
	Amount   money.Amount `json:"amount"`
	On       date.Date    `json:"on"`
	// Key is the bid's idempotency key; empty when the host keeps none.
	Key string `json:"key,omitempty"`
}

// Listing is a loan in its funding phase (借款标): investors commit amounts
// until the target is reached (the listing is full, then settled into a
// Book) or the deadline passes (the listing fails and every commitment is
// released back to its investor).
type Listing struct {
	terms       ListingTerms
	state       ListingState
	committed   money.Amount
	commitments []Commitment
	released    []Commitment    // the commitments a failed listing gave back
	keys        map[string]bool // the keys of the live commitments: a listing decoded replays every bid
}

// NewListing opens a listing.
func NewListing(t ListingTerms) (*Listing, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	return &Listing{terms: t, committed: money.Zero(t.Target.Currency())}, nil
}

// Terms returns the listing's terms.
func (l *Listing) Terms() ListingTerms { return l.terms }

// State returns the listing's state.
func (l *Listing) State() ListingState { return l.state }

// Committed returns the sum of the commitments.
func (l *Listing) Committed() money.Amount { return l.committed }

// Remaining returns what the listing still needs to reach its target.
func (l *Listing) Remaining() money.Amount { return l.terms.Target.Sub(l.committed) }

// Commitments returns a copy of the commitments in the order they came.
func (l *Listing) Commitments() []Commitment { return append([]Commitment(nil), l.commitments...) }

// Commit records an investor's commitment on date on. The commitment that
// reaches the target fills the listing. A commitment above the remaining need
// (ErrOversubscribed), below the minimum ticket (unless it completes the
// target), after the deadline, or in another currency is refused and nothing
// changes.
func (l *Listing) Commit(investor uuid.UUID, amount money.Amount, on date.Date) error {
	return l.Bid(Commitment{Investor: investor, Amount: amount, On: on})
}

// CheckBid decides bid c on a listing with these terms in state s, with
// committed already committed, byInvestor of it by c's investor (needed
// only with a maximum ticket) and keyUsed telling whether another bid has
// c's key; it returns the state after the bid (full when c reaches the
// target). It is the one statement of the bid rules: Listing.Bid applies
// it to a listing in memory, and a store that keeps bids apart can apply
// it to the listing's sums without reading every bid. An illegal move is
// a *fault.Transition; a bad bid a *fault.Fields naming every bad field
// (an amount above the remainder also wraps ErrOversubscribed).
func (t ListingTerms) CheckBid(s ListingState, committed, byInvestor money.Amount, c Commitment, keyUsed bool) (ListingState, error) {
	investor, amount, on := c.Investor, c.Amount, c.On
	if _, err := s.next(EventCommit); err != nil {
		return s, err
	}
	v := invalid()
	remaining := t.Target.Sub(committed)
	switch {
	case investor == uuid.Nil:
		v.Add("investor", "missing investor id")
	case investor == t.Borrower:
		v.Add("investor", "the borrower may not bid on their own listing")
	}
	if keyUsed {
		v.Addf("key", "bid %q is recorded already", c.Key)
	}
	if m := t.MaxTicket; !m.IsZero() && amount.SameCurrency(m) && byInvestor.SameCurrency(m) && byInvestor.Add(amount).Cmp(m) > 0 {
		v.Addf("amount", "%s would take the investor's commitments above the maximum ticket %s", amount, m)
	}
	switch {
	case !amount.IsPositive() || amount.Currency() != t.Target.Currency():
		v.Addf("amount", "%s must be a positive %s amount", amount, t.Target.Currency())
	case amount.Cmp(remaining) > 0:
		addErr(v, ErrOversubscribed, "amount", "%s exceeds the remaining %s", amount, remaining)
	case amount.Less(t.MinTicket) && amount != remaining:
		v.Addf("amount", "%s is below the minimum ticket %s", amount, t.MinTicket)
	}
	if on.IsZero() || on.After(t.Deadline) {
		v.Addf("on", "%s is after the deadline %s", on, t.Deadline)
	}
	if err := v.Err(); err != nil {
		return s, err
	}
	if amount == remaining {
		return s.next(EventFill)
	}
	return s, nil
}

// Bid records commitment c, as Commit does; besides, an investor may not
// commit more than the maximum ticket in all, nor the borrower to their
// own listing, and a key already used by another commitment is refused.
func (l *Listing) Bid(c Commitment) error {
	var by money.Amount
	if !l.terms.MaxTicket.IsZero() {
		by = l.CommittedBy(c.Investor)
	}
	to, err := l.terms.CheckBid(l.state, l.committed, by, c, c.Key != "" && l.keys[c.Key])
	if err != nil {
		return err
	}
	l.state = to
	l.commitments = append(l.commitments, c)
	if c.Key != "" {
		if l.keys == nil {
			l.keys = map[string]bool{}
		}
		l.keys[c.Key] = true
	}
	l.committed = l.committed.Add(c.Amount)
	return nil
}

// Expire fails an open listing whose deadline passed before asOf without
// reaching the target, and returns the released commitments so the host can
// unfreeze the investors' funds.
func (l *Listing) Expire(asOf date.Date) ([]Commitment, error) {
	to, err := l.state.next(EventExpire)
	if err != nil {
		return nil, err
	}
	if !asOf.After(l.terms.Deadline) {
		v := invalid()
		v.Addf("as_of", "%s is not after the deadline %s", asOf, l.terms.Deadline)
		return nil, v
	}
	return l.release(to), nil
}

// Cancel withdraws an open or full listing and returns the released commitments.
func (l *Listing) Cancel() ([]Commitment, error) {
	to, err := l.state.next(EventCancel)
	if err != nil {
		return nil, err
	}
	return l.release(to), nil
}

func (l *Listing) release(to ListingState) []Commitment {
	released := l.commitments
	l.released = released
	l.commitments, l.keys = nil, nil
	l.committed = money.Zero(l.terms.Target.Currency())
	l.state = to
	return released
}

// Settle turns a full listing into a Book on the disbursement date on: each
// investor's commitments become one holding, in the order of the investor's
// first commitment (which is also the tie order of every later split).
func (l *Listing) Settle(on date.Date, policy BookPolicy) (*Book, error) {
	to, err := l.state.next(EventSettle)
	if err != nil {
		return nil, err
	}
	b, err := NewBook(l.terms.Loan, on, l.Fundings(), policy)
	if err != nil {
		return nil, err
	}
	l.state = to
	return b, nil
}

// Released returns a copy of the commitments a failed listing released.
func (l *Listing) Released() []Commitment { return append([]Commitment(nil), l.released...) }

// Find returns the live commitment with key k.
func (l *Listing) Find(k string) (Commitment, bool) {
	for _, c := range l.commitments {
		if c.Key == k {
			return c, true
		}
	}
	return Commitment{}, false
}

// CommittedBy returns the sum of investor's live commitments.
func (l *Listing) CommittedBy(investor uuid.UUID) money.Amount {
	t := money.Zero(l.terms.Target.Currency())
	for _, c := range l.commitments {
		if c.Investor == investor {
			t = t.Add(c.Amount)
		}
	}
	return t
}

// Fundings returns the investors' commitments summed per investor, in the
// order of each one's first commitment: the funding of the loan a full
// listing becomes.
func (l *Listing) Fundings() []Funding {
	idx := make(map[uuid.UUID]int, len(l.commitments))
	var fundings []Funding
	for _, c := range l.commitments {
		if i, ok := idx[c.Investor]; ok {
			fundings[i].Amount = fundings[i].Amount.Add(c.Amount)
			continue
		}
		idx[c.Investor] = len(fundings)
		fundings = append(fundings, Funding{Investor: c.Investor, Amount: c.Amount})
	}
	return fundings
}

// RewardShares splits the borrower's reward among the investors pro rata
// to their fundings by the largest-remainder method, so the shares add up
// to the reward; in the order of Fundings, nil when there is no reward.
func (l *Listing) RewardShares() ([]Funding, error) {
	if l.terms.Reward.IsZero() {
		return nil, nil
	}
	f := l.Fundings()
	w := make([]money.Amount, len(f))
	for i := range f {
		w[i] = f[i].Amount
	}
	parts, err := money.AllocateAmounts(l.terms.Reward, w)
	if err != nil {
		return nil, err
	}
	out := make([]Funding, len(f))
	for i := range f {
		out[i] = Funding{Investor: f[i].Investor, Amount: parts[i]}
	}
	return out, nil
}

// listingDoc is a listing's stored form.
type listingDoc struct {
	Terms       ListingTerms `json:"terms"`
	State       ListingState `json:"state"`
	Commitments []Commitment `json:"commitments"`
	Released    []Commitment `json:"released,omitempty"`
}

// MarshalJSON encodes the listing: terms, state, commitments and the
// commitments released.
func (l *Listing) MarshalJSON() ([]byte, error) {
	c := l.commitments
	if c == nil {
		c = []Commitment{}
	}
	return json.Marshal(listingDoc{Terms: l.terms, State: l.state, Commitments: c, Released: l.released})
}

// UnmarshalJSON decodes a listing by replaying it (RestoreListing).
func (l *Listing) UnmarshalJSON(b []byte) error {
	var d listingDoc
	if err := json.Unmarshal(b, &d); err != nil {
		return fault.Invalid(ErrInvalidInput, "listing", err.Error())
	}
	bids := d.Commitments
	if d.State == ListingFailed {
		if len(d.Commitments) > 0 {
			return fault.Invalid(ErrInvalidInput, "commitments", "a failed listing holds none")
		}
		bids = d.Released
	}
	r, err := RestoreListing(d.Terms, d.State, bids)
	if err != nil {
		return err
	}
	*l = *r
	return nil
}

// RestoreListing rebuilds a stored listing in state s from its terms and
// its bids in the order they came (for a failed listing, those it
// released) by replaying them through Bid, so a record no sequence of
// moves could make — a bid below the minimum, an open listing at its
// target — is refused with a *fault.Fields.
func RestoreListing(t ListingTerms, s ListingState, bids []Commitment) (*Listing, error) {
	r, err := NewListing(t)
	if err != nil {
		return nil, err
	}
	for i, c := range bids {
		if err := r.Bid(c); err != nil {
			return nil, fault.Invalid(ErrInvalidInput, fmt.Sprintf("commitments[%d]", i), err.Error())
		}
	}
	full := r.state == ListingFull
	switch {
	case s == ListingOpen && !full, s == ListingFull && full:
	case s == ListingSettled && full:
		r.state = ListingSettled
	case s == ListingFailed: // open or full when it failed
		r.release(ListingFailed)
	default:
		return nil, fault.Invalid(ErrInvalidInput, "state", fmt.Sprintf("%s does not fit commitments of %s to a target of %s", s, r.committed, t.Target))
	}
	return r, nil
}
