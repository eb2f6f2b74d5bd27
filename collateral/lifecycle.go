package collateral

import "fmt"

// move is one row key of a transition table: a state and an event.
type move[S, E comparable] struct {
	from  S
	event E
}

// table is a lifecycle: the only moves there are. A state and event missing
// from the table is an illegal move.
type table[S interface {
	comparable
	fmt.Stringer
}, E interface {
	comparable
	fmt.Stringer
}] struct {
	lifecycle string
	moves     map[move[S, E]]S
}

// next returns the state that e leads to from s, or a *TransitionError.
func (t table[S, E]) next(s S, e E) (S, error) {
	if to, ok := t.moves[move[S, E]{s, e}]; ok {
		return to, nil
	}
	return s, &TransitionError{Lifecycle: t.lifecycle, From: s, Event: e}
}

// Status is a stage in an item's life as security.
type Status uint8

// Item statuses.
const (
	Proposed   Status = iota + 1 // offered as security, not yet perfected
	Pledged                      // pledged or mortgage registered: it secures its loans
	Released                     // security released to the owner (final)
	Seized                       // taken into possession or frozen for enforcement
	Liquidated                   // sold; proceeds distributed (final)
)

var statusNames = enumNames{"Status", []string{"", "proposed", "pledged", "released", "seized", "liquidated"}}

// String returns the status name used in JSON and reports.
func (s Status) String() string { return statusNames.String(uint8(s)) }

// MarshalText encodes the status name.
func (s Status) MarshalText() ([]byte, error) { return statusNames.marshal(uint8(s)) }

// UnmarshalText decodes a status name.
func (s *Status) UnmarshalText(b []byte) error {
	v, err := statusNames.parse(b)
	if err == nil {
		*s = Status(v)
	}
	return err
}

// Secures reports whether an item in this status counts as security for its
// loans (pledged, or seized pending sale).
func (s Status) Secures() bool { return s == Pledged || s == Seized }

// Event moves an item from one status to another.
type Event uint8

// Item lifecycle events.
const (
	EventPledge    Event = iota + 1 // pledge perfected / mortgage registered
	EventRelease                    // security released (debt repaid, substitution, or release approved)
	EventSeize                      // enforcement begins
	EventLiquidate                  // the item is sold
)

var eventNames = enumNames{"Event", []string{"", "pledge", "release", "seize", "liquidate"}}

// String returns the event name.
func (e Event) String() string { return eventNames.String(uint8(e)) }

// itemLifecycle is the collateral lifecycle: proposed → pledged → released,
// or pledged → seized → liquidated. A seized item whose debt is settled
// before the sale may still be released.
var itemLifecycle = table[Status, Event]{"item", map[move[Status, Event]]Status{
	{Proposed, EventPledge}:  Pledged,
	{Pledged, EventRelease}:  Released,
	{Pledged, EventSeize}:    Seized,
	{Seized, EventRelease}:   Released,
	{Seized, EventLiquidate}: Liquidated,
}}

// Next returns the status that event e leads to from s, or a
// *TransitionError when the move is not in the lifecycle table.
func (s Status) Next(e Event) (Status, error) { return itemLifecycle.next(s, e) }
