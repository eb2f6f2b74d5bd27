package account

import (
	"fmt"

	"github.com/google/uuid"
	"github.com/rickb777/date"

	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/lifecycle"
	"github.com/lendcore/lendcore/money"
)

// WithdrawalState is where a withdrawal is: requested, waiting for the
// host's payment rail, then completed or failed.
type WithdrawalState uint8

// Withdrawal states.
const (
	WithdrawalPending   WithdrawalState = iota // requested; the amount is frozen
	WithdrawalCompleted                        // the rail paid it out
	WithdrawalRefused                          // the rail failed it; the amount is released
)

var withdrawalStateNames = enum.New[WithdrawalState](ErrInvalidInput, "state", "pending", "completed", "failed")

// String returns the state's name.
func (s WithdrawalState) String() string { return withdrawalStateNames.String(s) }

// MarshalText encodes the state's name.
func (s WithdrawalState) MarshalText() ([]byte, error) { return withdrawalStateNames.MarshalText(s) }

// UnmarshalText decodes a state's name.
func (s *WithdrawalState) UnmarshalText(b []byte) error {
	return withdrawalStateNames.UnmarshalText(b, s)
}

// WithdrawalEvent is the payment rail's answer to a withdrawal.
type WithdrawalEvent uint8

// Withdrawal events.
const (
	EventComplete WithdrawalEvent = iota // the rail paid the money out
	EventFail                            // the rail could not pay it
)

var withdrawalEventNames = enum.New[WithdrawalEvent](ErrInvalidInput, "event", "complete", "fail")

// String returns the event's name.
func (e WithdrawalEvent) String() string { return withdrawalEventNames.String(e) }

// withdrawalLifecycle is the one table of legal withdrawal moves.
var withdrawalLifecycle = lifecycle.New("withdrawal", ErrIllegalTransition,
	lifecycle.Move[WithdrawalState, WithdrawalEvent]{From: WithdrawalPending, On: EventComplete, To: WithdrawalCompleted},
	lifecycle.Move[WithdrawalState, WithdrawalEvent]{From: WithdrawalPending, On: EventFail, To: WithdrawalRefused},
)

// answers are the entry kind each event of the rail records.
var answers = [...]Kind{EventComplete: WithdrawalPaid, EventFail: WithdrawalFailed}

// Withdrawal is a member's request to take money out of the platform to
// their bank account: requested (its amount frozen), then paid out or
// failed by the host's payment rail.
type Withdrawal struct {
	ID        uuid.UUID       `json:"id"`
	Account   uuid.UUID       `json:"account"`
	Amount    money.Amount    `json:"amount"`
	Requested date.Date       `json:"requested"`
	State     WithdrawalState `json:"state"`
	// Answered is the day the rail answered; zero while pending.
	Answered date.Date `json:"answered,omitzero"`
}

// WithdrawalKey is the idempotency key of the entry that records event
// ("requested", "completed", "failed") of withdrawal id.
func WithdrawalKey(id uuid.UUID, event string) string {
	return "withdrawal/" + id.String() + "/" + event
}

// RequestWithdrawal asks for amount to be paid out to the member's bank
// account on day: the amount is frozen until the rail answers. Above the
// available balance it is refused (ErrInsufficientFunds, field
// "amount"); errors as for Post otherwise.
func (a *Account) RequestWithdrawal(id uuid.UUID, day date.Date, amount money.Amount) (Withdrawal, Entry, error) {
	if id == uuid.Nil {
		return Withdrawal{}, Entry{}, invalidField("id", "missing withdrawal id")
	}
	e, err := a.Post(WithdrawalRequested, WithdrawalKey(id, "requested"), id.String(), day, amount)
	if err != nil {
		return Withdrawal{}, Entry{}, err
	}
	return Withdrawal{ID: id, Account: a.ID, Amount: amount, Requested: day, State: WithdrawalPending}, e, nil
}

// Answer records the rail's answer on day: EventComplete pays the frozen
// amount out of the account, EventFail releases it. A withdrawal already
// answered is a *fault.Transition and nothing changes.
func (w *Withdrawal) Answer(a *Account, on WithdrawalEvent, day date.Date) (Entry, error) {
	to, err := withdrawalLifecycle.Next(w.State, on)
	if err != nil {
		return Entry{}, err
	}
	if a.ID != w.Account {
		return Entry{}, invalidField("account", "not the withdrawal's account")
	}
	if day.Before(w.Requested) {
		return Entry{}, invalidField("day", fmt.Sprintf("%s is before the request on %s", day, w.Requested))
	}
	e, err := a.Post(answers[on], WithdrawalKey(w.ID, to.String()), w.ID.String(), day, w.Amount)
	if err != nil {
		return Entry{}, err
	}
	w.State, w.Answered = to, day
	return e, nil
}

// WithdrawalOf rebuilds withdrawal id from its entries (those whose Ref is
// its id, in order). Errors: ErrInvalidInput naming "entries" when they
// are not a withdrawal's (none, no request first, an answer without one).
func WithdrawalOf(id uuid.UUID, entries []Entry) (Withdrawal, error) {
	if len(entries) == 0 || entries[0].Kind != WithdrawalRequested {
		return Withdrawal{}, invalidField("entries", "no request of withdrawal "+id.String())
	}
	r := entries[0]
	w := Withdrawal{ID: id, Account: r.Account, Amount: r.Frozen, Requested: r.Day, State: WithdrawalPending}
	for _, e := range entries[1:] {
		var on WithdrawalEvent
		switch e.Kind {
		case WithdrawalPaid:
			on = EventComplete
		case WithdrawalFailed:
			on = EventFail
		default:
			return Withdrawal{}, invalidField("entries", fmt.Sprintf("a %s entry in withdrawal %s", e.Kind, id))
		}
		to, err := withdrawalLifecycle.Next(w.State, on)
		if err != nil {
			return Withdrawal{}, invalidField("entries", err.Error())
		}
		w.State, w.Answered = to, e.Day
	}
	return w, nil
}

func invalidField(name, problem string) error {
	v := invalid()
	v.Add(name, problem)
	return v
}
