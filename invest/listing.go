package invest

import (
	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/enum"
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
	return v.Err()
}

// Commitment is an investor's pledge to a listing.
type Commitment struct {
	Investor uuid.UUID    `json:"investor"`
	Amount   money.Amount `json:"amount"`
	On       date.Date    `json:"on"`
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
	if _, err := l.state.next(EventCommit); err != nil {
		return err
	}
	v := invalid()
	remaining := l.Remaining()
	switch {
	case investor == uuid.Nil:
		v.Add("investor", "missing investor id")
	}
	switch {
	case !amount.IsPositive() || amount.Currency() != l.terms.Target.Currency():
		v.Addf("amount", "%s must be a positive %s amount", amount, l.terms.Target.Currency())
	case amount.Cmp(remaining) > 0:
		addErr(v, ErrOversubscribed, "amount", "%s exceeds the remaining %s", amount, remaining)
	case amount.Less(l.terms.MinTicket) && amount != remaining:
		v.Addf("amount", "%s is below the minimum ticket %s", amount, l.terms.MinTicket)
	}
	if on.IsZero() || on.After(l.terms.Deadline) {
		v.Addf("on", "%s is after the deadline %s", on, l.terms.Deadline)
	}
	if err := v.Err(); err != nil {
		return err
	}
	l.commitments = append(l.commitments, Commitment{investor, amount, on})
	l.committed = l.committed.Add(amount)
	if l.committed == l.terms.Target {
		l.state, _ = l.state.next(EventFill)
	}
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
	l.commitments = nil
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
	b, err := NewBook(l.terms.Loan, on, fundings, policy)
	if err != nil {
		return nil, err
	}
	l.state = to
	return b, nil
}
