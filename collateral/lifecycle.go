package collateral

import (
	"github.com/lendcore/lendcore/enum"
	"github.com/lendcore/lendcore/lifecycle"
)

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

var statusNames = enum.New[Status](ErrInvalidInput, "status", "", "proposed", "pledged", "released", "seized", "liquidated")

// String returns the status name used in JSON and reports.
func (s Status) String() string { return statusNames.String(s) }

// MarshalText encodes the status name.
func (s Status) MarshalText() ([]byte, error) { return statusNames.MarshalText(s) }

// UnmarshalText decodes a status name.
func (s *Status) UnmarshalText(b []byte) error { return statusNames.UnmarshalText(b, s) }

// Secures reports whether an item in this status counts as security for its
// loans (pledged, or seized pending sale).
func (s Status) Secures() bool { return s == Pledged || s == Seized }

// live reports whether an item in this status is still watched: revalued,
// and able to move on (proposed, pledged or seized).
func (s Status) live() bool { return s == Proposed || s.Secures() }

// Event moves an item from one status to another.
type Event uint8

// Item lifecycle events.
const (
	EventPledge    Event = iota + 1 // pledge perfected / mortgage registered
	EventRelease                    // security released (debt repaid, substitution, or release approved)
	EventSeize                      // enforcement begins
	EventLiquidate                  // the item is sold
)

var eventNames = enum.New[Event](ErrInvalidInput, "event", "", "pledge", "release", "seize", "liquidate")

// String returns the event name.
func (e Event) String() string { return eventNames.String(e) }

// MarshalText encodes the event name.
func (e Event) MarshalText() ([]byte, error) { return eventNames.MarshalText(e) }

// UnmarshalText decodes an event name.
func (e *Event) UnmarshalText(b []byte) error { return eventNames.UnmarshalText(b, e) }

// itemLifecycle is the collateral lifecycle: proposed → pledged → released,
// or pledged → seized → liquidated. A seized item whose debt is settled
// before the sale may still be released.
var itemLifecycle = lifecycle.New("item", ErrIllegalTransition,
	lifecycle.Move[Status, Event]{From: Proposed, On: EventPledge, To: Pledged},
	lifecycle.Move[Status, Event]{From: Pledged, On: EventRelease, To: Released},
	lifecycle.Move[Status, Event]{From: Pledged, On: EventSeize, To: Seized},
	lifecycle.Move[Status, Event]{From: Seized, On: EventRelease, To: Released},
	lifecycle.Move[Status, Event]{From: Seized, On: EventLiquidate, To: Liquidated},
)

// Next returns the status that event e leads to from s, or a
// *fault.Transition when the move is not in the lifecycle table.
func (s Status) Next(e Event) (Status, error) { return itemLifecycle.Next(s, e) }
